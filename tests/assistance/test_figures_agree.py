"""Across steps — tahap 1 (csv) then tahap 2 (xlsx) — the import output, ``assistance list``, the
programme page, the Monev indicators and the Rakor Monev report xlsx give the same recipients
(distinct people), payments, rupiah and amount at stake."""

from __future__ import annotations

import io
import re
from datetime import date

import openpyxl
import pytest
from django.core.management import call_command
from django.test import Client

from tests.assistance.files import failed, paid, write_list
from ucjamsostek.monitoring import services as monev
from ucjamsostek.monitoring.models import IndicatorValue

STRANGER = "7403010101800007"


def _value(snap, code, period):
    return IndicatorValue.objects.get(
        snapshot=snap, indicator_id=code, period=period, area_code="74.13", breakdown=""
    ).numerator


@pytest.mark.django_db
def test_import_list_page_indicators_and_report_agree(schemes, users, tmp_path):
    a, a2, opd, b = (schemes[k].nik for k in ("p_a", "p_a2", "p_opd", "p_b"))
    one = write_list(tmp_path, "tahap-1", [paid(a, date(2025, 7, 1)), paid(a2, date(2025, 7, 2)), failed(opd)], "csv")
    two = write_list(
        tmp_path,
        "tahap-2",
        [paid(opd, date(2025, 7, 16)), paid(a, date(2025, 7, 17)), paid(b, date(2025, 7, 18))],
        "xlsx",
    )
    for path in (one, two):
        call_command("assistance", "import", str(path), "--programme", "BSU2025", stdout=io.StringIO())
    # 4 people paid (a twice), 5 payments; at stake: a's second payment and the BPU p_b
    people, payments, amount, at_stake = 4, 5, 3_000_000, 1_200_000

    listing = io.StringIO()
    call_command("assistance", "list", stdout=listing)
    assert (
        f"penerima {people} orang ({payments} pembayaran)\ttersalur Rp3.000.000\t"
        f"tidak memenuhi syarat 2 pembayaran, Rp1.200.000"
    ) in listing.getvalue()

    c = Client()
    c.force_login(users["dinas"])
    index = c.get("/bantuan/").content.decode()
    pk = int(re.search(r'href="/bantuan/(\d+)/"', index).group(1))
    page = c.get(f"/bantuan/{pk}/").content.decode()
    totals = re.sub(r"<[^>]+>", "", re.search(r'<p id="bsu-totals">(.*?)</p>', page, re.S).group(1))
    assert f"{people} penerima (orang), {payments} pembayaran, tersalur Rp3.000.000" in totals
    assert "1 pembayaran kedua kepada orang yang sama." in totals
    assert "2 pembayaran kepada yang tidak memenuhi syarat, senilai Rp1.200.000" in totals

    snap = monev.refresh("2025-07")
    assert (_value(snap, "BSU_COUNT", "2025-07"), _value(snap, "BSU_AMOUNT", "2025-07")) == (people, amount)

    out = tmp_path / "laporan.xlsx"
    call_command("report", "monev", "--period", "2025-07", "--out", str(out), stdout=io.StringIO())
    wb = openpyxl.load_workbook(out, read_only=True)
    bsu = {r[0]: r[1] for r in wb["BSU"].iter_rows(min_row=2, values_only=True)}
    assert (bsu["Penerima"], bsu["Nominal (Rp)"]) == (people, amount)
    flagged = [r for r in wb["BSU ditandai"].iter_rows(min_row=2, values_only=True)]
    assert flagged == [
        ("Dibayar/tercantum lebih dari sekali", 1, 1, 600_000),
        ("Kategori kepesertaan tidak memenuhi syarat", 1, 1, 600_000),
        ("Jumlah pembayaran ditandai", 2, 2, at_stake),
    ]

"""``ucjamsostek demo --no-serve`` builds its data into the database, twice without duplicates."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from ucjamsostek.demo.management.commands.demo import PKS_NUMBER
from ucjamsostek.demo.operations import sizes

ARGS = ("demo", "--no-serve", "--nominations", "500", "--registry", "400", "--no-progress", "--seed", "7")


def _run(*extra: str) -> str:
    out = io.StringIO()
    call_command(*ARGS, *extra, stdout=out)
    return out.getvalue()


def _counts() -> dict[str, int]:
    from ucjamsostek.accounts.models import User
    from ucjamsostek.agreements.models import Agreement, Amendment, Coverage
    from ucjamsostek.assistance.models import Recipient
    from ucjamsostek.billing.models import Invoice, Payment
    from ucjamsostek.budget.models import BudgetScenario
    from ucjamsostek.claims.models import Claim
    from ucjamsostek.monitoring.models import ActionItem, FollowUp, Meeting, Snapshot, WorkforceDenominator
    from ucjamsostek.registry.models import Enrollment, Person
    from ucjamsostek.screening.models import Nomination, NominationBatch, ReferenceList

    return {
        "agreements": Agreement.objects.count(),
        "amendments": Amendment.objects.count(),
        "claims": Claim.objects.count(),
        "coverages": Coverage.objects.count(),
        "invoices": Invoice.objects.count(),
        "payments": Payment.objects.count(),
        "bsu": Recipient.objects.count(),
        "actions": ActionItem.objects.count(),
        "meetings": Meeting.objects.count(),
        "follow_ups": FollowUp.objects.count(),
        "workforce": WorkforceDenominator.objects.count(),
        "snapshots": Snapshot.objects.count(),
        "people": Person.objects.count(),
        "enrollments": Enrollment.objects.count(),
        "batches": NominationBatch.objects.count(),
        "nominations": Nomination.objects.count(),
        "references": ReferenceList.objects.count(),
        "users": User.objects.count(),
        "scenarios": BudgetScenario.objects.count(),
    }


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_demo_no_serve_builds_data_and_is_idempotent(settings: Any, tmp_path: Path) -> None:
    from ucjamsostek.agreements.models import Agreement, Coverage
    from ucjamsostek.registry.models import Enrollment, Person
    from ucjamsostek.screening.models import NominationBatch

    settings.DATA_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    first = _run()

    counts = _counts()
    assert counts["people"] == 400
    registry = Enrollment.objects.filter(coverage_start__lt="2025-01-01")
    non_asn = registry.filter(segment_id="non_asn").values("person_id").distinct().count()
    assert non_asn > 0
    assert registry.count() == 400 + non_asn
    assert set(registry.values_list("status", flat=True)) == {"ended"}
    assert registry.filter(coverage_end__gt="2025-01-01").count() == 0
    old = Agreement.objects.get(number=PKS_NUMBER)
    assert Coverage.objects.filter(agreement=old).count() == 400  # every period from November 2022
    assert Person.objects.filter(is_deceased=True).exists()
    _operations_and_dashboard(old, first, tmp_path)
    assert counts["references"] == 3
    assert counts["nominations"] == 500
    assert counts["batches"] == len(list((tmp_path / "demo" / "usulan").iterdir()))
    assert NominationBatch.objects.filter(source_kind="opd").exists()
    assert counts["users"] >= 9
    assert counts["scenarios"] == 1
    assert (tmp_path / "demo" / "referensi" / "referensi-asn.csv").exists()
    assert any((tmp_path / "demo" / "kunci").iterdir())
    assert "sesuai kunci" in first and "Kata sandi" in first
    assert not re.search(r"\d{16}", first), "no NIK may be printed"

    second = _run()
    assert _counts() == counts
    assert "sudah" in second
    assert "data operasional demo sudah ada" in second
    password = re.search(r"Kata sandi semua pengguna demo: (\S+)", first)
    assert password and password.group(1) in second  # the same login every run

    with pytest.raises(CommandError, match="--reset"):  # another seed would mix two datasets
        call_command(
            "demo", "--no-serve", "--nominations", "500", "--registry", "400", "--seed", "8", stdout=io.StringIO()
        )


def _operations_and_dashboard(old: Any, said: str, tmp_path: Path) -> None:
    """The operations and monitoring steps: the 2025 gap and the PKS that end it, twelve bills, the
    claims and BSU of the Rakor Monev scaled to this registry, and the dashboard saying so."""
    from ucjamsostek.accounts.models import User
    from ucjamsostek.agreements import selectors as agreements
    from ucjamsostek.agreements.models import Agreement
    from ucjamsostek.billing.models import Invoice
    from ucjamsostek.claims.models import Claim
    from ucjamsostek.core.indicators import claims_sentence
    from ucjamsostek.demo.operations import NEW_NUMBER, NON_ASN_NUMBER
    from ucjamsostek.monitoring import selectors as monev
    from ucjamsostek.monitoring.models import FollowUp, Meeting, Snapshot

    n_claims, claims_total, n_bsu = sizes(400)
    assert sizes(12_000) == (120, 4_960_000_000, 390)  # the full demo: the Rakor Monev of July 2025
    assert (n_claims, claims_total, n_bsu) == (4, 165_333_000, 13)

    # the old PKS ended on 31-12-2024; the renewal from 14-07-2025 (pekerja rentan), non-ASN from 01-03-2025
    new = Agreement.objects.get(number=NEW_NUMBER)
    assert old.status == "ended" and new.predecessor_id == old.pk
    assert str(new.start) == "2025-07-14" and str(Agreement.objects.get(number=NON_ASN_NUMBER).start) == "2025-03-01"
    leader = User.objects.get(username="pimpinan")
    gaps = agreements.coverage_gaps(leader)
    assert {(str(r.gap_start), r.days) for r in gaps.rows} == {("2025-01-01", 194), ("2025-01-01", 59)}
    assert gaps.people > 0

    assert Invoice.objects.count() == 12
    assert {str(p) for p in Invoice.objects.values_list("period", flat=True)} >= {"2025-12-01", "2026-11-01"}
    assert Claim.objects.count() == n_claims
    assert sum(Claim.objects.values_list("amount", flat=True)) == claims_total
    assert not Claim.objects.filter(paid_on__isnull=True).exists()
    assert Claim.objects.filter(uncovered=True).exists()  # incidents in the gap
    assert (tmp_path / "demo" / "bpjs" / "klaim-bpjs.csv").exists()
    assert (tmp_path / "demo" / "bpjs" / "tagihan-2026-01.csv").exists()
    assert f"{n_claims} klaim dibayar senilai Rp165.333.000" in said
    assert f"BSU 2025: {n_bsu} penerima tersalur" in said

    assert Meeting.objects.count() == 2 and FollowUp.objects.filter(carried_from__isnull=False).exists()
    periods = {"2024-12", "2025-S1", "2025-06", "2025-07", "2025-S2", "2026-01"}  # 2025-06: the report's previous
    assert set(Snapshot.objects.values_list("period", flat=True)) == periods
    d = monev.dashboard(leader, "2026-01")
    cumulative = d.claims["cumulative"]
    assert (cumulative["count"], cumulative["amount"]) == (n_claims, claims_total)
    assert cumulative["sentence"] == claims_sentence(n_claims, claims_total)
    assert "melalui 4 klaim" in cumulative["sentence"]
    assert monev.dashboard(leader, "2025-S2").bsu["count"] == n_bsu
    during_gap = monev.dashboard(leader, "2025-S1")
    assert during_gap.gap and during_gap.gap > 0  # pekerja rentan unprotected until 13-07-2025
    assert during_gap.headline["active"] < monev.dashboard(leader, "2024-12").headline["active"]
    assert d.headline["target"] == 10_000 and d.headline["target_actual"] > 0
    _rakor_monev_report(tmp_path, n_claims, claims_total, n_bsu)


def _rakor_monev_report(tmp_path: Path, n_claims: int, claims_total: int, n_bsu: int) -> None:
    """The acceptance case of the seed's meeting (30 July 2025): ``report monev --period 2025-07``
    and its xlsx show the claims since the programme began and the BSU recipients the Pemda
    announced (scaled to this registry: 120 / Rp4.960.000.000 / 390 for the full demo), each
    figure with its definition in the annex, coverage ending 31-12-2024 said inclusively."""
    import subprocess

    import openpyxl

    from ucjamsostek.core import indicators as ind
    from ucjamsostek.core.money import format_number, format_rupiah

    xlsx, pdf = tmp_path / "monev-2025-07.xlsx", tmp_path / "monev-2025-07.pdf"
    for out in (xlsx, pdf):
        call_command("report", "monev", "--period", "2025-07", "--out", str(out), stdout=io.StringIO())
    claims_row = f"{format_number(n_claims)} klaim, {format_rupiah(claims_total)}"
    wb = openpyxl.load_workbook(xlsx, read_only=True)
    summary = {r[0]: r[1] for r in wb["Ringkasan"].iter_rows(min_row=6, values_only=True) if r[0]}
    assert summary["Klaim sejak program berjalan"] == claims_row
    assert summary["Penerima BSU sejak awal"].startswith(f"{format_number(n_bsu)} orang")
    figures = {r[0]: r for r in wb["Indikator"].iter_rows(min_row=2, values_only=True)}
    assert figures["CLAIMS_COUNT_TOTAL"][4] == n_claims and figures["CLAIMS_AMOUNT_TOTAL"][4] == claims_total
    assert figures["BSU_COUNT_TOTAL"][4] == n_bsu
    assert figures["CLAIMS_COUNT_TOTAL"][2] == "s.d. 31-07-2025"
    annex = {r[0]: r for r in wb["Lampiran definisi"].iter_rows(min_row=2, values_only=True)}
    assert set(annex) == {d.code for d in ind.INDICATORS}
    for d in ind.INDICATORS:
        assert annex[d.code][2] == d.definition.id
    assert "31-12-2024" in annex["ACTIVE"][5] and "01-01-2025" in annex["ACTIVE"][5]

    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout.split())
    assert f"Klaim sejak program berjalan {claims_row}" in text
    assert f"Penerima BSU sejak awal {format_number(n_bsu)} orang" in text
    assert "Lampiran. Indikator dan definisinya" in text
    for d in ind.INDICATORS:
        assert f"({d.code})" in text, d.code
    assert " ".join(ind.INDICATOR_BY_CODE["BSU_COUNT_TOTAL"].definition.id.split()) in text

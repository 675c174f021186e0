"""The operations commands: one clear Indonesian line on bad input, nothing half-written."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ucjamsostek.agreements.models import Agreement
from ucjamsostek.billing.models import Invoice


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_agreement_lifecycle_from_the_console(db, tmp_path: Path):
    text = _run(
        "agreement",
        "create",
        "--number",
        "PKS/1",
        "--start",
        "2025-07-14",
        "--last-day",
        "2026-12-31",
        "--value",
        "Rp2.016.000.000",
        "--quota",
        "10000",
        "--signed",
        "2025-07-10",
    )
    assert "PKS/1 dibuat" in text
    a = Agreement.objects.get(number="PKS/1")
    assert (a.value, a.end.isoformat()) == (2_016_000_000, "2027-01-01")
    _run("agreement", "status", "PKS/1", "signed")
    _run("agreement", "amend", "PKS/1", "--quota", "10500", "--reason", "Tambah kuota")
    pdf = tmp_path / "pks.pdf"
    pdf.write_bytes(b"%PDF-1.5\n")
    _run("agreement", "attach", "PKS/1", str(pdf))
    shown = _run("agreement", "show", "PKS/1")
    assert "addendum 1" in shown and "[10000, 10500]" in shown and "dokumen: pks" in shown
    _run("agreement", "renew", "PKS/1", "--number", "PKS/2", "--start", "2027-01-01", "--last-day", "2027-12-31")
    assert Agreement.objects.get(number="PKS/2").predecessor == a
    assert "Tidak ada peringatan" in _run("agreement", "warnings", "--today", "2027-12-01")  # a draft does not count
    Agreement.objects.filter(number="PKS/2").update(signed_on="2026-12-20")
    _run("agreement", "status", "PKS/2", "signed")
    assert "PKS PKS/2 berakhir 31-12-2027 (31 hari)" in _run("agreement", "warnings", "--today", "2027-12-01")
    paid = _run(
        "billing",
        "pay",
        "--agreement",
        "PKS/1",
        "--sp2d",
        "0001/SP2D",
        "--date",
        "2025-10-20",
        "--amount",
        "Rp504.000.000",
    )
    assert "SP2D 0001/SP2D Rp504.000.000 dicatat untuk PKS PKS/1" in paid


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("agreement", "show", "TIDAK-ADA"), "tidak ditemukan"),
        (("agreement", "create", "--number", "X", "--start", "2025-01-01"), "Tanggal akhir wajib diisi"),
        (("agreement", "amend", "PKS/1", "--quota", "5"), "Alasan addendum wajib diisi"),
        (("billing", "reconcile", "--period", "2026-01", "--out", "/tmp/x"), "Belum ada tagihan"),
        (("billing", "reconcile", "--period", "Jan", "--out", "/tmp/x"), "Periode tidak terbaca"),
    ],
)
def test_bad_input_is_one_clear_line(db, args, message):
    call_command(
        "agreement",
        "create",
        "--number",
        "PKS/1",
        "--start",
        "2025-01-01",
        "--last-day",
        "2025-12-31",
        stdout=io.StringIO(),
    )
    with pytest.raises(CommandError, match=message):
        call_command(*args, stdout=io.StringIO())


def test_bad_bill_writes_nothing(db, tmp_path: Path):
    bad = tmp_path / "tagihan.csv"
    bad.write_text("NIK,Periode,Iuran\n7413010101900001,01/2026,16800\n7413010101900002,13/2026,16800\n")
    with pytest.raises(CommandError, match="baris 3.*Periode"):
        call_command("billing", "import", str(bad), stdout=io.StringIO())
    assert Invoice.objects.count() == 0

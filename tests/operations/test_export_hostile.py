"""Reconciliation outputs with hostile names and NIK cells: text stays text (issue 12 §5)."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from tests.export_checks import csv_fields, xlsx_cells
from ucjamsostek.billing import services as bil

from .test_operations import _write, pks  # noqa: F401

pytestmark = pytest.mark.django_db


def test_reconciliation_outputs_with_hostile_text(pks, people, users, tmp_path):  # noqa: F811
    a, b = people["p_a"].nik, people["p_b"].nik
    bill = _write(
        tmp_path,
        "tagihan-2026-01.csv",
        "NIK,No KPJ,Nama,Periode,Program,Iuran\n"
        f'{a},1,"=HYPERLINK(""http://x"",""klik"")",2026-01,JKK+JKM,16800\n'
        f"{b},2,@SUM(A1),2026-01,JKK+JKM,16000\n"
        "+7413010101909999,3,-2+3,2026-01,JKK+JKM,16800\n",
    )
    try:
        bil.import_bill(users["bpjs"], bill)
    except Exception:  # a bill whose NIK cell is a formula may be refused: then test the valid lines only
        bill = _write(tmp_path, "tagihan-2026-01.csv", bill.read_text().rsplit("+7413", 1)[0])
        bil.import_bill(users["bpjs"], bill)
    out = tmp_path / "out"
    call_command("billing", "reconcile", "--period", "2026-01", "--out", str(out))
    fields = csv_fields(out / "reconciliation.csv")  # fails on a formula-like text field
    assert "difference" in fields
    xlsx_cells(out / "reconciliation.xlsx")  # fails on any formula cell

"""Issue 9 §1: a bill month is payable once, across every bill file (DESIGN.md §5.4, docs/ledger.md).

Every case goes through real bill files (csv and xlsx) and the console commands or services a
Dinas uses, on whichever database the run uses (SQLite or PostgreSQL)."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.operations.bill_files import write_bill
from tests.operations.test_operations import pks  # noqa: F401
from ucjamsostek.billing import selectors as bsel
from ucjamsostek.billing import services as bil
from ucjamsostek.billing.models import Invoice, InvoiceLine
from ucjamsostek.core.rates import monthly_contribution

NOV, DEC, JAN = date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1)
BPU = {m: monthly_contribution("BPU", "public", m) for m in (NOV, DEC, JAN)}
PU = {m: monthly_contribution("PU", "public", m, wage=2_552_000) for m in (NOV, DEC, JAN)}  # p_opd (non-ASN)


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def _reconcile(period: str, out: Path) -> list[dict[str, str]]:
    _run("billing", "reconcile", "--period", period, "--out", str(out))
    with (out / "reconciliation.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _rp(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _nov_bill(tmp_path: Path, people, suffix: str = ".csv", *, who=("p_a", "p_b", "p_opd")) -> Path:
    amounts = {"p_a": BPU[NOV], "p_b": BPU[NOV], "p_opd": PU[NOV]}
    rows = [(people[k].nik, "2025-11", _rp(amounts[k])) for k in who]
    return write_bill(tmp_path / f"tagihan-2025-11{suffix}", rows)


@pytest.mark.parametrize("formats", [(".csv", ".xlsx"), (".xlsx", ".csv")])
def test_december_bill_repeating_november_lines_pays_them_once(pks, people, tmp_path, formats):  # noqa: F811
    a, b, o = (people[k].nik for k in ("p_a", "p_b", "p_opd"))
    nov = _nov_bill(tmp_path, people, formats[0])
    _run("billing", "import", str(nov), "--number", "TAG/11")
    dec = write_bill(
        tmp_path / f"tagihan-2025-12{formats[1]}",
        [
            (a, "Desember 2025", _rp(BPU[DEC])),  # line 2
            (b, "12/2025", _rp(BPU[DEC])),  # line 3
            (o, "2025-12", _rp(PU[DEC])),  # line 4
            (a, "November 2025", _rp(BPU[NOV])),  # line 5: November again (billed on line 2 of TAG/11)
            (b, "11/2025", _rp(BPU[NOV])),  # line 6: November again (line 3 of TAG/11)
            (b, "11/2025", _rp(BPU[NOV])),  # line 7: and once more in this very file
        ],
    )
    _run("billing", "import", str(dec), "--number", "TAG/12")

    nov_rows = _reconcile("2025-11", tmp_path / "nov")
    assert {r["class"] for r in nov_rows} == {"MATCHED"}  # the earlier bill keeps its classes
    rows = _reconcile("2025-12", tmp_path / "dec")
    assert list(rows[0]) == [
        "line",
        "nik",
        "class",
        "billed",
        "expected",
        "difference",
        "repeats_period",
        "repeats_number",
        "repeats_line",
    ]
    cols = ("line", "class", "expected", "repeats_period", "repeats_number", "repeats_line")
    got = [tuple(r[c] for c in cols) for r in rows]
    assert got == [
        ("2", "MATCHED", str(BPU[DEC]), "", "", ""),
        ("3", "MATCHED", str(BPU[DEC]), "", "", ""),
        ("4", "MATCHED", str(PU[DEC]), "", "", ""),
        ("5", "BILLED_TWICE", "0", "2025-11", "TAG/11", "2"),
        ("6", "BILLED_TWICE", "0", "2025-11", "TAG/11", "3"),
        ("7", "BILLED_TWICE", "0", "2025-11", "TAG/11", "3"),  # the first billing is the one named
    ]
    inv_nov, inv_dec = Invoice.objects.get(period=NOV), Invoice.objects.get(period=DEC)
    assert inv_nov.payable == 2 * BPU[NOV] + PU[NOV]
    assert inv_dec.payable == 2 * BPU[DEC] + PU[DEC]
    assert inv_dec.billed_total == inv_dec.payable + 3 * BPU[NOV]

    # the xlsx for people names the earlier bill and line too
    import python_calamine as pc

    sheet = pc.CalamineWorkbook.from_path(str(tmp_path / "dec" / "reconciliation.xlsx")).get_sheet_by_name("Rincian")
    table = sheet.to_python()
    header = next(i for i, r in enumerate(table) if r and r[0] == "Baris")
    assert table[header][-3:] == ["Mengulang tagihan periode", "Mengulang tagihan nomor", "Mengulang baris"]
    by_line = {int(r[0]): r for r in table[header + 1 :] if r[0] != ""}
    assert by_line[5][-3:] == ["11/2025", "TAG/11", 2]
    assert by_line[2][-3:] == ["", "", ""]

    # November paid in full, December as reconciled: nothing is owed for the repeated lines
    bil.record_payment(
        bil.perm.SYSTEM, inv_nov, sp2d_number="SP2D/11", paid_on=date(2025, 12, 20), amount=inv_nov.payable
    )
    owed = {r["period"]: r["outstanding"] for r in bsel.arrears_rows(bil.perm.SYSTEM, today=date(2026, 1, 10))}
    assert owed == {NOV: 0, DEC: 2 * BPU[DEC] + PU[DEC]}


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_one_line_back_bill_for_a_billed_month_is_billed_twice(pks, people, tmp_path, suffix):  # noqa: F811
    _run("billing", "import", str(_nov_bill(tmp_path, people, ".csv")), "--number", "TAG/11")
    back = write_bill(tmp_path / f"rapel{suffix}", [(people["p_b"].nik, "2025-11", _rp(BPU[NOV]))])
    assert "Tagihan 01/2026: 1 baris" in _run("billing", "import", str(back), "--period", "2026-01")
    rows = _reconcile("2026-01", tmp_path / "jan")
    billed = [r for r in rows if r["line"]]
    assert [(r["line"], r["class"], r["expected"], r["repeats_period"], r["repeats_line"]) for r in billed] == [
        ("2", "BILLED_TWICE", "0", "2025-11", "3")
    ]
    assert Invoice.objects.get(period=JAN).payable == 0
    # January itself was not billed by anyone: the roster people covered in it are NOT_BILLED
    assert sorted(r["nik"] for r in rows if r["class"] == "NOT_BILLED") == sorted(
        people[k].nik for k in ("p_a", "p_b", "p_opd")
    )


def test_a_month_billed_on_an_earlier_bill_is_not_missing_from_a_later_one(pks, people, tmp_path):  # noqa: F811
    """A bill imported earlier that already billed the reconciled month: not NOT_BILLED again."""
    a = people["p_a"].nik
    # the November bill carries an advance line for December
    nov = write_bill(tmp_path / "nov.csv", [(a, "2025-11", _rp(BPU[NOV])), (a, "2025-12", _rp(BPU[DEC]))])
    _run("billing", "import", str(nov), "--period", "2025-11")
    dec = write_bill(tmp_path / "dec.xlsx", [(people["p_b"].nik, "2025-12", _rp(BPU[DEC]))])
    _run("billing", "import", str(dec))
    rows = _reconcile("2025-12", tmp_path / "dec")
    assert sorted(r["nik"] for r in rows if r["class"] == "NOT_BILLED") == [people["p_opd"].nik]


def test_replace_rewrites_only_that_bills_lines(pks, people, tmp_path):  # noqa: F811
    a, b, o = (people[k].nik for k in ("p_a", "p_b", "p_opd"))
    _run("billing", "import", str(_nov_bill(tmp_path, people, ".csv")), "--number", "TAG/11")
    dec_rows = [(a, "2025-12", _rp(BPU[DEC])), (b, "2025-12", _rp(BPU[DEC])), (o, "2025-12", _rp(PU[DEC]))]
    dec = write_bill(tmp_path / "dec.csv", [*dec_rows, (b, "2025-11", _rp(BPU[NOV]))])  # line 5 back-bills November
    _run("billing", "import", str(dec), "--number", "TAG/12")
    assert [r["class"] for r in _reconcile("2025-12", tmp_path / "r1") if r["line"] == "5"] == ["BILLED_TWICE"]
    inv_nov, inv_dec = Invoice.objects.get(period=NOV), Invoice.objects.get(period=DEC)
    dec_lines = list(InvoiceLine.objects.filter(invoice=inv_dec).order_by("line").values_list("pk", "nik", "period"))
    assert Invoice.objects.get(pk=inv_dec.pk).payable == 2 * BPU[DEC] + PU[DEC]

    # November replaced by a corrected file (xlsx) without p_b: the bill keeps its place, only its
    # lines change; December's lines stay, and December is reconciled again at once: its
    # back-bill of p_b's November is now the first billing of that month, payable
    fixed_nov = _nov_bill(tmp_path, people, ".xlsx", who=("p_a", "p_opd"))
    _run("billing", "import", str(fixed_nov), "--replace", "--number", "TAG/11-R")
    again = Invoice.objects.get(period=NOV)
    assert again.pk == inv_nov.pk and again.line_count == 2 and again.payable is None
    assert list(InvoiceLine.objects.filter(invoice=again).values_list("nik", flat=True).order_by("line")) == [a, o]
    assert list(InvoiceLine.objects.filter(invoice=inv_dec).order_by("line").values_list("pk", "nik", "period")) == (
        dec_lines
    )
    assert Invoice.objects.get(pk=inv_dec.pk).payable == 2 * BPU[DEC] + PU[DEC] + BPU[NOV]
    assert [r["class"] for r in _reconcile("2025-12", tmp_path / "r2") if r["line"] == "5"] == ["MATCHED"]

    # December replaced by a file that bills p_a's November again: named against the new November
    redo = write_bill(tmp_path / "dec2.xlsx", [*dec_rows, (a, "November 2025", _rp(BPU[NOV]))])
    _run("billing", "import", str(redo), "--replace")
    rows = _reconcile("2025-12", tmp_path / "r3")
    assert [(r["line"], r["class"], r["repeats_number"], r["repeats_line"]) for r in rows if r["line"] == "5"] == [
        ("5", "BILLED_TWICE", "TAG/11-R", "2")
    ]
    assert InvoiceLine.objects.filter(invoice=again).count() == 2  # November's lines untouched
    assert Invoice.objects.count() == 2


def test_reconciliation_page_names_the_repeated_bill(client, users, pks, people, tmp_path):  # noqa: F811
    from django.urls import reverse

    _run("billing", "import", str(_nov_bill(tmp_path, people, ".csv")), "--number", "TAG/11")
    dec = write_bill(tmp_path / "dec.xlsx", [(people["p_a"].nik, "2025-11", _rp(BPU[NOV]))])
    _run("billing", "import", str(dec), "--period", "2025-12")
    client.force_login(users["auditor"])
    page = client.get(reverse("billing:invoice", args=[Invoice.objects.get(period=DEC).pk]))
    lines = page.context["page"].lines
    assert [(r["line"], r["class"], r["repeats_line"]) for r in lines if r["line"]] == [(2, "BILLED_TWICE", 2)]
    assert "tagihan 11/2025 baris 2 (TAG/11)" in page.content.decode()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_bill_page_in_a_browser_names_the_repeated_line(live_server, browser_page, users, pks, people, tmp_path):  # noqa: F811
    from tests.people_fixtures import PASSWORD

    _run("billing", "import", str(_nov_bill(tmp_path, people, ".xlsx")), "--number", "TAG/11")
    dec = write_bill(tmp_path / "dec.csv", [(people["p_b"].nik, "2025-11", _rp(BPU[NOV]))])
    _run("billing", "import", str(dec), "--period", "2025-12")
    page = browser_page
    page.goto(f"{live_server.url}/akun/masuk/")
    page.fill("#id_username", "u_dinas")
    page.fill("#id_password", PASSWORD)
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/tagihan/{Invoice.objects.get(period=DEC).pk}/")
    row = page.locator("#lines tbody tr").filter(has_text="Ditagih dua kali")
    assert row.count() == 1
    assert row.locator("td.repeats").inner_text().strip() == "tagihan 11/2025 baris 3 (TAG/11)"
    assert page.locator("#summary").inner_text().count("Ditagih dua kali") == 1

"""The bulk paths of billing (issue 5: a million-line bill in ≤ 30 s): lines stored with COPY /
executemany, roster and bill read back as frames, csv and xlsx written column-wise — each gives
what the row-by-row code gave."""

from __future__ import annotations

from datetime import date

import openpyxl
import polars as pl
import pytest
import python_calamine as pc

from tests.operations.test_operations import _write, pks  # noqa: F401
from ucjamsostek.agreements.selectors import COVERED_STATUSES
from ucjamsostek.billing import services as bil
from ucjamsostek.billing.models import InvoiceLine
from ucjamsostek.core import xlsxml, xlsxout
from ucjamsostek.registry.models import Enrollment, Funder, Person


def _roster_row_by_row() -> pl.DataFrame:
    """The roster as the per-row code built it (the reference)."""
    rows = Enrollment.objects.filter(status__in=COVERED_STATUSES).values_list(
        "pk", "person__nik", "coverage_start", "coverage_end", "segment__category", "funder__payer_kind",
        "jkk", "jkm", "jht", "coverage__agreement__wage_base", "person__death_date",
    )  # fmt: skip
    return pl.DataFrame(
        [
            (
                r[0], r[1], r[2], r[3], r[4], "public" if r[5] == Funder.PayerKind.PUBLIC else "other",
                "+".join(p for p, on in (("JKK", r[6]), ("JKM", r[7]), ("JHT", r[8])) if on),
                r[9] if r[4] == "PU" else None, r[10],
            )  # fmt: skip
            for r in rows
        ],
        schema={"enrollment_id": pl.Int64, "nik": pl.Utf8, "start": pl.Date, "end": pl.Date, "category": pl.Utf8,
                "payer": pl.Utf8, "programmes": pl.Utf8, "wage": pl.Int64, "death_date": pl.Date},
        orient="row",
    )  # fmt: skip


@pytest.mark.django_db
def test_roster_frame_is_the_row_by_row_roster(pks, people):  # noqa: F811
    Person.objects.filter(pk=people["p_b"].pk).update(death_date=date(2025, 12, 3), is_deceased=True)
    mandiri = Funder.objects.filter(payer_kind=Funder.PayerKind.OTHER).first()
    assert mandiri is not None
    e = Enrollment.objects.filter(person=people["p_a"], status__in=COVERED_STATUSES).first()
    assert e is not None
    Enrollment.objects.filter(pk=e.pk).update(funder=mandiri, jht=True)
    got = bil.roster_frame().sort("enrollment_id")
    want = _roster_row_by_row().sort("enrollment_id")
    assert got.height >= 4 and got.equals(want)
    assert set(got["payer"]) == {"public", "other"} and "JKK+JKM+JHT" in set(got["programmes"])
    assert got.filter(pl.col("category") == "PU")["wage"].to_list() == [2_552_000]


@pytest.mark.django_db
def test_stored_lines_bill_frame_and_csv(pks, people, users, tmp_path):  # noqa: F811
    a, b = people["p_a"].nik, people["p_b"].nik
    f = _write(
        tmp_path,
        "tagihan.csv",
        "NIK,No KPJ,Nama,Periode,Program,Iuran\n"
        f'{a},123456789012345678901234,A,2025-12,"JKK, JKM",16.800\n'  # KPJ over 20 characters
        f"{b},,B,2026-01,,16800\n"  # no KPJ, no programme
        f"{a},7,A,2026-01,JKK+JKM,16800\n"
        f"7413019999990001,8,X,2025-12,{'P' * 45},5\n",
    )
    inv, _ = bil.import_bill(users["bpjs"], f)
    assert inv.period == date(2025, 12, 1)  # two periods twice each: the one met first in the file
    stored = list(
        InvoiceLine.objects.filter(invoice=inv).values_list("line", "nik", "kpj", "period", "programme", "amount")
    )
    assert stored == [
        (2, a, "12345678901234567890", date(2025, 12, 1), "JKK, JKM", 16800),
        (3, b, "", date(2026, 1, 1), "", 16800),
        (4, a, "7", date(2026, 1, 1), "JKK+JKM", 16800),
        (5, "7413019999990001", "8", date(2025, 12, 1), "P" * 40, 5),
    ]
    frame = bil.bill_frame(inv)
    assert frame.schema == {"line": pl.Int64, "nik": pl.Utf8, "period": pl.Date, "amount": pl.Int64}
    assert frame.rows() == [(r[0], r[1], r[3], r[5]) for r in stored]
    rec = bil.reconcile_invoice(inv)
    csv_path, _ = bil.write_reconciliation(rec, tmp_path / "out")
    raw = csv_path.read_bytes()
    # the contract's six columns, then the three naming what a BILLED_TWICE line repeats
    header = b"line,nik,class,billed,expected,difference,repeats_period,repeats_number,repeats_line\r\n"
    assert raw.startswith(header) and raw.endswith(b"\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b"")
    # a roster person not billed has an empty line field, as csv.writer wrote None
    assert all(r.startswith((b"2,", b"3,", b"4,", b"5,", b",")) for r in raw.split(b"\r\n")[1:-1])


def _sheets(frame_rows: list[list[object]]) -> tuple[list[xlsxout.Sheet], list[xlsxml.Sheet]]:
    summary = [["Sesuai", "MATCHED", 3, 50_400, 50_400, 0], ["Jumlah", "", 3, 50_400, 50_400, 0]]
    headers = ["Baris", "NIK", "Kelas", "Ditagih (Rp)"]
    frame = pl.DataFrame(frame_rows, schema=["line", "nik", "class", "billed"], orient="row")
    old = [
        xlsxout.Sheet("Ringkasan", list("ABCDEF"), summary, title="Judul <&>", widths=(36, 20, 8)),
        xlsxout.Sheet("Rincian", headers, frame_rows, widths=(7, 20, 36, 14)),
    ]
    look = {"header_style": xlsxml.HEADER_NOWRAP, "int_style": xlsxml.NUMBER, "freeze_header": True, "autofilter": True}
    new = [  # the layout of xlsxout (its default width 16 spelt out)
        xlsxml.Sheet("Ringkasan", list("ABCDEF"), rows=summary, title="Judul <&>", widths=(36, 20, 8, 16, 16, 16),
                     **look),
        xlsxml.Sheet("Rincian", headers, frame=frame, kinds=("int", "text", "text", "int"), widths=(7, 20, 36, 14),
                     empty_text=True, **look),
    ]  # fmt: skip
    return old, new


def _cells(path) -> dict[str, object]:
    wb = openpyxl.load_workbook(path)
    out: dict[str, object] = {}
    for ws in wb.worksheets:
        out[ws.title] = (ws.freeze_panes, ws.auto_filter.ref, ws.dimensions)
        for col, dim in ws.column_dimensions.items():
            out[f"{ws.title}!{col}:width"] = dim.width
        for row in ws.iter_rows():
            for c in row:
                if c.value is not None:
                    out[f"{ws.title}!{c.coordinate}"] = (c.value, c.number_format, c.font.b, c.font.sz)
    return out


def test_workbook_is_the_xlsxwriter_workbook(tmp_path):
    rows: list[list[object]] = [
        [2, "7413010101900001", "Sesuai", 16_800],
        [None, '=HYPERLINK("x")', "Peserta, tidak ditagih", -16_800],
        [1_234_567, "a & b < c", "", 0],
    ]
    old, new = _sheets(rows)
    xlsxout.write_workbook(tmp_path / "old.xlsx", old)
    xlsxml.write_workbook(tmp_path / "new.xlsx", new)
    got, want = _cells(tmp_path / "new.xlsx"), _cells(tmp_path / "old.xlsx")
    widths = {k: v for k, v in want.items() if k.endswith(":width")}  # XlsxWriter groups equal widths
    assert {k: v for k, v in got.items() if not k.endswith(":width") or k in widths} == want
    assert got["Rincian!B3"] == ('=HYPERLINK("x")', "General", False, 11)  # text, never a formula
    assert got["Rincian!A4"][1] == "#,##0"


def test_workbook_never_drops_lines_past_the_sheet_limit(tmp_path):
    rows: list[list[object]] = [[i, f"74130101019{i:05d}", "Sesuai", 16_800] for i in range(2, 14)]
    _, new = _sheets(rows)
    xlsxml.write_workbook(tmp_path / "split.xlsx", new, max_rows=5, chunk=3)
    book = pc.CalamineWorkbook.from_path(str(tmp_path / "split.xlsx"))
    assert book.sheet_names == ["Ringkasan", "Rincian", "Rincian (2)", "Rincian (3)"]
    lines = []
    for name in book.sheet_names[1:]:
        data = book.get_sheet_by_name(name).to_python()
        assert data[0] == ["Baris", "NIK", "Kelas", "Ditagih (Rp)"] and len(data) <= 5
        lines += [int(r[0]) for r in data[1:]]
    assert lines == list(range(2, 14))

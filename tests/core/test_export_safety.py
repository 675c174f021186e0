"""The writers every export goes through keep hostile text as text (issue 12 §5)."""

from __future__ import annotations

import io

import polars as pl

from tests.export_checks import HOSTILE, csv_fields, xlsx_texts
from ucjamsostek.core import csvout, xlsxml, xlsxout


def test_csv_writer_prefixes_formula_like_text_and_keeps_numbers(tmp_path):
    frame = pl.DataFrame({"nama": [*HOSTILE, "La Ode", "7413014501900001"], "selisih": [-5, 0, 1, 2, 3, 4, 5, 6]})
    path = csvout.write_csv(frame, tmp_path / "x.csv")
    fields = csv_fields(path)
    assert fields[:2] == ["nama", "selisih"]
    names = fields[2::2]
    assert names[:6] == ["'" + h for h in HOSTILE] and names[6:] == ["La Ode", "7413014501900001"]
    assert fields[3] == "-5"  # a negative number stays a number


def test_the_workbook_factory_stores_plain_writes_as_text():
    buf = io.BytesIO()
    wb = xlsxout.new_workbook(buf)
    ws = wb.add_worksheet("x")
    for i, text in enumerate(HOSTILE):
        ws.write(i, 0, text)  # the generic write: would be a formula with XlsxWriter's defaults
    wb.close()
    assert xlsx_texts(buf.getvalue()) >= {h for h in HOSTILE if not h.startswith("\r")}


def test_xlsxout_sheets_keep_hostile_text(tmp_path):
    path = tmp_path / "x.xlsx"
    xlsxout.write_workbook(
        path, [xlsxout.Sheet("Data", ["Nama", "Iuran"], [[h, 16800] for h in HOSTILE], title=HOSTILE[0])]
    )
    assert xlsx_texts(path) >= set(HOSTILE[:4])


def test_xlsxml_frames_and_rows_keep_hostile_text(tmp_path):
    path = tmp_path / "x.xlsx"
    frame = pl.DataFrame({"nama": HOSTILE, "n": list(range(len(HOSTILE)))})
    sheet = xlsxml.Sheet("Data", frame=frame, kinds=[xlsxml.TEXT, xlsxml.INT], header=["Nama", "N"])
    rows = xlsxml.Sheet("Ringkasan", rows=[[h] for h in HOSTILE])
    xlsxml.write_workbook(path, [sheet, rows])
    assert xlsx_texts(path) >= set(HOSTILE[:4])


def test_no_export_opens_an_xlsxwriter_workbook_of_its_own():
    """Every workbook comes from core/xlsxout.new_workbook (the demo's input files aside)."""
    from pathlib import Path

    src = Path(xlsxout.__file__).resolve().parents[1]
    own = [
        p.relative_to(src).as_posix()
        for p in src.rglob("*.py")
        if "xlsxwriter.Workbook(" in p.read_text(encoding="utf-8")
    ]
    assert sorted(own) == ["core/xlsxout.py", "demo/generator.py"]

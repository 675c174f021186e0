"""hasil-validasi.xlsx read back with openpyxl: decisions, plain reasons, no formula injection,
autofilter and frozen header, summary sheet."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from ucjamsostek.core.regiondata import region_table
from ucjamsostek.core.report import ROWS_SHEET, SUMMARY_SHEET, write_report
from ucjamsostek.core.screen import ScreeningContext, ScreeningOptions, screen_file, write_outputs

from .nomination_files import write_xlsx

HEADER = ["NIK", "Nama", "JK", "Tanggal Lahir", "Desa", "Kecamatan", "Alamat", "No HP"]
ROWS = [
    [
        "7413011204960001",
        '=HYPERLINK("http://x","klik")',
        "L",
        "12-04-1996",
        "Marobea",
        "Sawerigadi",
        "@SUM(A1)",
        "+6281234",
    ],
    ["7413011204960002", "-2+3", "L", "12-04-1996", "Marobea", "Sawerigadi", "Dusun 1", "0812"],
    ["741301120496000", "Nik Pendek", "L", "12-04-1996", "Poaroha", "Marobo", "Dusun 2", "0813"],
    ["7413011204960004", "Anak", "L", "12-04-2015", "Marobea", "Sawerigadi", "Dusun 3", "0814"],
    ["7413011204960005", "Beda Tanggal", "L", "12-04-1995", "Marobea", "Sawerigadi", "Dusun 4", "0815"],
]


@pytest.fixture(scope="module", params=["xml", "xlsxwriter"])
def report(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("report")
    path = write_xlsx(tmp / "usulan.xlsx", ROWS, header=HEADER)
    ctx = ScreeningContext(regions=region_table(), area_code="74.13")
    result = screen_file(path, ctx, ScreeningOptions(as_of=date(2026, 1, 1)))
    write_outputs(result, tmp / "out", source_name="usulan.xlsx")
    if request.param != "xml":
        write_report(result, tmp / "out" / "hasil-validasi.xlsx", source_name="usulan.xlsx", engine=request.param)
    return tmp / "out"


def test_rows_sheet(report: Path) -> None:
    wb = openpyxl.load_workbook(report / "hasil-validasi.xlsx")
    assert wb.sheetnames == [ROWS_SHEET, SUMMARY_SHEET]
    ws = wb[ROWS_SHEET]
    header = [c.value for c in ws[1]]
    assert header[:4] == ["Baris", "Keputusan", "Alasan", "Kode Alasan"]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref is not None and ws.auto_filter.ref.startswith("A1:")
    decisions = [ws.cell(row=i, column=2).value for i in range(2, ws.max_row + 1)]
    assert decisions == ["Layak", "Layak", "Ditolak", "Ditolak", "Perlu ditinjau"]
    assert ws.cell(row=2, column=1).value == 5 and ws.cell(row=1, column=1).font.b
    assert ws.cell(row=4, column=2).font.color.rgb == "FF9C0006"  # Ditolak in red
    reasons = {ws.cell(row=i, column=1).value: ws.cell(row=i, column=3).value for i in range(2, ws.max_row + 1)}
    assert "NIK tidak 16 digit" in reasons[7]
    assert "Muna" in reasons[7]  # and outside the regency, both reasons in plain words
    assert "Usia 10 tahun" in reasons[8]
    assert reasons[9] == "Tanggal lahir beda dengan NIK: Tanggal lahir di NIK 12-04-1996 berbeda dengan 12-04-1995"


def test_no_formula_injection(report: Path) -> None:
    wb = openpyxl.load_workbook(report / "hasil-validasi.xlsx")
    ws = wb[ROWS_SHEET]
    cells = [c for row in ws.iter_rows(min_row=2) for c in row if isinstance(c.value, str)]
    risky = [c for c in cells if c.value[:1] in "=+-@"]
    assert {c.value for c in risky} >= {'=HYPERLINK("http://x","klik")', "-2+3", "@SUM(A1)", "+6281234"}
    assert all(c.data_type == "s" for c in risky)  # stored as text, never as a formula


def test_summary_sheet_and_json(report: Path) -> None:
    wb = openpyxl.load_workbook(report / "hasil-validasi.xlsx")
    ws = wb[SUMMARY_SHEET]
    values = [[c.value for c in row] for row in ws.iter_rows()]
    flat = [v for row in values for v in row if v is not None]
    assert "Layak" in flat and "Kecamatan" in flat and "Desa/Kelurahan" in flat
    assert "Sawerigadi" in flat and "Marobea" in flat
    summary = json.loads((report / "summary.json").read_text(encoding="utf-8"))
    assert summary["input_rows"] == 5
    assert summary["status"] == {"eligible": 2, "review": 1, "rejected": 2}
    assert summary["reasons"]["NIK_INVALID"] == 1 and summary["reasons"]["AGE_OUT_OF_RANGE"] == 1
    assert isinstance(summary["seconds"], float)
    rows = pl.read_csv(report / "rows.csv", infer_schema=False)
    assert rows.columns == ["row", "status", "reasons", "cluster", "region_code"]
    assert rows.filter(pl.col("row") == "7")["reasons"].to_list() == ["NIK_INVALID;OUTSIDE_REGENCY"]

"""The column-wise xlsx writer on its own: title, number style, continuation sheets, progress."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import polars as pl

from ucjamsostek.core import xlsxml


def test_title_number_style_and_continuation_sheets(tmp_path: Path) -> None:
    frame = pl.DataFrame({"n": list(range(10)), "t": ["x\x01 & y", "", None, *"abcdefg"]})
    sheet = xlsxml.Sheet(
        "Data 'a'", ["N", "T"], widths=(7, 20), frame=frame, kinds=(xlsxml.INT, xlsxml.TEXT), title="Judul",
        int_style=xlsxml.NUMBER, freeze_header=True, autofilter=True,
    )  # fmt: skip
    seen: list[float] = []
    xlsxml.write_workbook(tmp_path / "a.xlsx", [sheet], max_rows=7, chunk=2, progress=seen.append)
    wb = openpyxl.load_workbook(tmp_path / "a.xlsx")
    assert wb.sheetnames == ["Data 'a'", "Data 'a' (2)", "Data 'a' (3)"]
    values = []
    for ws in wb.worksheets:
        assert ws["A1"].value == "Judul" and ws["A1"].font.b and ws["A1"].font.sz == 13
        assert [c.value for c in ws[3]] == ["N", "T"] and ws["A3"].font.b
        assert ws.freeze_panes == "A4" and ws.auto_filter.ref == f"A3:B{ws.max_row}" and ws.max_row <= 7
        assert ws.column_dimensions["A"].width == 7.7109375  # as XlsxWriter's set_column(…, 7)
        values += [(r[0].value, r[0].number_format, r[1].value) for r in ws.iter_rows(min_row=4)]
    assert [v[0] for v in values] == list(range(10)) and {v[1] for v in values} == {"#,##0"}
    assert [v[2] for v in values[:3]] == ["x & y", None, None]  # control character dropped, "" left out
    assert seen == sorted(seen) and seen[-1] == 1.0

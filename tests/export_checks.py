"""Checks shared by the export tests: hostile text (a formula, a sign, an @, a tab, a CR at the
start) and readers that fail when an export lets a spreadsheet evaluate it."""

from __future__ import annotations

import csv
import io
from pathlib import Path

HOSTILE = ['=HYPERLINK("http://x","klik")', "+6281234", "-2+3", "@SUM(A1)", "\tTab=1", "\r=CR"]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def xlsx_cells(source: Path | bytes) -> list:
    """Every non-empty cell of every sheet; fails on any formula cell."""
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(source) if isinstance(source, bytes) else source)
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    formulas = [c.coordinate for c in cells if c.data_type == "f"]
    assert formulas == [], f"formula cells: {formulas}"
    return cells


def xlsx_texts(source: Path | bytes) -> set[str]:
    return {c.value for c in xlsx_cells(source) if c.data_type == "s"}


def csv_fields(path: Path, **options: object) -> list[str]:
    """Every field of a csv file; fails on a text field a spreadsheet would read as a formula."""
    with path.open(newline="", encoding="utf-8") as fh:
        fields = [f for row in csv.reader(fh, **options) for f in row]
    risky = [f for f in fields if f.startswith(FORMULA_START) and not _number(f)]
    assert risky == [], f"formula-like fields: {risky}"
    return fields


def _number(text: str) -> bool:
    try:
        int(text)
    except ValueError:
        return False
    return True

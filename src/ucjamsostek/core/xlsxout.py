"""Writing reports as xlsx (XlsxWriter, constant memory), safe against formula injection.

Text is always written as text (``write_string``), so a cell such as ``=HYPERLINK(…)`` from an
imported file is shown, never evaluated; integers (rupiah) are numbers with a thousands format.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import xlsxwriter


@dataclass
class Sheet:
    name: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Any]]
    title: str | None = None
    widths: Sequence[int] | None = None


def write_workbook(path: str | Path, sheets: Sequence[Sheet]) -> None:
    """Write ``sheets`` to ``path``: optional title row, a bold header with filters, frozen panes."""
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False})
    try:
        bold = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        title_fmt = wb.add_format({"bold": True, "font_size": 13})
        money = wb.add_format({"num_format": "#,##0"})
        day = wb.add_format({"num_format": "dd-mm-yyyy"})
        for sheet in sheets:
            ws = wb.add_worksheet(sheet.name[:31])
            r0 = 0
            if sheet.title:
                ws.write_string(0, 0, sheet.title, title_fmt)
                r0 = 2
            for j, h in enumerate(sheet.headers):
                ws.write_string(r0, j, str(h), bold)
                ws.set_column(j, j, (sheet.widths[j] if sheet.widths and j < len(sheet.widths) else 16))
            n = 0
            for i, row in enumerate(sheet.rows, start=r0 + 1):
                n = i
                for j, v in enumerate(row):
                    if v is None:
                        continue
                    if isinstance(v, bool):
                        ws.write_string(i, j, "ya" if v else "tidak")
                    elif isinstance(v, int):
                        ws.write_number(i, j, v, money)
                    elif isinstance(v, date):
                        ws.write_datetime(i, j, v, day)
                    else:
                        ws.write_string(i, j, str(v))
            ws.autofilter(r0, 0, max(n, r0), max(len(sheet.headers) - 1, 0))
            ws.freeze_panes(r0 + 1, 0)
    finally:
        wb.close()

"""Writing reports as xlsx (XlsxWriter, constant memory), safe against formula injection.

Text is always written as text (``write_string``), so a cell such as ``=HYPERLINK(…)`` from an
imported file is shown, never evaluated; integers (rupiah) are numbers with a thousands format.
:func:`new_workbook` is the one way the project opens an XlsxWriter workbook: with
:data:`SAFE_OPTIONS` even a plain ``write()`` of text starting with ``=``, ``+``, ``-``, ``@``,
a tab or a CR stores it as text, never as a formula, URL or number. (``core/xlsxml.py``, the fast
writer, writes every text as an inline string; ``core/csvout.py`` guards the csv files.)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any

import xlsxwriter


@dataclass
class Sheet:
    name: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Any]]
    title: str | None = None
    widths: Sequence[int] | None = None


#: XlsxWriter options of every workbook: a text value is always written as text.
SAFE_OPTIONS: dict[str, bool] = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}


def new_workbook(target: str | Path | IO[bytes], *, constant_memory: bool = False) -> xlsxwriter.Workbook:
    """An XlsxWriter workbook with :data:`SAFE_OPTIONS` (in memory when ``target`` is a buffer)."""
    options: dict[str, bool] = {**SAFE_OPTIONS, "constant_memory": constant_memory}
    if not isinstance(target, str | Path):
        options["in_memory"] = True
        return xlsxwriter.Workbook(target, options)
    return xlsxwriter.Workbook(str(target), options)


def write_workbook(path: str | Path, sheets: Sequence[Sheet]) -> None:
    """Write ``sheets`` to ``path``: optional title row, a bold header with filters, frozen panes."""
    wb = new_workbook(path, constant_memory=True)
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

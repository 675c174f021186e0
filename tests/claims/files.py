"""Claims files as BPJS sends them: real csv (semicolons, Indonesian dates and rupiah) and xlsx
(date cells and number cells)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import xlsxwriter

HEADER = [
    "NIK",
    "No KPJ",
    "Jenis",
    "Tgl Kejadian",
    "Tgl Pengajuan",
    "Tgl Bayar",
    "Nominal",
    "Status",
    "Nama Ahli Waris",
]


def claim(nik: str, kind: str, incident: date, paid: date | None, amount: int | None, heir: str = "") -> list[Any]:
    status = "Dibayar" if paid else "Proses"
    return [nik, "", kind, incident, incident, paid, amount, status, heir]


def write_claims(folder: Path, name: str, rows: list[list[Any]], fmt: str = "csv") -> Path:
    """``rows`` of :data:`HEADER` values (dates as ``date``, amounts as ``int``) to ``name.fmt``."""
    path = folder / f"{name}.{fmt}"
    if fmt == "csv":

        def cell(v: Any) -> str:
            if v is None:
                return ""
            if isinstance(v, date):
                return f"{v:%d-%m-%Y}"
            if isinstance(v, int):
                return "Rp" + f"{v:,}".replace(",", ".")
            return str(v)

        text = "\n".join(";".join(cell(v) for v in row) for row in [HEADER, *rows]) + "\n"
        path.write_text(text, encoding="utf-8")
        return path
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Klaim")
    day = wb.add_format({"num_format": "dd/mm/yyyy"})
    ws.write_row(0, 0, HEADER)
    for r, row in enumerate(rows, start=1):
        for c, v in enumerate(row):
            if isinstance(v, date):
                ws.write_datetime(r, c, v, day)
            elif v is None:
                ws.write_blank(r, c, None)
            elif isinstance(v, int):
                ws.write_number(r, c, v)
            else:
                ws.write_string(r, c, str(v))
    wb.close()
    return path

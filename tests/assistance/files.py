"""BSU recipient lists as Kemnaker/BPJS send them: real csv and xlsx."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import xlsxwriter

HEADER = ["NIK", "Nama", "Program", "Nominal", "Tgl Salur", "Status"]


def paid(nik: str, day: date, amount: int = 600_000) -> list[Any]:
    return [nik, "", "BSU 2025", amount, day, "Tersalur"]


def failed(nik: str) -> list[Any]:
    return [nik, "", "BSU 2025", 600_000, None, "Gagal salur (rekening tidak aktif)"]


def write_list(folder: Path, name: str, rows: list[list[Any]], fmt: str = "csv") -> Path:
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

        path.write_text("\n".join(",".join(cell(v) for v in r) for r in [HEADER, *rows]) + "\n", encoding="utf-8")
        return path
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Penerima")
    day = wb.add_format({"num_format": "dd/mm/yyyy"})
    ws.write_row(0, 0, HEADER)
    for r, row in enumerate(rows, start=1):
        for c, v in enumerate(row):
            if isinstance(v, date):
                ws.write_datetime(r, c, v, day)
            elif v is None or v == "":
                ws.write_blank(r, c, None)
            elif isinstance(v, int):
                ws.write_number(r, c, v)
            else:
                ws.write_string(r, c, str(v))
    wb.close()
    return path

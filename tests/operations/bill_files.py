"""Real BPJS bill files for the tests: csv (``;``-separated as BPJS exports them) or xlsx, by suffix."""

from __future__ import annotations

from pathlib import Path

HEADER = ["NIK", "No KPJ", "Nama", "Periode", "Program", "Iuran"]


def write_bill(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    """``rows`` are (NIK, Periode, Iuran) as a user sees them; KPJ, name and programme are filled."""
    full = [[nik, f"KPJ{i}", f"Peserta {i}", period, "JKK+JKM", amount] for i, (nik, period, amount) in enumerate(rows)]
    if path.suffix == ".csv":
        lines = [";".join(HEADER)] + [";".join(r) for r in full]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    ws = wb.add_worksheet("Tagihan")
    for j, h in enumerate(HEADER):
        ws.write_string(0, j, h)
    for i, row in enumerate(full, start=1):
        for j, v in enumerate(row):
            ws.write_string(i, j, v)
    wb.close()
    return path

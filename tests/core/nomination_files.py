"""Writers of real nomination files for the intake tests (xlsx via XlsxWriter, csv in any encoding,
an encrypted Office file as an OLE compound file)."""

from __future__ import annotations

import struct
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import xlsxwriter

HEADER = ["No", "NIK", "Nama Lengkap", "L/P", "Tempat Lahir", "Tanggal Lahir", "Desa/Kelurahan", "Kecamatan"]
TITLE = ["DAFTAR USULAN CALON PESERTA BPJS KETENAGAKERJAAN", "KABUPATEN MUNA BARAT"]


def write_xlsx(
    path: Path,
    rows: Sequence[Sequence[Any]],
    *,
    header: Sequence[str] = HEADER,
    title: Sequence[str] = TITLE,
    first_row: int = 0,
    first_col: int = 0,
    sheet: str = "Usulan",
    empty_formatted_rows: int = 0,
) -> Path:
    """Title lines, a blank line, the header and ``rows``; ``None`` cells stay empty, ``float``
    cells are numbers, ``datetime``/``date`` cells real dates."""
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False})
    ws = wb.add_worksheet(sheet)
    date_fmt = wb.add_format({"num_format": "dd/mm/yyyy"})
    r = first_row
    for line in title:
        ws.write_string(r, first_col, line)
        r += 1
    r += 1
    for j, h in enumerate(header):
        ws.write_string(r, first_col + j, h)
    r += 1
    for row in rows:
        for j, v in enumerate(row):
            c = first_col + j
            if v is None:
                continue
            if isinstance(v, bool):
                ws.write_boolean(r, c, v)
            elif isinstance(v, int | float):
                ws.write_number(r, c, v)
            elif hasattr(v, "year"):
                ws.write_datetime(r, c, v, date_fmt)
            else:
                ws.write_string(r, c, str(v))
        r += 1
    if empty_formatted_rows:
        border = wb.add_format({"border": 1})
        for i in range(r, r + empty_formatted_rows):  # formatted, bordered, but empty cells
            ws.set_row(i, None, border)
            ws.write_blank(i, first_col, None, border)
            ws.write_blank(i, first_col + len(header) - 1, None, border)
    wb.close()
    return path


def write_csv(path: Path, lines: Sequence[str], *, encoding: str = "utf-8", bom: bool = False) -> Path:
    data = ("\r\n".join(lines) + "\r\n").encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


# ------------------------------------------------------------------ encrypted Office file (CFB)
_FREE, _END, _FATSECT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD


def _dir_entry(
    name: str, kind: int, *, child: int = _FREE, right: int = _FREE, start: int = _END, size: int = 0
) -> bytes:
    encoded = (name + "\0").encode("utf-16-le")
    return (
        encoded.ljust(64, b"\0")
        + struct.pack("<HBB", len(encoded), kind, 1)
        + struct.pack("<III", _FREE, right, child)
        + b"\0" * 16
        + struct.pack("<I", 0)
        + b"\0" * 16
        + struct.pack("<IQ", start, size)
    )


def write_encrypted_office(path: Path) -> Path:
    """A compound file as Excel writes a password-protected workbook: the streams
    ``EncryptionInfo`` and ``EncryptedPackage`` (random-looking content) instead of a zip."""
    stream = 4096  # at the mini-stream cutoff: stored in normal 512-byte sectors
    n = stream // 512
    fat = [_FATSECT, _END]
    for first in (2, 2 + n):
        fat += [first + i + 1 for i in range(n - 1)] + [_END]
    fat += [_FREE] * (128 - len(fat))
    header = (
        bytes.fromhex("d0cf11e0a1b11ae1")
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<IIII", 0, 1, 1, 0)
        + struct.pack("<IIIII", 4096, _END, 0, _END, 0)
        + struct.pack("<I", 0)
        + struct.pack("<I", _FREE) * 108
    )
    directory = (
        _dir_entry("Root Entry", 5, child=1)
        + _dir_entry("EncryptionInfo", 2, right=2, start=2, size=stream)
        + _dir_entry("EncryptedPackage", 2, start=2 + n, size=stream)
        + b"\0" * 128
    )
    body = bytes((i * 7919) % 251 for i in range(2 * stream))
    path.write_bytes(header + struct.pack("<128I", *fat) + directory + body)
    return path


# ------------------------------------------------------------------ legacy .xls (BIFF8 in a CFB)
def _record(kind: int, data: bytes) -> bytes:
    return struct.pack("<HH", kind, len(data)) + data


def _biff_sheet(rows: Sequence[Sequence[Any]]) -> bytes:
    ncols = max((len(r) for r in rows), default=0)
    out = [
        _record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0x0DBB, 0x07CC, 0, 0x06)),
        _record(0x0200, struct.pack("<IIHHH", 0, len(rows), 0, ncols, 0)),
    ]
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if v is None:
                continue
            if isinstance(v, int | float) and not isinstance(v, bool):
                out.append(_record(0x0203, struct.pack("<HHHd", r, c, 0, float(v))))
            else:
                text = str(v).encode("utf-16-le")
                out.append(_record(0x0204, struct.pack("<HHHHB", r, c, 0, len(text) // 2, 1) + text))
    out.append(_record(0x000A, b""))
    return b"".join(out)


def write_xls(path: Path, rows: Sequence[Sequence[Any]], *, sheet: str = "Usulan") -> Path:
    """A minimal Excel 97–2003 workbook (BIFF8 records in a compound file): text and number cells."""
    name = sheet.encode("latin-1")

    def globals_(sheet_pos: int) -> bytes:
        return (
            _record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 0x06))
            + _record(0x0042, struct.pack("<H", 1200))
            + _record(0x0085, struct.pack("<IBBBB", sheet_pos, 0, 0, len(name), 0) + name)
            + _record(0x000A, b"")
        )

    head = len(globals_(0))
    stream = globals_(head) + _biff_sheet(rows)
    if len(stream) < 4096:
        raise ValueError("write_xls needs at least 4096 bytes of records (add rows)")
    n = -(-len(stream) // 512)
    if n > 126:
        raise ValueError("write_xls keeps to one FAT sector (about 64 KB)")
    fat = [_FATSECT, _END] + [2 + i + 1 for i in range(n - 1)] + [_END]
    fat += [_FREE] * (128 - len(fat))
    header = (
        bytes.fromhex("d0cf11e0a1b11ae1")
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<IIII", 0, 1, 1, 0)
        + struct.pack("<IIIII", 4096, _END, 0, _END, 0)
        + struct.pack("<I", 0)
        + struct.pack("<I", _FREE) * 108
    )
    directory = (
        _dir_entry("Root Entry", 5, child=1) + _dir_entry("Workbook", 2, start=2, size=len(stream)) + b"\0" * 256
    )
    path.write_bytes(header + struct.pack("<128I", *fat) + directory + stream.ljust(n * 512, b"\0"))
    return path

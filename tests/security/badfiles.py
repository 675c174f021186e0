"""Builders of hostile and broken table files (issue 15), shared by ``tests/security`` and
``benchmarks/bench_bad_files.py``.

:func:`write_bomb` writes an xlsx by hand (zip members streamed, cells as inline strings) the way
a zip bomb is made: the same row repeated millions of times compresses to a few megabytes.
"""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)
_SST_TYPE = (
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
)
_SST_REL = (
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'sharedStrings" Target="sharedStrings.xml"/>'
)
_SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
_SHEET_TAIL = b"</sheetData></worksheet>"


def _col(j: int) -> str:
    out, n = "", j + 1
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def row_xml(r: int, cells: Sequence[str]) -> bytes:
    """One ``<row>`` of inline strings (row number ``r``, 1-based)."""
    inner = "".join(
        f'<c r="{_col(j)}{r}" t="inlineStr"><is><t>{_esc(v)}</t></is></c>' for j, v in enumerate(cells) if v != ""
    )
    return f'<row r="{r}">{inner}</row>'.encode()


def write_sheet_xlsx(
    path: Path, rows: Iterable[bytes], *, sheet: str = "Data", level: int = 6, shared_strings: str | None = None
) -> Path:
    """An xlsx whose one sheet is the concatenated ``rows`` (see :func:`row_xml`), streamed into the
    zip (so a sheet of gigabytes never sits in memory); ``shared_strings`` is the text of
    ``xl/sharedStrings.xml`` when the cells refer to it."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as zf:
        types, rels = _CONTENT_TYPES, _WORKBOOK_RELS
        if shared_strings is not None:
            types = types.replace("</Types>", _SST_TYPE + "</Types>")
            rels = rels.replace("</Relationships>", _SST_REL + "</Relationships>")
            zf.writestr("xl/sharedStrings.xml", shared_strings)
        zf.writestr("[Content_Types].xml", types)
        zf.writestr("_rels/.rels", _RELS)
        zf.writestr("xl/workbook.xml", _WORKBOOK.format(name=_esc(sheet)))
        zf.writestr("xl/_rels/workbook.xml.rels", rels)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(_SHEET_HEAD)
            buf: list[bytes] = []
            size = 0
            for row in rows:
                buf.append(row)
                size += len(row)
                if size > 1 << 20:
                    fh.write(b"".join(buf))
                    buf, size = [], 0
            fh.write(b"".join(buf))
            fh.write(_SHEET_TAIL)
    return path


def table_rows(header: Sequence[str], data: Iterable[Sequence[str]]) -> Iterator[bytes]:
    yield row_xml(1, header)
    for i, cells in enumerate(data, start=2):
        yield row_xml(i, cells)


def write_bomb(path: Path, header: Sequence[str], row: Sequence[str], *, rows: int = 3_000_000) -> Path:
    """A zip bomb as the red team made it: ``header`` then ``row`` repeated ``rows`` times, the texts
    in the shared strings and each row carrying only its number (3 million rows: about 8 MB on
    disk, 350 MB of XML once inflated)."""
    strings = list(dict.fromkeys([*header, *row]))
    index = {v: i for i, v in enumerate(strings)}

    def cells(values: Sequence[str]) -> bytes:
        return b"".join(b'<c t="s"><v>%d</v></c>' % index[v] for v in values)

    head, body = cells(header), cells(row)

    def lines() -> Iterator[bytes]:
        yield b'<row r="1">' + head + b"</row>"
        for start in range(2, rows + 2, 10_000):
            yield b"".join(b'<row r="%d">%s</row>' % (r, body) for r in range(start, min(start + 10_000, rows + 2)))

    shared = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{len(strings)}" '
        f'uniqueCount="{len(strings)}">' + "".join(f"<si><t>{_esc(v)}</t></si>" for v in strings) + "</sst>"
    )
    return write_sheet_xlsx(path, lines(), level=6, shared_strings=shared)


def lie_about_sizes(path: Path, member: str = "xl/worksheets/sheet1.xml", size: int = 1000) -> Path:
    """Make the zip's headers declare ``size`` bytes for ``member`` (local header and central
    directory; the zip64 extra field too): a bomb that hides its real size."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(member)
    name = member.encode()
    # local header: uncompressed size at +22; zip64 extra (id 1): uncompressed size first
    off = info.header_offset
    n, m = struct.unpack_from("<HH", data, off + 26)
    _patch_sizes(data, off + 22, off + 30 + n, m, size)
    # central directory entries
    pos = data.find(b"PK\x01\x02")
    while pos != -1:
        n, m, k = struct.unpack_from("<HHH", data, pos + 28)
        if bytes(data[pos + 46 : pos + 46 + n]) == name:
            _patch_sizes(data, pos + 24, pos + 46 + n, m, size)
        pos = data.find(b"PK\x01\x02", pos + 46 + n + m + k)
    path.write_bytes(bytes(data))
    return path


def _patch_sizes(data: bytearray, size_at: int, extra_at: int, extra_len: int, size: int) -> None:
    zip64 = struct.unpack_from("<I", data, size_at)[0] == 0xFFFFFFFF
    if not zip64:
        struct.pack_into("<I", data, size_at, size)
        return
    end = extra_at + extra_len
    while extra_at + 4 <= end:
        tag, length = struct.unpack_from("<HH", data, extra_at)
        if tag == 1:
            struct.pack_into("<Q", data, extra_at + 4, size)
            return
        extra_at += 4 + length

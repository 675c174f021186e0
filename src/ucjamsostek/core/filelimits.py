"""Limits on imported files, per import kind (issue 15): what a file may weigh on disk, expand to,
and hold (rows, columns, characters per cell) before the project spends memory on it.

Every reader of an imported table (:mod:`ucjamsostek.core.intake` and the readers built on it:
nominations, reference lists, BPJS files, the CLI's small csv lists) names its kind from
:data:`IMPORT_KINDS`, the one registry of import kinds; ``tests/security`` runs every bad-file
class through every kind's CLI and web path, so a new kind is covered when it is added here.

Checks, in the order the readers apply them:

0. :func:`check_suffix` — the file's extension is a table's (.xlsx, .xlsm, .xls, .csv).
1. :func:`check_size` — the bytes on disk: ``csv_bytes`` for text, ``workbook_bytes`` for
   xlsx/xls (the CLI and the web get the same limits).
2. :func:`check_workbook` (xlsx) — before any parser sees the zip: the *declared* uncompressed size
   of every member together must not pass ``uncompressed_bytes``; then the sheet's XML is
   *streamed* out of the zip in 1 MB blocks, counting bytes, rows and cells, and reading stops at
   the first limit passed. A zip bomb (7,7 MB expanding to 3 million rows) is refused in about a
   second without ever holding more than a block in memory. A member whose real size differs from
   the one declared fails its CRC in Python's ``zipfile`` and is refused as damaged.
3. :func:`check_cells` — the cells as a reader got them: rows, the widest row, the longest text.

A limit passed raises :class:`~ucjamsostek.core.errors.IntakeError` with one located message in
Bahasa Indonesia (file, sheet, row, column) naming the limit.
"""

from __future__ import annotations

import html
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from ucjamsostek.core.errors import IntakeError

MB = 1024 * 1024

#: Excel's own limits: a cell holds at most 32.767 characters, a sheet 1.048.576 rows.
EXCEL_CELL_CHARS = 32_767
EXCEL_ROWS = 1_048_576


@dataclass(frozen=True)
class ImportKind:
    """One kind of imported table and its limits."""

    name: str
    label: str  # Bahasa Indonesia, as the messages name it ("berkas usulan")
    csv_bytes: int  # a csv (or tab-separated text) on disk
    workbook_bytes: int  # an xlsx/xls on disk
    uncompressed_bytes: int  # every member of an xlsx together, inflated
    rows: int  # rows of the sheet or lines of the csv, title and header rows included
    columns: int  # cells of the widest row
    cell_chars: int  # characters of the longest cell


NOMINATIONS = "nominations"
REFERENCE = "reference"
BILL = "bill"
CLAIMS = "claims"
ASSISTANCE = "assistance"
REGISTRATION = "registration"
WORKFORCE = "workforce"
QUOTAS = "quotas"
ROSTER = "roster"


def _kind(
    name: str, label: str, *, csv_mb: int, rows: int, workbook_mb: int = 64, inflated_mb: int = 512
) -> ImportKind:
    return ImportKind(
        name=name,
        label=label,
        csv_bytes=csv_mb * MB,
        workbook_bytes=workbook_mb * MB,
        uncompressed_bytes=inflated_mb * MB,
        rows=rows,
        columns=500,
        cell_chars=EXCEL_CELL_CHARS,
    )


#: The one registry of import kinds. A nomination csv of a million rows is about 120 MB, a monthly
#: bill of a million lines about 90 MB: csv limits leave room for that; a workbook is held in
#: memory cell by cell, so its limits are lower (64 MB on disk, as the web upload always had).
IMPORT_KINDS: dict[str, ImportKind] = {
    k.name: k
    for k in (
        _kind(NOMINATIONS, "berkas usulan", csv_mb=1024, rows=2_000_000),
        _kind(REFERENCE, "daftar rujukan", csv_mb=1024, rows=5_000_000),
        _kind(BILL, "berkas tagihan", csv_mb=1024, rows=2_000_000),
        _kind(CLAIMS, "berkas klaim", csv_mb=256, rows=1_000_000),
        _kind(ASSISTANCE, "daftar penerima bantuan", csv_mb=256, rows=1_000_000),
        _kind(REGISTRATION, "jawaban pendaftaran BPJS", csv_mb=256, rows=1_000_000),
        _kind(WORKFORCE, "daftar jumlah pekerja", csv_mb=16, rows=200_000, workbook_mb=16, inflated_mb=128),
        _kind(QUOTAS, "berkas kuota", csv_mb=16, rows=200_000, workbook_mb=16, inflated_mb=128),
        # a roster export (issue 13 §2): csv only, up to a province's few million coverage rows
        _kind(ROSTER, "daftar peserta (roster)", csv_mb=2048, rows=20_000_000),
    )
}


def limits_for(kind: str | ImportKind) -> ImportKind:
    """The limits of ``kind`` (a name of :data:`IMPORT_KINDS`, or the limits themselves)."""
    if isinstance(kind, ImportKind):
        return kind
    try:
        return IMPORT_KINDS[kind]
    except KeyError:
        raise ValueError(f"unknown import kind {kind!r}") from None


def _mb(n: int) -> str:
    return f"{n / MB:,.0f}".replace(",", ".")


def _count(n: int) -> str:
    return f"{n:,}".replace(",", ".")


# ------------------------------------------------------------------------------- 0. extension
#: The extensions a table file may carry, on the command line as on the web; the content decides
#: how it is read (a workbook named .csv is read as a workbook), the extension only what is tried.
TABLE_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls")


def check_suffix(name: str, display: str) -> None:
    """Refuse a file whose name does not end in a table extension (``laporan.pdf``)."""
    if PurePosixPath(name.replace("\\", "/")).suffix.lower() not in TABLE_SUFFIXES:
        raise IntakeError("Berkas harus .xlsx, .xls atau .csv.", file=display)


# ------------------------------------------------------------------------------------- 1. size
def check_size(size: int, workbook: bool, limits: ImportKind, display: str) -> None:
    """Refuse a file of ``size`` bytes over the kind's limit for its format."""
    limit = limits.workbook_bytes if workbook else limits.csv_bytes
    if size > limit:
        hint = (
            " Simpan sebagai CSV atau bagi menjadi beberapa berkas." if workbook else " Bagi menjadi beberapa berkas."
        )
        raise IntakeError(
            f"Berkas terlalu besar ({_mb(size)} MB; batas {limits.label} {_mb(limit)} MB).{hint}", file=display
        )


# ------------------------------------------------------------------------------------- 2. xlsx
BLOCK = MB
#: workbook.xml and its relations are read whole: far smaller than this in any real workbook.
_SMALL_PART = 16 * MB
#: A zip member's local header (APPNOTE 4.3.7); its last two fields are the lengths of the name
#: and the extra field that come before the member's data.
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")
_ROOT = re.compile(rb"<(?:([A-Za-z_][\w.\-]*):)?worksheet[\s>]")


def _damaged(display: str) -> IntakeError:
    return IntakeError(
        "Berkas Excel rusak atau bukan berkas Excel yang sah; simpan ulang sebagai .xlsx atau .csv.", file=display
    )


def _read_small(zf: zipfile.ZipFile, name: str) -> bytes | None:
    try:
        info = zf.getinfo(name)
    except KeyError:
        return None
    if info.file_size > _SMALL_PART:
        return None
    with zf.open(info) as fh:
        return fh.read(_SMALL_PART + 1)[:_SMALL_PART]


_ELEMENT = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?(sheet|Relationship)\s([^>]*)>")
_ATTRIBUTE = re.compile(rb"([\w.\-]+(?::[\w.\-]+)?)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")


def _elements(data: bytes, tag: bytes) -> list[dict[str, str]]:
    """The attributes (local names, unescaped) of every ``tag`` element: workbook.xml and its
    relations hold nothing else that matters, so no XML parser (nor its entity expansion) runs on
    a file from outside."""
    out = []
    for match in _ELEMENT.finditer(data):
        if match.group(1) == tag:
            attrs = {}
            for key, double, single in _ATTRIBUTE.findall(match.group(2)):
                value = double if double or not single else single
                attrs[key.decode(errors="replace").rsplit(":", 1)[-1]] = html.unescape(value.decode(errors="replace"))
            out.append(attrs)
    return out


def sheet_parts(zf: zipfile.ZipFile) -> list[tuple[str, str]]:
    """``(sheet name, zip member)`` of every worksheet in workbook order, from ``xl/workbook.xml``
    and its relations; when those cannot be read, every member under ``xl/worksheets/`` with its
    file name as the sheet's name."""
    try:
        book, rels = _read_small(zf, "xl/workbook.xml"), _read_small(zf, "xl/_rels/workbook.xml.rels")
    except (zipfile.BadZipFile, OSError, RuntimeError, EOFError, zlib.error):
        book = rels = None
    if book is not None and rels is not None:
        targets = {r.get("Id"): r.get("Target", "") for r in _elements(rels, b"Relationship")}
        out: list[tuple[str, str]] = []
        for sheet in _elements(book, b"sheet"):
            target = targets.get(sheet.get("id"), "")
            member = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
            out.append((sheet.get("name") or member, member))
        if out:
            return out
    names = sorted(n for n in zf.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml"))
    return [(PurePosixPath(n).stem, n) for n in names]


def _pick(parts: list[tuple[str, str]], sheet: str | None) -> tuple[str, str] | None:
    if not parts:
        return None
    if sheet is None:
        return parts[0]
    return next((p for p in parts if p[0] == sheet), None)


def check_workbook(path: Path, display: str, limits: ImportKind, sheet: str | None = None) -> None:
    """Refuse an xlsx that would expand past the kind's limits, before any parser opens it (see the
    module docstring). Every member is inflated block by block from its raw deflate stream, so the
    bytes counted are the bytes a parser would get, whatever the zip's headers declare; the sheet
    that will be read (``sheet``, else the first) has its rows and cells counted on the way. A
    sheet that is not there is left for the reader to name."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise _damaged(display) from exc
    with zf, path.open("rb") as raw:
        infos = zf.infolist()
        declared = sum(i.file_size for i in infos)
        if len(infos) > 100_000 or declared > limits.uncompressed_bytes:
            raise _inflated_too_big(display, None, limits, f"{_mb(declared)} MB")
        picked = _pick(sheet_parts(zf), sheet)
        by_name = {i.filename: i for i in infos}
        first = by_name.get(picked[1]) if picked else None
        budget = [limits.uncompressed_bytes]
        try:
            if first is not None and picked is not None:
                _stream_sheet(raw, first, display, picked[0], limits, budget)
            for info in infos:
                if info is not first:
                    for _ in _inflate(raw, info, display, None, limits, budget):
                        pass
        except (zlib.error, OSError, struct.error) as exc:
            raise _damaged(display) from exc


def _inflated_too_big(display: str, sheet: str | None, limits: ImportKind, size: str) -> IntakeError:
    return IntakeError(
        f"Isi berkas Excel terlalu besar setelah dibuka ({size}; batas {limits.label} "
        f"{_mb(limits.uncompressed_bytes)} MB). Bagi menjadi beberapa berkas atau simpan sebagai CSV.",
        file=display,
        sheet=sheet,
    )


def _inflate(
    raw: BinaryIO, info: zipfile.ZipInfo, display: str, sheet: str | None, limits: ImportKind, budget: list[int]
) -> Iterator[bytes]:
    """The inflated bytes of one zip member in blocks of at most :data:`BLOCK`, from its raw
    stream (the local header locates it; the sizes the headers declare are not trusted). Each
    block is taken from ``budget[0]``; past it the file is refused."""
    if info.flag_bits & 0x1:
        raise IntakeError("Berkas dilindungi kata sandi. Simpan ulang tanpa kata sandi.", file=display)
    raw.seek(info.header_offset)
    header = raw.read(_LOCAL_HEADER.size)
    if len(header) != _LOCAL_HEADER.size or header[:4] != b"PK\x03\x04":
        raise _damaged(display)
    fields = _LOCAL_HEADER.unpack(header)
    raw.seek(fields[10] + fields[11], 1)  # file name and extra field lengths
    if info.compress_type == zipfile.ZIP_STORED:
        left = info.compress_size
        while left > 0:
            block = raw.read(min(BLOCK, left))
            if not block:
                raise _damaged(display)
            left -= len(block)
            yield _take(block, budget, display, sheet, limits)
        return
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise _damaged(display)
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    while not inflater.eof:
        pending = inflater.unconsumed_tail or raw.read(BLOCK)
        if not pending:
            raise _damaged(display)  # the stream ends before its end marker
        block = inflater.decompress(pending, BLOCK)
        if block:
            yield _take(block, budget, display, sheet, limits)


def _take(block: bytes, budget: list[int], display: str, sheet: str | None, limits: ImportKind) -> bytes:
    budget[0] -= len(block)
    if budget[0] < 0:
        raise _inflated_too_big(display, sheet, limits, f"lebih dari {_mb(limits.uncompressed_bytes)} MB")
    return block


class _TagCounter:
    """Counts the rows and cells of a worksheet's XML block by block with ``bytes.count`` (C speed,
    one pass each): ``<row`` and ``<c``, with the namespace prefix the root element uses (``<x:row``
    from some writers). ``<c`` also finds the rare ``<col``/``<cfRule`` outside the sheet data: a
    count a little high, never low. A tag cut by a block's end is found in the few bytes around
    the cut, so every tag is counted exactly once."""

    def __init__(self) -> None:
        self.rows = self.cells = 0
        self._tail = self._pending = b""
        self._patterns: tuple[bytes, bytes] | None = None

    def feed(self, block: bytes) -> None:
        if self._patterns is None:  # the root element's prefix first (blocks are held until it shows)
            self._pending += block
            root = _ROOT.search(self._pending)
            if root is None and len(self._pending) < 65536:
                return
            p = b"<" + ((root.group(1) + b":") if root and root.group(1) else b"")
            self._patterns = (p + b"row", p + b"c")
            block, self._pending = self._pending, b""
        keep = len(self._patterns[0]) - 1  # the longest tag's length less one
        head = block[:keep]
        around = self._tail + head  # the tags cut at the boundary, and those wholly on one side
        row, cell = (
            block.count(pat) + around.count(pat) - self._tail.count(pat) - head.count(pat) for pat in self._patterns
        )
        self.rows += row
        self.cells += cell
        self._tail = (self._tail + block[-keep:])[-keep:]


def _stream_sheet(
    raw: BinaryIO, info: zipfile.ZipInfo, display: str, name: str, limits: ImportKind, budget: list[int]
) -> None:
    counter = _TagCounter()
    max_rows = min(limits.rows, EXCEL_ROWS)  # no sheet Excel writes has more
    max_cells = max_rows * 64  # far more than any real sheet; bounds a sheet of empty cells
    for block in _inflate(raw, info, display, name, limits, budget):
        counter.feed(block)
        if counter.rows > max_rows:
            raise IntakeError(
                f"Lembar kerja berisi lebih dari {_count(max_rows)} baris (batas {limits.label}). "
                "Bagi menjadi beberapa berkas atau simpan sebagai CSV.",
                file=display,
                sheet=name,
            )
        if counter.cells > max_cells:
            raise IntakeError(
                f"Lembar kerja berisi lebih dari {_count(max_cells)} sel (batas {limits.label}). "
                "Hapus kolom yang tidak perlu atau bagi menjadi beberapa berkas.",
                file=display,
                sheet=name,
            )


# ------------------------------------------------------------------------------------- 3. cells
def check_cells(
    rows: Sequence[Sequence[Any]],
    limits: ImportKind,
    display: str,
    *,
    sheet: str | None = None,
    first_row: int = 1,
) -> None:
    """Refuse cells past the kind's limits: more rows, a wider row, a longer text. ``first_row`` is
    the number (1-based, as the user sees it) of ``rows[0]``."""
    if len(rows) > limits.rows:
        raise too_many_rows(display, limits, sheet=sheet)
    widest = max(range(len(rows)), key=lambda i: len(rows[i]), default=None)
    if widest is not None and len(rows[widest]) > limits.columns:
        raise too_wide(display, len(rows[widest]), limits, sheet=sheet, row=first_row + widest)
    limit = limits.cell_chars
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            if isinstance(value, str) and len(value) > limit:
                raise too_long(display, len(value), limits, sheet=sheet, row=first_row + i, column=column_name(j))


def too_wide(display: str, cells: int, limits: ImportKind, *, sheet: str | None = None, row: int) -> IntakeError:
    """The refusal of a row of ``cells`` cells, wider than the kind allows."""
    return IntakeError(
        f"Baris berisi terlalu banyak kolom (sedikitnya {_count(cells)}; batas {limits.label} "
        f"{_count(limits.columns)} kolom). Hapus kolom yang tidak perlu.",
        file=display,
        sheet=sheet,
        row=row,
    )


def too_many_rows(display: str, limits: ImportKind, *, sheet: str | None = None) -> IntakeError:
    """The refusal of a table with more rows than the kind allows."""
    return IntakeError(
        f"Berkas berisi lebih dari {_count(limits.rows)} baris (batas {limits.label}). Bagi menjadi beberapa berkas.",
        file=display,
        sheet=sheet,
    )


def too_long(
    display: str,
    chars: int | None,
    limits: ImportKind,
    *,
    sheet: str | None = None,
    row: int | None = None,
    column: str | None = None,
) -> IntakeError:
    """The refusal of a cell longer than the kind allows (``chars`` when known)."""
    size = f"{_count(chars)} karakter; " if chars is not None else ""
    return IntakeError(
        f"Isi sel terlalu panjang ({size}batas {_count(limits.cell_chars)} karakter per sel). "
        "Periksa berkasnya: mungkin tanda kutip tidak ditutup atau kolomnya salah.",
        file=display,
        sheet=sheet,
        row=row,
        column=column,
    )


def column_name(index: int) -> str:
    """Spreadsheet letters of a 0-based column index: 0 → ``A``, 27 → ``AB``."""
    out = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out

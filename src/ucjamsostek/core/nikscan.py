"""Which NIKs a file discloses: the people a download names, for the access log (issue 12 §4;
DESIGN.md §6: personal data is "exported only by roles allowed to, with the export recorded").

:func:`scan` reads a binary file once, in blocks, and returns :class:`Disclosed`:

* ``niks`` — every distinct run of exactly 16 digits (a NIK, or a family card number: personal
  data either way);
* ``rows`` — how many rows hold at least one: sheet rows of an xlsx, lines of anything else.

How each kind of file is read:

* xlsx (a zip holding ``xl/workbook.xml``): the shared strings first (XlsxWriter writes a text
  cell as an index into ``xl/sharedStrings.xml``), then every worksheet row by row; a row
  discloses the NIKs of its inline strings and numbers (``core/xlsxml.py`` writes inline strings)
  and of the shared strings its cells point to;
* any other zip: every member as lines;
* anything else (csv, json, text, a pdf's uncompressed parts): lines.

A masked NIK (``741301********01``, ``core.nik.mask_nik``) is no run of 16 digits: a file that
shows only masked NIKs discloses none. Digits split by separators (``7413 0101 …``) are not
recognised; no export of the app writes a NIK that way.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO

#: Every digit as ``0`` (other bytes unchanged): a NIK is then a run of exactly 16 ``0``, found
#: by ``bytes.find`` several times faster than a regular expression walks the digits of a sheet.
_DIGITS_AS_ZERO = bytes.maketrans(b"0123456789", b"0" * 10)
_SIXTEEN = b"0" * 16
_ZEROS = re.compile(rb"0*")
#: A worksheet cell holding a shared string: its index into ``xl/sharedStrings.xml``.
_SHARED_CELL = re.compile(rb'<c\b[^>]*?\bt="s"[^>]*>\s*<v>([0-9]+)</v>')
BLOCK = 1 << 20


@dataclass(frozen=True)
class Disclosed:
    rows: int
    niks: frozenset[str]


def scan(fh: IO[bytes]) -> Disclosed:
    """The NIKs ``fh`` discloses and the rows holding them; ``fh`` must be seekable (a zip is
    read by member). Reads from the current position and leaves ``fh`` at its end."""
    start = fh.tell()
    if fh.read(4) == b"PK\x03\x04":
        fh.seek(start)
        try:
            with zipfile.ZipFile(fh) as zf:
                return _zip(zf)
        except zipfile.BadZipFile:
            pass
    fh.seek(start)
    return _tally(_lines(_blocks(fh)))


def scan_bytes(data: bytes) -> Disclosed:
    """:func:`scan` of a file held in memory."""
    return scan(io.BytesIO(data))


def _zip(zf: zipfile.ZipFile) -> Disclosed:
    names = zf.namelist()
    if "xl/workbook.xml" not in names:
        return _tally(hits for name in names for hits in _lines(_member(zf, name)))
    shared = _shared_strings(_member(zf, "xl/sharedStrings.xml")) if "xl/sharedStrings.xml" in names else {}
    sheets = [n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml")]
    return _tally(hits for name in sheets for hits in _sheet_rows(_member(zf, name), shared))


def _blocks(fh: IO[bytes]) -> Iterator[bytes]:
    while block := fh.read(BLOCK):
        yield block


def _member(zf: zipfile.ZipFile, name: str) -> Iterator[bytes]:
    with zf.open(name) as member:
        yield from _blocks(member)


def _records(blocks: Iterable[bytes], end: bytes) -> Iterator[bytes]:
    """The data cut after the last ``end`` of each block (a record is never split across two
    yields), the rest carried into the next one."""
    carry = b""
    for block in blocks:
        data = carry + block
        cut = data.rfind(end)
        if cut < 0:
            carry = data
            continue
        cut += len(end)
        yield data[:cut]
        carry = data[cut:]
    if carry:
        yield carry


def nik_runs(chunk: bytes) -> Iterator[tuple[int, bytes]]:
    """Position and digits of every run of exactly 16 digits in ``chunk`` (not part of a longer
    number)."""
    zeros = chunk.translate(_DIGITS_AS_ZERO)
    pos = zeros.find(_SIXTEEN)
    while pos >= 0:  # ``pos`` starts a run: the search began after a non-digit or a longer run
        end = pos + 16
        if zeros[end : end + 1] == b"0":  # longer than 16 digits
            end = _ZEROS.match(zeros, end).end()  # type: ignore[union-attr]
        else:
            yield pos, chunk[pos:end]
        pos = zeros.find(_SIXTEEN, end)


def _lines(blocks: Iterable[bytes]) -> Iterator[set[bytes]]:
    """The NIKs of each line that has any."""
    for chunk in _records(blocks, b"\n"):
        yield from _grouped(chunk, ((pos, {nik}) for pos, nik in nik_runs(chunk)), b"\n")


def _shared_strings(blocks: Iterable[bytes]) -> dict[int, set[bytes]]:
    """Index of each shared string (``<si>`` in order) that holds NIKs → those NIKs."""
    found: dict[int, set[bytes]] = {}
    index = -1  # the index of the last <si> opened before ``pos``
    for chunk in _records(blocks, b"</si>"):
        last = 0
        for pos, nik in nik_runs(chunk):
            index += _opened(chunk, last, pos)
            last = pos
            found.setdefault(index, set()).add(nik)
        index += _opened(chunk, last, len(chunk))
    return found


def _opened(chunk: bytes, start: int, end: int) -> int:
    return chunk.count(b"<si>", start, end) + chunk.count(b"<si/>", start, end)


def _sheet_rows(blocks: Iterable[bytes], shared: dict[int, set[bytes]]) -> Iterator[set[bytes]]:
    """The NIKs of each worksheet row that has any (its own and its shared strings')."""
    for chunk in _records(blocks, b"</row>"):
        hits = [(pos, {nik}) for pos, nik in nik_runs(chunk)]
        if shared:
            for m in _SHARED_CELL.finditer(chunk):
                niks = shared.get(int(m.group(1)))
                if niks:
                    hits.append((m.start(), niks))
            hits.sort(key=lambda hit: hit[0])
        yield from _grouped(chunk, iter(hits), b"<row")


def _grouped(chunk: bytes, hits: Iterator[tuple[int, set[bytes]]], opener: bytes) -> Iterator[set[bytes]]:
    """Hits (position, NIKs) in position order, merged per record: a record starts at the last
    ``opener`` before the hit (the start of the chunk when there is none)."""
    current, niks = -2, set[bytes]()
    for pos, found in hits:
        record = chunk.rfind(opener, 0, pos)
        if record != current and niks:
            yield niks
            niks = set()
        current = record
        niks |= found
    if niks:
        yield niks


def _tally(rows: Iterable[set[bytes]]) -> Disclosed:
    count, niks = 0, set[bytes]()
    for found in rows:
        count += 1
        niks |= found
    return Disclosed(count, frozenset(n.decode() for n in niks))

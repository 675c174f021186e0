"""The first rows of an xlsx sheet, streamed: what an upload checks before it queues a file
(issue 10 §7: a file with wrong columns is refused in seconds, however big it is).

:func:`head_rows` inflates the sheet's XML block by block and yields its rows one by one; the
caller stops when it has seen enough (the header and a first data row), so a sheet of a million
rows costs the same as one of ten. Shared strings are read the same way, only as far as the
highest index the rows asked for. No XML parser runs on the file (as in
:mod:`ucjamsostek.core.filelimits`): rows and cells are cut out with regular expressions and
their text unescaped, which is all a header check needs. It may run before
:func:`ucjamsostek.core.filelimits.check_workbook` measures the whole zip (the zip bomb): it has
bounds of its own, a row at a time, never more than a row's worth of XML held.

A row is yielded as ``(row number as the user sees it, cells)``; ``cells[j]`` is the text of
column ``j`` (0 = A) or ``None``: numbers stay their text, booleans ``TRUE``/``FALSE``, errors and
empty cells ``None``.
"""

from __future__ import annotations

import html
import re
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from ucjamsostek.core.errors import IntakeError
from ucjamsostek.core.filelimits import ImportKind, _elements, _read_small, sheet_parts

__all__ = ["head_rows", "shared_strings_part"]

BLOCK = 1 << 20

_P = rb"(?:[A-Za-z_][\w.\-]*:)?"  # a namespace prefix, as some writers use (x:row)
_ROW = re.compile(rb"<" + _P + rb"row\b([^>]*?)(?:/>|>(.*?)</" + _P + rb"row>)", re.S)
_CELL = re.compile(rb"<" + _P + rb"c\b([^>]*?)(?:/>|>(.*?)</" + _P + rb"c>)", re.S)
_VALUE = re.compile(rb"<" + _P + rb"v>(.*?)</" + _P + rb"v>", re.S)
_TEXT = re.compile(rb"<" + _P + rb"t(?:\s[^>]*)?>(.*?)</" + _P + rb"t>", re.S)
_PHONETIC = re.compile(rb"<" + _P + rb"rPh\b.*?</" + _P + rb"rPh>", re.S)
_SI = re.compile(rb"<" + _P + rb"si\b(?:\s[^>]*)?(?:/>|>(.*?)</" + _P + rb"si>)", re.S)
_ATTR = re.compile(rb"\b(r|t)\s*=\s*\"([^\"]*)\"")
_REF = re.compile(r"^([A-Z]{1,3})(\d+)$")


def _unescape(raw: bytes) -> str:
    return html.unescape(raw.decode("utf-8", errors="replace"))


def _column_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _blocks(zf: zipfile.ZipFile, member: str) -> Iterator[bytes]:
    with zf.open(member) as fh:
        while block := fh.read(BLOCK):
            yield block


def _elements_of(blocks: Iterator[bytes], pattern: re.Pattern[bytes], max_bytes: int) -> Iterator[re.Match[bytes]]:
    """Every complete match of ``pattern`` in the stream, in order. An element still open when
    ``max_bytes`` are held (a row of a million cells) ends the stream with what was found."""
    buffer = b""
    for block in blocks:
        buffer += block
        end = 0
        for match in pattern.finditer(buffer):
            yield match
            end = match.end()
        buffer = buffer[end:]
        if len(buffer) > max_bytes:
            raise _Oversized
    if buffer:
        for match in pattern.finditer(buffer):
            yield match


class _Oversized(IntakeError):
    """A row's XML grew past the byte limit (caught and re-raised with its sheet and row)."""

    def __init__(self) -> None:
        super().__init__("Baris berisi terlalu banyak data (kolom terlalu banyak atau isi sel terlalu panjang).")


def shared_strings_part(zf: zipfile.ZipFile) -> str | None:
    """The zip member holding the workbook's shared strings, if it has one."""
    rels = _read_small(zf, "xl/_rels/workbook.xml.rels")
    for rel in _elements(rels or b"", b"Relationship"):
        if rel.get("Type", "").endswith("/sharedStrings"):
            target = rel.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
    return "xl/sharedStrings.xml" if "xl/sharedStrings.xml" in zf.namelist() else None


class _SharedStrings:
    """Shared strings read on demand, up to the highest index asked for."""

    def __init__(self, zf: zipfile.ZipFile, member: str | None, max_bytes: int) -> None:
        self._items: list[str] = []
        self._stream: Iterator[re.Match[bytes]] | None = (
            _elements_of(_blocks(zf, member), _SI, max_bytes) if member else None
        )

    def get(self, index: int) -> str | None:
        while index >= len(self._items) and self._stream is not None:
            match = next(self._stream, None)
            if match is None:
                self._stream = None
                break
            inner = _PHONETIC.sub(b"", match.group(1) or b"")
            self._items.append("".join(_unescape(t) for t in _TEXT.findall(inner)))
        return self._items[index] if 0 <= index < len(self._items) else None


def _cell_value(attrs: dict[bytes, bytes], inner: bytes, strings: _SharedStrings) -> str | None:
    kind = attrs.get(b"t", b"n")
    if kind == b"inlineStr":
        inline = "".join(_unescape(t) for t in _TEXT.findall(_PHONETIC.sub(b"", inner)))
        return inline if inline.strip() else None
    value = _VALUE.search(inner)
    if value is None or kind == b"e":
        return None
    raw = _unescape(value.group(1))
    if kind == b"s":
        text = strings.get(int(raw)) if raw.strip().isdigit() else None
        return text if text and text.strip() else None
    if kind == b"b":
        return "TRUE" if raw.strip() == "1" else "FALSE"
    return raw if raw.strip() else None


def head_rows(
    path: Path, display: str, limits: ImportKind, sheet: str | None = None
) -> tuple[str, Iterator[tuple[int, list[str | None]]]]:
    """The name of the sheet read (``sheet``, else the first) and an iterator over its rows (see
    the module docstring). A row whose XML passes what a row of the kind's widest, fullest cells
    could hold is refused as too long; a sheet that is not there, or a damaged zip, raises the
    reader's located message."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise IntakeError(
            "Berkas Excel rusak atau bukan berkas Excel yang sah; simpan ulang sebagai .xlsx atau .csv.", file=display
        ) from exc
    parts = sheet_parts(zf)
    if not parts:
        zf.close()
        raise IntakeError("Berkas tidak berisi lembar kerja.", file=display)
    picked = parts[0] if sheet is None else next((p for p in parts if p[0] == sheet), None)
    if picked is None:
        zf.close()
        names = ", ".join(p[0] for p in parts)
        raise IntakeError(f"Lembar '{sheet}' tidak ada; lembar yang ada: {names}.", file=display)
    name, member = picked
    if member not in zf.namelist():
        zf.close()
        raise IntakeError("Lembar kerja tidak dapat dibaca (berkas rusak).", file=display, sheet=name)
    # a row of the kind's widest width, every cell as long as allowed, with room for its XML
    max_row_bytes = limits.columns * (limits.cell_chars * 4 + 200)
    return name, _rows(zf, member, display, name, max_row_bytes)


def _rows(
    zf: zipfile.ZipFile, member: str, display: str, name: str, max_bytes: int
) -> Iterator[tuple[int, list[str | None]]]:
    with zf:
        strings = _SharedStrings(zf, shared_strings_part(zf), max_bytes)
        last = 0
        try:
            for match in _elements_of(_blocks(zf, member), _ROW, max_bytes):
                attrs = dict(_ATTR.findall(match.group(1)))
                number = int(attrs[b"r"]) if attrs.get(b"r", b"").isdigit() else last + 1
                last = number
                cells: list[str | None] = []
                for cell in _CELL.finditer(match.group(2) or b""):
                    cell_attrs = dict(_ATTR.findall(cell.group(1)))
                    ref = _REF.match(cell_attrs.get(b"r", b"").decode("ascii", errors="replace"))
                    j = _column_index(ref.group(1)) if ref else len(cells)
                    value = _cell_value(cell_attrs, cell.group(2) or b"", strings)
                    if value is not None:
                        cells.extend([None] * (j + 1 - len(cells)))
                        cells[j] = value
                    elif j >= len(cells):
                        cells.extend([None] * (j + 1 - len(cells)))
                yield number, cells
        except _Oversized:
            raise IntakeError(
                "Baris berisi terlalu banyak data (kolom terlalu banyak atau isi sel terlalu panjang).",
                file=display,
                sheet=name,
                row=last + 1,
            ) from None
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError) as exc:
            raise IntakeError("Lembar kerja tidak dapat dibaca (berkas rusak).", file=display, sheet=name) from exc

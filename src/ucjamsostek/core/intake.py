"""Intake of nomination files (DESIGN.md §5.1): xlsx, xls or csv → one normalised Polars frame.

:func:`read_nominations` finds the header row under any title rows, matches columns by the
accepted headers (or an operator's ``column_map`` of header text → field), and normalises every
value column-wise (:mod:`ucjamsostek.core.normalize`). Spreadsheets are read whole with
python-calamine (xlsx and xls); csv files with Polars after the encoding (a byte-order mark's
UTF-8 or UTF-16, else UTF-8, else Windows-1252), the line ends (a lone CR counts as one) and the
delimiter (``,``, ``;``, tab) are detected. :func:`read_cells` gives the raw cells the same way to
every other reader of an imported table.

Before anything is parsed, the file is held to the limits of its import kind
(:mod:`ucjamsostek.core.filelimits`: bytes on disk, an xlsx streamed out of its zip to count what
it expands to, then rows, columns and characters per cell).

A file that cannot be read raises :class:`IntakeError` with one located message in Bahasa
Indonesia (file, sheet, row, column); nothing else escapes.

The frame has ``row`` (the row number as the user sees it: 1-based, title and header rows
counted; for csv the line number) and the fields ``nik`` (cleaned digits or the tell-tale
scientific text, null when empty), ``nik_raw``, ``name``, ``sex`` (L/P), ``sex_raw``,
``birth_place``, ``birth_date`` (Date), ``birth_date_raw``, ``address``, ``village``,
``district``, ``occupation``, ``phone``, ``segment``, ``decile``.
"""

from __future__ import annotations

import csv
import hashlib
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, NamedTuple

import polars as pl

from ucjamsostek.core import filelimits
from ucjamsostek.core import normalize as nz
from ucjamsostek.core.errors import IntakeError
from ucjamsostek.core.filelimits import ImportKind

__all__ = [
    "IntakeError",
    "ColumnsNotFound",
    "Nominations",
    "Cells",
    "CellColumns",
    "read_nominations",
    "read_cells",
    "read_cell_columns",
    "check_nominations",
    "file_sha256",
]

HEADER_SEARCH_ROWS = 50

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_ENCRYPTED_MARKERS = ("EncryptionInfo", "EncryptedPackage")


def file_sha256(path: str | Path) -> str:
    """The SHA-256 of a file's bytes (hex), read in 1 MB blocks: the one file hash, which tells
    that an upload was seen before (a bill, a reference list, a nomination file)."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class Nominations:
    """The outcome of :func:`read_nominations`."""

    frame: pl.DataFrame
    source: str
    sheet: str | None
    header_row: int  # 1-based, as the user sees it
    columns: dict[str, str] = field(default_factory=dict)  # field → header text as found
    unmatched: list[str] = field(default_factory=list)  # header texts that matched no field


class Cells(NamedTuple):
    """The raw cells of one sheet (or csv) as :func:`read_cells` gives them."""

    rows: list[list[Any]]
    sheet: str | None  # the sheet's name; ``None`` for csv
    first_row: int  # the row number (1-based, as the user sees it) of ``rows[0]``


# ------------------------------------------------------------------------------------------
def cell_text(value: Any) -> str | None:
    """The text of a spreadsheet cell (``None`` when blank): whole floats without ``.0``, dates
    as ISO text, times dropped. Every reader of this package converts cells this way."""
    if value is None:
        return None
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if value != value:
            return None
        return str(int(value)) if value.is_integer() and abs(value) < 1e18 else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time | timedelta):
        return None
    return str(value)


def nik_cell_text(value: Any) -> str | None:
    """A NIK typed as a number. A 16-digit NIK fits a double exactly, and a file written by a
    program keeps all digits; but Excel keeps 15 significant digits and shows a long number as
    ``7,41301E+15``, and a value retyped from that display has lost its serial (the last four
    digits are zeros). Such a value is written in its scientific form, which the rules reject as
    NIK_INVALID; other whole numbers become their digits and are validated like text. (A value
    whose 16th digit Excel rounded to 0 cannot be told from a real NIK ending in 0.)"""
    if isinstance(value, float) and value == value and abs(value) >= 1e15:
        if not value.is_integer() or int(value) % 10_000 == 0:
            return f"{value:.14E}"
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**15 and value % 10_000 == 0:
        return f"{float(value):.14E}"
    return cell_text(value)


def row_empty(row: list[Any]) -> bool:
    """No cell of ``row`` holds anything but blanks."""
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in row)


def _find_header(rows: list[list[Any]], column_map: dict[str, str] | None) -> tuple[int, dict[int, str]] | None:
    best: tuple[int, dict[int, str]] | None = None
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        found: dict[int, str] = {}
        for j, cell in enumerate(row):
            fld = nz.match_header(cell, column_map)
            if fld is not None:
                found[j] = fld
        fields = set(found.values())
        better = best is None or len(fields) > len(set(best[1].values()))
        if len(fields) >= 2 and ({"nik", "name"} & fields) and better:
            best = (i, found)
    return best


def _check_required(found: dict[int, str], header: list[Any], where: dict[str, Any]) -> None:
    fields = set(found.values())
    if nz.TTL in fields:
        fields.add("birth_date")
    missing = [f for f in nz.REQUIRED_FIELDS if f not in fields]
    if missing:
        names = ", ".join(nz.FIELD_LABELS[f] for f in missing)
        seen = ", ".join(str(h).strip() for h in header if h is not None and str(h).strip())
        raise IntakeError(
            f"Kolom wajib tidak ditemukan: {names}. Judul kolom yang ada: {seen}. "
            "Ubah judul kolom atau atur pemetaan kolom.",
            **where,
        )


def _field_expr(cols: list[int]) -> pl.Expr:
    """The raw text of a field; several columns of one field (Alamat and Dusun) fill each other's
    blanks in sheet order."""
    if len(cols) == 1:
        return pl.col(f"c{cols[0]}")
    return pl.coalesce([nz.text_expr(pl.col(f"c{j}")) for j in cols])


def _assemble(
    columns: dict[int, list[str | None]], found: dict[int, str], rows: list[int], today: date
) -> pl.DataFrame:
    """Build the raw text frame (one Utf8 column per field, coalesced in sheet order) and normalise."""
    by_field: dict[str, list[int]] = {}
    for j in sorted(found):
        by_field.setdefault(found[j], []).append(j)
    raw = pl.DataFrame(
        {f"c{j}": columns[j] for j in sorted(found)} | {"row": rows},
        schema={f"c{j}": pl.Utf8 for j in sorted(found)} | {"row": pl.Int64},
    )
    exprs: dict[str, pl.Expr] = {}
    for fld, cols in by_field.items():
        exprs[fld] = _field_expr(cols)
    return normalise_frame(raw.select(pl.col("row"), **exprs), today)


def _on_unique(frame: pl.DataFrame, inputs: list[str], *stages: dict[str, pl.Expr]) -> pl.DataFrame:
    """Compute the ``stages`` of new columns once per distinct value of ``inputs`` and join them
    back: dates, sex, villages and the like repeat a lot, so a million rows carry only a few
    thousand (dates: about a hundred thousand) distinct values."""
    distinct = frame.select(inputs).unique()
    for outputs in stages:
        distinct = distinct.with_columns(**outputs)
    return frame.join(distinct, on=inputs, how="left", nulls_equal=True, maintain_order="left")


def normalise_frame(raw: pl.DataFrame, today: date) -> pl.DataFrame:
    """From raw text columns named by field (missing ones allowed) to the normalised frame."""
    missing = [f for f in (*nz.FIELDS, nz.TTL) if f not in raw.columns]
    raw = raw.with_columns([pl.lit(None, dtype=pl.Utf8).alias(f) for f in missing])
    col = pl.col

    # birth place and date: a TTL column, or a birth-date cell holding "Raha, 12-05-1980"
    ttl_place, ttl_date = nz.split_ttl_expr(col(nz.TTL))
    cell_place, cell_date = nz.split_ttl_expr(col("birth_date"))
    has_comma = col("birth_date").str.contains(r"[A-Za-z].*,")
    birth_raw = nz.text_expr(
        pl.when(has_comma).then(cell_date).otherwise(pl.coalesce(nz.text_expr(col("birth_date")), ttl_date))
    )
    out = _on_unique(
        raw,
        ["birth_date", nz.TTL],
        {"_birth_raw": birth_raw, "_ttl_place": pl.coalesce(ttl_place, pl.when(has_comma).then(cell_place))},
        {"_birth_date": nz.date_expr(col("_birth_raw"), today)},
    )
    out = _on_unique(out, ["sex"], {"_sex": nz.sex_expr(col("sex"))})
    out = _on_unique(out, ["decile"], {"_decile": nz.decile_expr(col("decile"))})
    texts = ("birth_place", "address", "village", "district", "occupation", "segment")
    for name in texts:
        out = _on_unique(out, [name], {f"_{name}": nz.text_expr(col(name))})
    nik = nz.nik_clean_expr(col("nik"))
    return out.select(
        col("row").cast(pl.Int64),
        pl.when(nik != "").then(nik).alias("nik"),
        col("nik").alias("nik_raw"),
        nz.text_expr(col("name")).alias("name"),
        col("_sex").alias("sex"),
        col("sex").alias("sex_raw"),
        pl.coalesce(col("_birth_place"), col("_ttl_place")).alias("birth_place"),
        col("_birth_date").alias("birth_date"),
        col("_birth_raw").alias("birth_date_raw"),
        col("_address").alias("address"),
        col("_village").alias("village"),
        col("_district").alias("district"),
        col("_occupation").alias("occupation"),
        nz.text_expr(col("phone")).str.replace(r"^'", "").alias("phone"),
        col("_segment").alias("segment"),
        col("_decile").alias("decile"),
    )


#: The refusal of a table with its column titles and no row under them.
NO_DATA_ROWS = "Tidak ada baris data di bawah baris judul kolom."


def _require_rows(frame: pl.DataFrame, where: dict[str, Any]) -> pl.DataFrame:
    if frame.height == 0:
        raise IntakeError(NO_DATA_ROWS, **where)
    return frame


# ------------------------------------------------------------------------------------------ sheets
def _pick_sheet(names: list[str], sheet: str | None, display: str) -> str:
    if not names:
        raise IntakeError("Berkas tidak berisi lembar kerja.", file=display)
    if sheet is None:
        return names[0]
    if sheet in names:
        return sheet
    raise IntakeError(f"Lembar '{sheet}' tidak ada; lembar yang ada: {', '.join(names)}.", file=display)


def _xlrd_rows(path: Path, display: str, sheet: str | None) -> tuple[str, list[list[Any]], int]:
    """Fallback for old .xls files calamine cannot open (xlrd reads BIFF2–BIFF8)."""
    import xlrd

    book = xlrd.open_workbook(str(path), on_demand=True)
    name = _pick_sheet(list(book.sheet_names()), sheet, display)
    ws = book.sheet_by_name(name)
    rows: list[list[Any]] = []
    for r in range(ws.nrows):
        row: list[Any] = []
        for cell in ws.row(r):
            if cell.ctype == xlrd.XL_CELL_DATE:
                row.append(xlrd.xldate_as_datetime(cell.value, book.datemode))
            elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
                row.append(None)
            else:
                row.append(cell.value)
        rows.append(row)
    return name, rows, 0


def _calamine_rows(path: Path, display: str, sheet: str | None) -> tuple[str, list[list[Any]], int]:
    import python_calamine as pc

    try:
        book = pc.CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types for every kind of damage
        text = str(exc).lower()
        if "password" in text or "encrypt" in text:
            raise IntakeError("Berkas dilindungi kata sandi. Simpan ulang tanpa kata sandi.", file=display) from exc
        raise IntakeError(
            "Berkas Excel rusak atau bukan berkas Excel yang sah; simpan ulang sebagai .xlsx atau .csv.",
            file=display,
        ) from exc
    name = _pick_sheet(list(book.sheet_names), sheet, display)
    try:
        ws = book.get_sheet_by_name(name)
        rows: list[list[Any]] = ws.to_python(skip_empty_area=True)
        offset = ws.start[0] if ws.start is not None else 0
    except Exception as exc:
        raise IntakeError("Lembar kerja tidak dapat dibaca (berkas rusak).", file=display, sheet=name) from exc
    return name, rows, offset


def _sheet_rows(
    path: Path, display: str, sheet: str | None, kind: str, limits: ImportKind
) -> tuple[str, list[list[Any]], int]:
    """The named (or first) sheet of a workbook: its name, its rows, the 0-based index of its first
    row. An xlsx is measured by streaming it before it is parsed (:func:`filelimits.check_workbook`);
    the cells are checked against the kind's limits once read. Old .xls files calamine cannot open
    are read with xlrd."""
    if kind == "xlsx":
        filelimits.check_workbook(path, display, limits, sheet)
    try:
        name, rows, offset = _calamine_rows(path, display, sheet)
    except IntakeError as first:
        if kind != "xls" or "kata sandi" in first.message or "Lembar '" in first.message:
            raise
        try:
            name, rows, offset = _xlrd_rows(path, display, sheet)
        except IntakeError:
            raise
        except Exception:
            raise first from None
    filelimits.check_cells(rows, limits, display, sheet=name, first_row=offset + 1)
    return name, rows, offset


def _read_sheet(
    path: Path,
    display: str,
    sheet: str | None,
    column_map: dict[str, str] | None,
    today: date,
    kind: str,
    limits: ImportKind,
) -> Nominations:
    name, rows, offset = _sheet_rows(path, display, sheet, kind, limits)
    while rows and row_empty(rows[-1]):  # formatted but empty rows at the end
        rows.pop()
    if not rows:
        raise IntakeError("Lembar kerja kosong: tidak ada data.", file=display, sheet=name)
    header = _find_header(rows, column_map)
    if header is None:
        raise IntakeError(
            "Baris judul kolom tidak ditemukan (misalnya NIK, Nama, Tanggal Lahir, Desa) "
            f"pada {min(len(rows), HEADER_SEARCH_ROWS)} baris pertama.",
            file=display,
            sheet=name,
        )
    h, found = header
    where = {"file": display, "sheet": name, "row": h + 1 + offset}
    _check_required(found, rows[h], where)
    check_duplicate_headers(rows[h], found, where)
    data = rows[h + 1 :]
    columns: dict[int, list[str | None]] = {}
    for j, fld in found.items():
        conv = nik_cell_text if fld == "nik" else cell_text
        columns[j] = [conv(r[j]) if j < len(r) else None for r in data]
    row_numbers = list(range(h + 2 + offset, h + 2 + offset + len(data)))
    frame = _assemble(columns, found, row_numbers, today)
    keep = pl.any_horizontal(pl.all().exclude("row").is_not_null())
    frame = _require_rows(frame.filter(keep), {"file": display, "sheet": name, "row": h + 1 + offset})
    return Nominations(
        frame=frame,
        source=display,
        sheet=name,
        header_row=h + 1 + offset,
        columns={fld: str(rows[h][j]).strip() for j, fld in sorted(found.items())},
        unmatched=[str(c).strip() for j, c in enumerate(rows[h]) if j not in found and cell_text(c)],
    )


# ------------------------------------------------------------------------------------------ csv
#: Byte-order marks and the encodings they announce; UTF-16 is what Excel's "Unicode text" writes.
_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))


def decode_text(data: bytes) -> tuple[str, str]:
    """The text of a csv file and the encoding it was read in: the encoding a byte-order mark
    announces (UTF-8, UTF-16 little or big endian), else UTF-8, else Windows-1252. Lines end in
    ``\n`` or ``\r\n``: a file whose lines end in a lone ``\r`` (old Mac Excel) has them made
    ``\n``, so no line is glued to the next."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = data[len(bom) :].decode(encoding.removesuffix("-sig"), errors="replace")
            break
    else:
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text, encoding = data.decode("cp1252", errors="replace"), "cp1252"
    if text.count("\r") != text.count("\r\n"):
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        encoding += "+cr"
    return text, encoding


def sniff_delimiter(lines: list[str]) -> str:
    """The delimiter (``,``, ``;``, tab or ``|``) most used on any of ``lines`` (the head of a csv)."""
    best, score = ",", -1
    for delim in (",", ";", "\t", "|"):
        counts = [line.count(delim) for line in lines if line.strip()]
        s = max(counts) if counts else 0
        if s > score:
            best, score = delim, s
    return best


def split_csv(lines: Iterable[str], delimiter: str, display: str, limits: ImportKind) -> list[list[str]]:
    """The cells of csv ``lines``; a line the csv module cannot split (a cell past its own limit of
    131.072 characters, a stray quote) is refused with its line number instead of a traceback."""
    reader = csv.reader(lines, delimiter=delimiter)
    try:
        return [list(r) for r in reader]
    except csv.Error as exc:
        if "field limit" in str(exc):
            raise filelimits.too_long(display, None, limits, row=reader.line_num) from exc
        raise IntakeError(
            "Isi CSV tidak dapat dibaca (tanda kutip atau pemisah kolom tidak beraturan).",
            file=display,
            row=reader.line_num,
        ) from exc


def check_long_cells(
    raw: pl.DataFrame, header: list[str], first_line: int, display: str, limits: ImportKind, *, index: str = "__i"
) -> None:
    """Refuse the first cell of ``raw`` (text columns; ``index`` the data row, counted from 0 or
    already the line) longer than the kind allows; ``first_line`` is added to ``index`` to give the
    line the user sees."""
    cols = [c for c in raw.columns if c != index]
    if not cols:
        return
    widest = raw.select(pl.col(c).str.len_bytes().max() for c in cols).row(0)
    for j, (c, width) in enumerate(zip(cols, widest, strict=True)):
        if width is None or width <= limits.cell_chars:  # bytes ≥ characters: nothing longer here
            continue
        chars = pl.col(c).str.len_chars()
        hit = raw.select(index, chars.alias("n")).filter(pl.col("n") > limits.cell_chars).head(1)
        if hit.height:
            line, n = int(hit[index][0]) + first_line, int(hit["n"][0])
            name = header[j].strip() if j < len(header) and header[j].strip() else filelimits.column_name(j)
            raise filelimits.too_long(display, n, limits, row=line, column=name)


def _read_csv(
    path: Path, display: str, column_map: dict[str, str] | None, today: date, limits: ImportKind
) -> Nominations:
    data = path.read_bytes()
    text, encoding = decode_text(data)
    del data
    if not text.strip():
        raise IntakeError("Berkas kosong: tidak ada data.", file=display)
    head_lines = text[: 256 * 1024].splitlines()[:HEADER_SEARCH_ROWS]
    delim = sniff_delimiter(head_lines)
    head_rows = split_csv(head_lines, delim, display, limits)
    filelimits.check_cells(head_rows, limits, display)
    header = _find_header([list(r) for r in head_rows], column_map)
    if header is None:
        raise IntakeError(
            "Baris judul kolom tidak ditemukan (misalnya NIK, Nama, Tanggal Lahir, Desa) "
            f"pada {min(len(head_rows), HEADER_SEARCH_ROWS)} baris pertama.",
            file=display,
        )
    h, found = header
    _check_required(found, list(head_rows[h]), {"file": display, "row": h + 1})
    check_duplicate_headers(head_rows[h], found, {"file": display, "row": h + 1})
    encoded = text.encode("utf-8") if encoding != "utf-8" else None
    del text
    try:
        raw = pl.read_csv(
            encoded if encoded is not None else path,
            has_header=True,
            skip_lines=h,
            separator=delim,
            infer_schema=False,
            truncate_ragged_lines=True,
            raise_if_empty=False,
            encoding="utf8-lossy",
            row_index_name="__i",
        )
    except Exception as exc:  # polars' ComputeError / NoDataError carry the line
        raise IntakeError(f"Isi CSV tidak dapat dibaca: {str(exc).splitlines()[0]}", file=display) from exc
    del encoded
    if raw.height + h + 1 > limits.rows:
        raise filelimits.too_many_rows(display, limits)
    check_long_cells(raw, list(head_rows[h]), h + 2, display, limits)
    # keep only the mapped columns, named c<j>
    names = raw.columns[1:]
    select = {f"c{j}": pl.col(names[j]) for j in sorted(found) if j < len(names)}
    missing = {f"c{j}": pl.lit(None, dtype=pl.Utf8) for j in sorted(found) if j >= len(names)}
    # Line number as seen: header line is h + 1, the first data line h + 2.
    frame = raw.select(pl.col("__i").cast(pl.Int64).alias("row") + h + 2, **select, **missing)
    by_field: dict[str, list[int]] = {}
    for j in sorted(found):
        by_field.setdefault(found[j], []).append(j)
    exprs = {fld: _field_expr(cols) for fld, cols in by_field.items()}
    normalised = normalise_frame(frame.select(pl.col("row"), **exprs), today)
    keep = pl.any_horizontal(pl.all().exclude("row").is_not_null())
    return Nominations(
        frame=_require_rows(normalised.filter(keep), {"file": display, "row": h + 1}),
        source=display,
        sheet=None,
        header_row=h + 1,
        columns={fld: head_rows[h][j].strip() for j, fld in sorted(found.items())},
        unmatched=[c.strip() for j, c in enumerate(head_rows[h]) if j not in found and c.strip()],
    )


# ------------------------------------------------------------------------------------------ entry
def _limits(kind: str | ImportKind, max_bytes: int | None) -> ImportKind:
    limits = filelimits.limits_for(kind)
    if max_bytes is not None:
        limits = replace(limits, csv_bytes=max_bytes, workbook_bytes=max_bytes)
    return limits


def _check_file(path: Path, display: str, limits: ImportKind) -> str:
    """The format (see :func:`sniff_format`) of a file that can be read at all and is not larger
    than the kind allows for that format."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise IntakeError("Berkas tidak ditemukan atau tidak dapat dibuka.", file=display) from exc
    if size == 0:
        raise IntakeError("Berkas kosong (0 bita).", file=display)
    filelimits.check_suffix(path.name, display)
    kind = sniff_format(path)
    if kind == "encrypted":
        raise IntakeError("Berkas dilindungi kata sandi. Simpan ulang tanpa kata sandi.", file=display)
    if kind == "csv" and path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        raise IntakeError("Berkas Excel rusak atau bukan berkas Excel yang sah.", file=display)
    filelimits.check_size(size, kind != "csv", limits, display)
    return kind


def sniff_format(path: Path) -> str:
    """``xlsx``, ``xls``, ``encrypted`` or ``csv`` from the first bytes (the extension may lie)."""
    with path.open("rb") as fh:
        head = fh.read(8)
        if head.startswith(_ZIP_MAGIC):
            return "xlsx"
        if head == _OLE_MAGIC:
            fh.seek(0)
            blob = fh.read(1024 * 1024)
            for marker in _ENCRYPTED_MARKERS:
                if marker.encode("utf-16-le") in blob:
                    return "encrypted"
            return "xls"
    return "csv"


def check_duplicate_headers(header: Sequence[Any], found: dict[int, str], where: dict[str, Any]) -> None:
    """Refuse a header row in which two columns the reader uses carry the same title (two
    ``NIK`` columns): which one holds the data cannot be told."""
    seen: dict[str, int] = {}
    for j in sorted(found):
        key = nz.header_key(header[j])
        if key in seen:
            title = str(header[j]).strip()
            raise IntakeError(
                f"Judul kolom '{title}' muncul lebih dari sekali (kolom {filelimits.column_name(seen[key])} dan "
                f"{filelimits.column_name(j)}); ganti atau hapus salah satunya.",
                **where,
            )
        seen[key] = j


def read_nominations(
    path: str | os.PathLike[str],
    *,
    sheet: str | None = None,
    column_map: dict[str, str] | None = None,
    today: date | None = None,
    max_bytes: int | None = None,
    display_name: str | None = None,
    kind: str | ImportKind = filelimits.NOMINATIONS,
) -> Nominations:
    """Read a nomination file into a normalised frame; raise :class:`IntakeError` when impossible.

    ``column_map`` maps header text (as the operator saw it) to a field name of
    :data:`ucjamsostek.core.normalize.FIELDS` (or ``"ttl"``); it is matched like accepted headers.
    ``today`` decides two-digit years (default: the current date). The file must keep within the
    limits of ``kind`` (:mod:`ucjamsostek.core.filelimits`); ``max_bytes`` lowers its size limit.
    """
    p = Path(path)
    display = display_name or p.name
    today = today or date.today()
    limits = _limits(kind, max_bytes)
    fmt = _check_file(p, display, limits)
    if fmt == "csv":
        return _read_csv(p, display, column_map, today, limits)
    return _read_sheet(p, display, sheet, column_map, today, fmt, limits)


def check_file(
    path: str | os.PathLike[str],
    *,
    kind: str | ImportKind,
    sheet: str | None = None,
    display_name: str | None = None,
) -> None:
    """The checks of a file that need no parsing (it can be opened, is not empty, encrypted or a
    text named .xlsx, keeps to the size limits of ``kind``, and an xlsx does not expand past them):
    what an upload page runs before it queues the file for reading."""
    p = Path(path)
    display = display_name or p.name
    limits = _limits(kind, None)
    if _check_file(p, display, limits) == "xlsx":
        filelimits.check_workbook(p, display, limits, sheet)


class ColumnsNotFound(IntakeError):
    """The header row, or a required column in it, was not found: a problem the operator can fix by
    mapping the file's column titles to fields (the column-mapping page), not a refusal of the file."""


#: How many rows past the header :func:`check_nominations` reads looking for a first data row
#: (formatted but empty rows between them are skipped); a file whose first data row lies further
#: down is left to the full read.
DATA_SEARCH_ROWS = 1000

#: How much of a csv :func:`check_nominations` reads: the header and its first data rows are in it.
CSV_HEAD_BYTES = 256 * 1024


def _csv_head(path: Path, display: str, limits: ImportKind) -> tuple[list[list[str]], bool]:
    """The rows of the first :data:`CSV_HEAD_BYTES` of a csv (encoding, line ends and delimiter
    detected as :func:`read_nominations` does) and whether they are the whole file."""
    with path.open("rb") as fh:
        data = fh.read(CSV_HEAD_BYTES + 1)
    whole = len(data) <= CSV_HEAD_BYTES
    if not whole:  # the last line may be cut: it still counts (a cell too long is too long already)
        data = data[:CSV_HEAD_BYTES]
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            data = data[: len(data) // 2 * 2]
        else:
            try:
                data.decode("utf-8")
            except UnicodeDecodeError as exc:  # a character cut in two is not a sign of cp1252
                if exc.start >= len(data) - 3:
                    data = data[: exc.start]
    text, _ = decode_text(data)
    lines = text.splitlines()
    whole = whole and len(lines) <= HEADER_SEARCH_ROWS + DATA_SEARCH_ROWS
    lines = lines[: HEADER_SEARCH_ROWS + DATA_SEARCH_ROWS]
    return split_csv(lines, sniff_delimiter(lines[:HEADER_SEARCH_ROWS]), display, limits), whole


def _xlsx_head(path: Path, display: str, sheet: str | None, limits: ImportKind) -> tuple[str, list[list[Any]], int]:
    """The first rows of an xlsx sheet, streamed (:mod:`ucjamsostek.core.sheethead`): rows from
    the first one present up to :data:`HEADER_SEARCH_ROWS` + :data:`DATA_SEARCH_ROWS`, empty rows
    in between kept as ``[]``; with the 0-based index of the first."""
    from ucjamsostek.core.sheethead import head_rows

    name, stream = head_rows(path, display, limits, sheet)
    rows: list[list[Any]] = []
    first: int | None = None
    for number, cells in stream:
        if first is None:
            if row_empty(cells):
                continue
            first = number
        if number - first >= HEADER_SEARCH_ROWS + DATA_SEARCH_ROWS:
            break
        rows.extend([] for _ in range(number - first - len(rows)))
        rows.append(cells)
    lead = min((next(j for j, c in enumerate(r) if c is not None) for r in rows if not row_empty(r)), default=0)
    return name, [r[lead:] for r in rows], (first or 1) - 1


def check_nominations(
    path: str | os.PathLike[str],
    *,
    sheet: str | None = None,
    column_map: dict[str, str] | None = None,
    display_name: str | None = None,
    kind: str | ImportKind = filelimits.NOMINATIONS,
) -> None:
    """What an upload of a nomination file checks before it is queued, reading only the head of the
    file (issue 10 §7: seconds, however large the file): the checks of :func:`check_file`, then in
    the first rows: the cell limits, a header row with the required columns (by the accepted
    titles or ``column_map``), no column title twice, and a first data row under the header; an
    xlsx whose head is right is then measured whole (:func:`filelimits.check_workbook`: the zip
    bomb), which takes longer, so a file with the wrong columns is answered before it.

    Raises :class:`ColumnsNotFound` when the header or a required column is missing (the
    column-mapping page can help), :class:`IntakeError` for any other refusal, with the same
    located message the full read (:func:`read_nominations`) would give."""
    p = Path(path)
    display = display_name or p.name
    limits = _limits(kind, None)
    fmt = _check_file(p, display, limits)
    if fmt == "xlsx":  # the head is streamed (bounded), the whole zip measured once the head is right
        name, rows, offset = _xlsx_head(p, display, sheet, limits)
        whole = len(rows) < HEADER_SEARCH_ROWS + DATA_SEARCH_ROWS
    elif fmt == "xls":
        name, rows, offset = _sheet_rows(p, display, sheet, fmt, limits)
        whole = True
    else:
        name, offset = None, 0
        rows, whole = _csv_head(p, display, limits)
        if whole and not "".join("".join(r) for r in rows).strip():
            raise IntakeError("Berkas kosong: tidak ada data.", file=display)
    filelimits.check_cells(rows, limits, display, sheet=name, first_row=offset + 1)
    while rows and row_empty(rows[-1]):
        rows.pop()
    if not rows:
        if fmt == "csv":
            raise IntakeError("Berkas kosong: tidak ada data.", file=display)
        raise IntakeError("Lembar kerja kosong: tidak ada data.", file=display, sheet=name)
    header = _find_header(rows, column_map)
    if header is None:
        raise ColumnsNotFound(
            "Baris judul kolom tidak ditemukan (misalnya NIK, Nama, Tanggal Lahir, Desa) "
            f"pada {min(len(rows), HEADER_SEARCH_ROWS)} baris pertama.",
            file=display,
            sheet=name,
        )
    h, found = header
    where: dict[str, Any] = {"file": display, "sheet": name, "row": h + 1 + offset}
    try:
        _check_required(found, rows[h], where)
    except IntakeError as exc:
        raise ColumnsNotFound(exc.message, **where) from None
    check_duplicate_headers(rows[h], found, where)
    data = (r for r in rows[h + 1 :] if any(j < len(r) and cell_text(r[j]) for j in found))
    if next(data, None) is None and whole:
        raise IntakeError(NO_DATA_ROWS, **where)
    if fmt == "xlsx":
        filelimits.check_workbook(p, display, limits, sheet)


def read_text_table(data: bytes, *, display: str, limits: ImportKind) -> list[list[str]]:
    """Decode and split a csv held in memory (encoding and delimiter detected)."""
    text, _ = decode_text(data)
    lines = text.splitlines()
    delimiter = sniff_delimiter(lines[:HEADER_SEARCH_ROWS])
    return split_csv(lines, delimiter, display, limits)


def read_cells(
    path: str | os.PathLike[str],
    *,
    kind: str | ImportKind,
    sheet: str | None = None,
    display_name: str | None = None,
    max_bytes: int | None = None,
) -> Cells:
    """Every cell of a csv, xlsx or xls file (the named sheet, else the first), for readers of
    other lists than nominations (reference lists, BPJS files, the column-mapping page). The
    format comes from the bytes; the file must keep within the limits of ``kind``
    (:mod:`ucjamsostek.core.filelimits`; ``max_bytes`` lowers its size limit); a file that cannot be
    read raises :class:`IntakeError` with the same located messages as :func:`read_nominations`."""
    p = Path(path)
    display = display_name or p.name
    limits = _limits(kind, max_bytes)
    fmt = _check_file(p, display, limits)
    if fmt == "csv":
        rows = read_text_table(p.read_bytes(), display=display, limits=limits)
        filelimits.check_cells(rows, limits, display)
        return Cells(rows, None, 1)
    name, rows, offset = _sheet_rows(p, display, sheet, fmt, limits)
    return Cells(rows, name, offset + 1)


#: Every character ``str.strip()`` removes (``str.isspace``): a text cell of nothing but these is
#: blank, as :func:`cell_text` says.
_SPACE_CHARS = "".join(chr(i) for i in range(0x3001) if chr(i).isspace())


def blank_to_null(texts: pl.Expr) -> pl.Expr:
    """:func:`cell_text` of text cells, column-wise: null where a cell holds nothing but blanks."""
    return pl.when(texts.str.strip_chars(_SPACE_CHARS) == "").then(pl.lit(None, dtype=pl.Utf8)).otherwise(texts)


class CellColumns:
    """The cells of one sheet (or csv) as :func:`read_cell_columns` gives them, taken column by
    column: :meth:`column` is a text Series with :func:`cell_text` (:func:`nik_cell_text`) of each
    cell, :meth:`row` the raw cells of one row. A csv without a quote character — what a program
    writes when no cell holds a delimiter, a quote or a line break, as BPJS's bills — is kept as
    its lines and split by Polars (the same rows and cells :mod:`csv` gives for such text): a bill
    of a million lines costs no Python object per cell. Other files hold :func:`read_cells`'s rows."""

    def __init__(
        self,
        sheet: str | None,
        first_row: int,
        *,
        rows: list[list[Any]] | None = None,
        lines: pl.Series | None = None,
        delimiter: str = ",",
    ) -> None:
        self.sheet, self.first_row = sheet, first_row
        self._rows, self._lines, self._delimiter = rows, lines, delimiter
        self._split: pl.Series | None = None

    @property
    def height(self) -> int:
        """Rows in all, blank ones included."""
        return len(self._rows) if self._rows is not None else len(self._lines)  # type: ignore[arg-type]

    def row(self, i: int) -> list[Any]:
        """The cells of row ``i`` (0-based, from ``first_row``); a blank csv line has none."""
        if self._rows is not None:
            return self._rows[i]
        line = self._lines[i]  # type: ignore[index]
        return line.split(self._delimiter) if line else []

    def head(self, n: int) -> list[list[Any]]:
        """The first ``n`` rows (the header search)."""
        return [self.row(i) for i in range(min(n, self.height))]

    def column(self, j: int, start: int, *, nik: bool = False) -> pl.Series:
        """Column ``j`` (0-based) of the rows from ``start`` on, as text: :func:`cell_text` of each
        cell (:func:`nik_cell_text` with ``nik``), null for a blank or missing cell."""
        if self._rows is not None:
            conv = nik_cell_text if nik else cell_text
            return pl.Series([conv(r[j]) if j < len(r) else None for r in self._rows[start:]], dtype=pl.Utf8)
        if self._split is None:
            self._split = self._lines.str.split(self._delimiter)  # type: ignore[union-attr]
        cells = self._split.slice(start).list.get(j, null_on_oob=True)
        return pl.select(blank_to_null(pl.lit(cells))).to_series()


def _check_line_cells(lines: pl.Series, delimiter: str, limits: ImportKind, display: str) -> None:
    """:func:`filelimits.check_cells` for the lines of a csv without quotes, column-wise: more rows,
    a wider row, a longer cell than the kind allows, with the same messages and locations."""
    if len(lines) > limits.rows:
        raise filelimits.too_many_rows(display, limits)
    if not len(lines):
        return
    widths = pl.select(
        pl.when(pl.lit(lines) == "").then(0).otherwise(pl.lit(lines).str.count_matches(delimiter, literal=True) + 1)
    ).to_series()
    widest = int(widths.arg_max() or 0)
    if widths[widest] > limits.columns:
        raise filelimits.too_wide(display, int(widths[widest]), limits, row=1 + widest)
    # a cell can only be too long on a line that is: look at those lines' cells alone
    for i in (lines.str.len_bytes() > limits.cell_chars).arg_true().to_list():
        for j, value in enumerate(lines[i].split(delimiter)):
            if len(value) > limits.cell_chars:
                raise filelimits.too_long(display, len(value), limits, row=1 + i, column=filelimits.column_name(j))


def read_cell_columns(
    path: str | os.PathLike[str],
    *,
    kind: str | ImportKind,
    sheet: str | None = None,
    display_name: str | None = None,
    max_bytes: int | None = None,
) -> CellColumns:
    """:func:`read_cells` for a reader that takes a large table column by column (a BPJS bill of a
    million lines): the same checks and located messages, the cells as :class:`CellColumns`."""
    p = Path(path)
    display = display_name or p.name
    limits = _limits(kind, max_bytes)
    fmt = _check_file(p, display, limits)
    if fmt != "csv":
        name, rows, offset = _sheet_rows(p, display, sheet, fmt, limits)
        return CellColumns(name, offset + 1, rows=rows)
    text, _ = decode_text(p.read_bytes())
    lines = text.splitlines()
    delimiter = sniff_delimiter(lines[:HEADER_SEARCH_ROWS])
    if '"' in text or "\x00" in text:  # quoted cells: the csv module's rules
        del text
        rows = split_csv(lines, delimiter, display, limits)
        filelimits.check_cells(rows, limits, display)
        return CellColumns(None, 1, rows=rows)
    del text
    series = pl.Series("line", lines, dtype=pl.Utf8)
    del lines
    _check_line_cells(series, delimiter, limits, display)
    return CellColumns(None, 1, lines=series, delimiter=delimiter)


def read_records(
    path: str | os.PathLike[str], *, kind: str | ImportKind, display_name: str | None = None
) -> list[dict[str, str]]:
    """The rows of a small list (csv, xlsx or xls, read by :func:`read_cells` within the limits of
    ``kind``) as dicts keyed by the texts of the first non-empty row; a blank cell is ``""`` and
    empty rows are skipped (as :class:`csv.DictReader` does). A file without data rows, or with a
    column title twice (one would silently hide the other), is refused."""
    display = display_name or Path(path).name
    cells = read_cells(path, kind=kind, display_name=display)
    rows = [r for r in cells.rows if not row_empty(r)]
    if not rows:
        raise IntakeError("Berkas kosong: tidak ada data.", file=display)
    header = [(cell_text(c) or "").strip() for c in rows[0]]
    where: dict[str, Any] = {"file": display, "sheet": cells.sheet}
    check_duplicate_headers(header, {j: h for j, h in enumerate(header) if h}, where)
    if len(rows) == 1:
        raise IntakeError(NO_DATA_ROWS, **where)
    return [{h: (cell_text(r[j]) if j < len(r) else None) or "" for j, h in enumerate(header) if h} for r in rows[1:]]


# Old private names, still used by the benchmark scripts.
_sniff_delimiter = sniff_delimiter

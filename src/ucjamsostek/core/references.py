"""Reference lists (DESIGN.md §5.2): who is already enrolled, deceased, or a civil servant.

A list is a csv, xlsx or xls file with at least a NIK column and, where known, the name and birth
date, one kind per file. A ``deaths`` list may carry the date of death (``tanggal_meninggal``,
``Tgl Meninggal``); a listed person without one counts as deceased for every month (DESIGN.md
§5.2). :func:`earliest_deaths` is the one rule that turns the registry's death dates and every
loaded deaths list into one death date per person. :func:`read_reference_list` is the one reader: the ``reference load``
command and the web page store what it returns, and :meth:`ScreeningContext.from_reference_files
<ucjamsostek.core.screen.ScreeningContext.from_reference_files>` screens against it directly.

The file is read like a nomination file (:mod:`ucjamsostek.core.intake`): the format comes from
the bytes, the header row is found under title rows, headers are matched case- and
punctuation-insensitively by the accepted nomination headers (NIK, Nama, Tanggal Lahir, …) or by
the field names themselves (``nik``, ``name``, ``birth_date``), NIKs and dates are normalised
the same way. A list is taken whole or not at all: a file that cannot be read, has no NIK column
or holds a row with an invalid NIK or an unreadable birth date raises :class:`IntakeError` with a
located message in Bahasa Indonesia (file, sheet, row, column).
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import polars as pl

from ucjamsostek.core import filelimits
from ucjamsostek.core import normalize as nz
from ucjamsostek.core.intake import (
    HEADER_SEARCH_ROWS,
    IntakeError,
    cell_text,
    check_duplicate_headers,
    nik_cell_text,
    read_cells,
)
from ucjamsostek.core.nik import NIK_PROBLEM_TEXT, NikProblem

__all__ = ["DIED_UNDATED", "REFERENCE_FIELDS", "IntakeError", "earliest_deaths", "read_reference_list"]

REFERENCE_FIELDS: tuple[str, ...] = ("nik", "name", "birth_date", "death_date")
#: The death date of someone known to be deceased without a date (a deaths list entry without
#: ``tanggal_meninggal``, a registry person marked deceased without a date): before every month.
DIED_UNDATED = date(1, 1, 1)
#: How many bad rows the message names at most (it always gives the total).
MAX_REPORTED_BAD_ROWS = 3
#: Field names accepted as headers besides the nomination headers (``nama``, ``tanggal_lahir`` …).
_FIELD_NAME_HEADERS = {nz.header_key(f): f for f in REFERENCE_FIELDS} | {
    nz.header_key(h): "death_date"
    for h in ("tanggal_meninggal", "Tgl Meninggal", "Tgl. Meninggal", "Tanggal Kematian", "Tgl Kematian", "Wafat")
}


def _match(cell: object) -> str | None:
    key = nz.header_key(cell)
    if "meninggal" in key or "kematian" in key:  # never the birth date of a "Tgl Lahir/Meninggal" guess
        return "death_date" if key in _FIELD_NAME_HEADERS else None
    found = nz.match_header(cell) or _FIELD_NAME_HEADERS.get(key)
    return found if found in REFERENCE_FIELDS else None


def read_reference_list(
    path: str | os.PathLike[str],
    *,
    display_name: str | None = None,
    sheet: str | None = None,
    today: date | None = None,
) -> pl.DataFrame:
    """Read a reference list into a frame ``row, nik, name, birth_date, death_date`` (``row`` as
    the user sees it in the sheet; ``name``/``birth_date``/``death_date`` null where the file has
    no such column).

    ``today`` decides two-digit years (default: the current date). Raises :class:`IntakeError`
    (located, Indonesian) when the list cannot be used; the first bad rows are named.
    """
    p = Path(path)
    display = display_name or p.name
    today = today or date.today()
    rows, sheet_name, first_row = read_cells(p, kind=filelimits.REFERENCE, sheet=sheet, display_name=display)
    header_at: int | None = None
    found: dict[int, str] = {}
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        matched = {j: f for j, cell in enumerate(row) if (f := _match(cell)) is not None}
        if "nik" in matched.values():
            header_at, found = i, matched
            break
    if header_at is None:
        raise IntakeError(
            "Kolom NIK tidak ditemukan pada baris judul (daftar rujukan memerlukan kolom nik, "
            "sebaiknya juga nama dan tanggal_lahir).",
            file=display,
            sheet=sheet_name,
        )
    header = rows[header_at]
    check_duplicate_headers(header, found, {"file": display, "sheet": sheet_name, "row": first_row + header_at})
    labels: dict[str, str] = {}
    columns: dict[str, list[str | None]] = {}
    for j, fld in found.items():
        if fld in columns:  # the first column of a field wins
            continue
        labels[fld] = str(header[j]).strip()
        conv = nik_cell_text if fld == "nik" else cell_text
        columns[fld] = [conv(r[j]) if j < len(r) else None for r in rows[header_at + 1 :]]
    n = len(rows) - header_at - 1
    start = first_row + header_at + 1
    raw = pl.DataFrame(
        {"row": list(range(start, start + n))} | {f: columns.get(f, [None] * n) for f in REFERENCE_FIELDS},
        schema={"row": pl.Int64} | {f: pl.Utf8 for f in REFERENCE_FIELDS},
    )
    raw = raw.filter(pl.any_horizontal(nz.text_expr(pl.col(f)).is_not_null() for f in REFERENCE_FIELDS))
    frame = raw.select(
        "row",
        nz.nik_clean_expr(pl.col("nik")).alias("nik"),
        nz.text_expr(pl.col("name")).alias("name"),
        nz.date_expr(nz.text_expr(pl.col("birth_date")), today).alias("birth_date"),
        nz.text_expr(pl.col("birth_date")).alias("birth_raw"),
        nz.date_expr(nz.text_expr(pl.col("death_date")), today).alias("death_date"),
        nz.text_expr(pl.col("death_date")).alias("death_raw"),
    ).with_columns(
        nz.nik_parts_expr(pl.col("nik"), pl.col("birth_date"), today).struct.field("problem").alias("problem")
    )
    bad_nik = frame.filter(pl.col("problem").is_not_null())
    bad_date = frame.filter(pl.col("birth_raw").is_not_null() & pl.col("birth_date").is_null())
    bad_death = frame.filter(
        (pl.col("death_raw").is_not_null() & pl.col("death_date").is_null())
        | (pl.col("death_date") > pl.lit(today))
        | (pl.col("death_date") < pl.col("birth_date"))
    )
    if bad_nik.height or bad_date.height or bad_death.height:
        problems: list[tuple[int, str, str]] = [
            (r["row"], labels.get("nik", "nik"), NIK_PROBLEM_TEXT[NikProblem(r["problem"])])
            for r in bad_nik.head(MAX_REPORTED_BAD_ROWS).iter_rows(named=True)
        ] + [
            (r["row"], labels.get("birth_date", "tanggal_lahir"), "tanggal lahir tidak terbaca")
            for r in bad_date.head(MAX_REPORTED_BAD_ROWS).iter_rows(named=True)
        ] + [
            (r["row"], labels.get("death_date", "tanggal_meninggal"), _death_problem(r, today))
            for r in bad_death.head(MAX_REPORTED_BAD_ROWS).iter_rows(named=True)
        ]
        problems.sort()
        row_no, column, text = problems[0]
        total = bad_nik.height + bad_date.height + bad_death.height
        more = f" Ada {total} baris bermasalah; perbaiki semuanya lalu muat ulang." if total > 1 else ""
        raise IntakeError(
            f"{text}. Daftar rujukan tidak dimuat.{more}", file=display, sheet=sheet_name, row=row_no, column=column
        )
    if frame.height == 0:
        raise IntakeError("Daftar rujukan tidak berisi data di bawah baris judul.", file=display, sheet=sheet_name)
    return frame.select("row", "nik", "name", "birth_date", "death_date")


def _death_problem(row: dict[str, object], today: date) -> str:
    died = row["death_date"]
    if not isinstance(died, date):
        return "tanggal meninggal tidak terbaca"
    if died > today:
        return "tanggal meninggal di masa depan"
    return "tanggal meninggal sebelum tanggal lahir"


def earliest_deaths(registry: pl.DataFrame, listed: pl.DataFrame) -> pl.DataFrame:
    """One death date per person: the earliest known from any source (issue 9 §2).

    ``registry`` — ``person_id``, ``nik``, ``death_date`` (Date or null) and ``is_deceased``
    (Boolean) of the registry's people who are deceased there or whose NIK is listed; ``listed`` —
    ``nik`` and ``death_date`` (Date or null) of every entry of every loaded deaths list.
    The earliest *date* any source gives wins; a source that says "deceased" without a date adds
    no date. Someone known deceased only without a date (marked so in the registry, or listed
    without ``tanggal_meninggal``, and no source with a date) has :data:`DIED_UNDATED`: deceased
    for every month. Returns ``person_id, nik, death_date`` for the registry's people with a death
    known anywhere (a listed NIK the registry does not hold is nobody any figure counts), one row
    per person."""
    own = registry.select(
        pl.col("nik").cast(pl.Utf8),
        pl.col("death_date").cast(pl.Date),
        (pl.col("is_deceased").cast(pl.Boolean) | pl.col("death_date").is_not_null()).alias("dead"),
    ).filter(pl.col("dead"))
    lists = listed.select(pl.col("nik").cast(pl.Utf8), pl.col("death_date").cast(pl.Date))
    return (
        pl.concat([own.select("nik", "death_date"), lists])
        .group_by("nik")
        .agg(pl.col("death_date").min().fill_null(pl.lit(DIED_UNDATED)))
        .join(registry.select(pl.col("person_id").cast(pl.Int64), pl.col("nik").cast(pl.Utf8)), on="nik")
        .select("person_id", "nik", "death_date")
        .sort("person_id")
    )

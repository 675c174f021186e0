"""The one bulk writer: many rows of a Polars frame into one table, set-based, inside the caller's
transaction. ``COPY … FROM STDIN`` (csv) on PostgreSQL; multi-row ``INSERT … VALUES`` with bound
parameters within the database's limit elsewhere (on SQLite with a page cache large enough for
the table's indexes, :data:`SQLITE_CACHE_KB`). No model instance per row: ``bulk_create``
spends most of its time compiling fields through the ORM (a 1.000.000-line bill, 14.000 screened
rows × 20 fields)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import polars as pl
from django.db import connections, models, router

from ucjamsostek.nikcrypt import NIKField, encrypt_series

#: Rows per statement on SQLite (bounded again by the database's parameter limit) and per csv
#: block sent to COPY.
CHUNK_ROWS = 2_000
COPY_BLOCK_ROWS = 100_000
#: SQLite's page cache (KiB) while a frame is inserted: its default of 2 MB makes every row of a
#: million-line bill read and write index pages (the NIK index is in no order) from the file; with
#: the indexes' pages held in memory the insert takes about a third less CPU and half the time.
SQLITE_CACHE_KB = 256 * 1024


def _concrete(field: Any) -> Any:
    if not isinstance(field, models.Field) or not field.column:
        raise TypeError(f"{field!r} is not a column")
    return field


def insert_frame(model: type[models.Model], frame: pl.DataFrame) -> None:
    """Insert ``frame``'s rows into ``model``'s table; its columns are field names or attnames
    (``batch`` or ``batch_id``). Text columns the model does not allow to be null keep an empty
    string as an empty string (not NULL). NIK columns (``nikcrypt.NIKField``) are written
    encrypted, the whole column in one call of the cipher."""
    if frame.height == 0:
        return
    meta = model._meta
    conn = connections[router.db_for_write(model)]
    fields = [_concrete(meta.get_field(c)) for c in frame.columns]
    secret = [c for c, f in zip(frame.columns, fields, strict=True) if isinstance(f, NIKField)]
    if secret:
        frame = frame.with_columns(encrypt_series(frame[c]) for c in secret)
    table = conn.ops.quote_name(meta.db_table)
    quoted = [conn.ops.quote_name(str(f.column)) for f in fields]
    columns = ", ".join(quoted)
    with conn.cursor() as cur:
        if conn.vendor == "postgresql":
            not_null = [
                q for f, q in zip(fields, quoted, strict=True)
                if not f.null and isinstance(f, models.CharField | models.TextField)
            ]  # fmt: skip
            options = f"FORMAT csv, FORCE_NOT_NULL ({', '.join(not_null)})" if not_null else "FORMAT csv"
            with cur.cursor.copy(f"COPY {table} ({columns}) FROM STDIN ({options})") as copy:
                for part in frame.iter_slices(COPY_BLOCK_ROWS):
                    copy.write(part.write_csv(include_header=False, date_format="%Y-%m-%d"))
            return
        text = frame.with_columns(pl.col(pl.Date).dt.strftime("%Y-%m-%d"))
        one = "(" + ", ".join(["%s"] * len(fields)) + ")"
        limit = conn.features.max_query_params or 30_000
        size = max(1, min(CHUNK_ROWS, limit // len(fields)))
        sqlite = conn.vendor == "sqlite"
        if sqlite:  # room for the indexes' pages: a million lines go into a B-tree per index
            cur.execute("PRAGMA cache_size")
            cache = int(cur.fetchone()[0])
            cur.execute(f"PRAGMA cache_size = {-SQLITE_CACHE_KB}")
        try:
            for part in text.iter_slices(size):
                rows: list[tuple[Any, ...]] = part.rows()
                sql = f"INSERT INTO {table} ({columns}) VALUES {', '.join([one] * len(rows))}"  # noqa: S608
                cur.execute(sql, [v for row in rows for v in row])
        finally:
            if sqlite:
                cur.execute(f"PRAGMA cache_size = {cache}")


def json_codes(column: str) -> pl.Expr:
    """A list column of plain codes (ASCII words: flags, reasons) as the JSON text a JSONField
    stores, for :func:`insert_frame`."""
    codes = pl.col(column)
    joined = pl.format('["{}"]', codes.list.join('", "'))
    return pl.when(codes.list.len() == 0).then(pl.lit("[]")).otherwise(joined).alias(column)


def datetime_value(model: type[models.Model], value: datetime) -> str:
    """``value`` as the text a DateTimeField of ``model``'s database takes from :func:`insert_frame`
    (a polars Datetime column would lose the time zone on the way)."""
    conn = connections[router.db_for_write(model)]
    return str(conn.ops.adapt_datetimefield_value(value))

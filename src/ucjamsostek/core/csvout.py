"""The project's csv writer: a Polars frame to a csv file, safe against formula injection.

A spreadsheet opening a csv evaluates a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or
a CR as a formula (``=HYPERLINK(…)`` in a name from an imported file). :func:`write_csv` writes
every *text* column with such a value prefixed by an apostrophe, as OWASP advises, so it opens as
text; numbers (a negative difference) stay numbers, and values that do not start so are untouched
(a NIK, a reason code, a region code). Every csv export goes through it (``rows.csv``,
``reconciliation.csv``); the xlsx writers keep text as text by themselves (``core/xlsxml.py``,
``core/xlsxout.py``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

#: First characters that make a spreadsheet read a csv cell as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_RE = r"^[=+\-@\t\r]"


def neutralise(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with each text value that starts like a formula prefixed by ``'``."""
    text = [c for c, dtype in frame.schema.items() if dtype == pl.Utf8]
    return frame.with_columns(
        pl.when(pl.col(c).str.contains(_FORMULA_RE)).then(pl.lit("'") + pl.col(c)).otherwise(pl.col(c)).alias(c)
        for c in text
    )


def write_csv(frame: pl.DataFrame, path: str | Path, **options: Any) -> Path:
    """Write ``frame`` (through :func:`neutralise`) to ``path`` with Polars' ``write_csv`` options."""
    neutralise(frame).write_csv(path, **options)
    return Path(path)

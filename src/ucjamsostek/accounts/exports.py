"""The access log as a file: ``log-akses-YYYYMMDD.xlsx`` or ``.csv`` (the project's safe writers:
``core/xlsxml.py`` keeps text as text, ``core/csvout.py`` neutralises formula-like text)."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from django.utils import timezone

from ucjamsostek.accounts.selectors import EXPORT_COLUMNS
from ucjamsostek.core import csvout, xlsxml

FORMATS = ("xlsx", "csv")
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


@dataclass(frozen=True)
class ExportFile:
    data: bytes
    content_type: str
    filename: str


def access_log_file(frame: pl.DataFrame, fmt: str) -> ExportFile:
    """``frame`` (``selectors.access_log_frame``) as an xlsx or csv file."""
    if fmt not in FORMATS:
        raise ValueError(fmt)
    headers = [str(h) for h in EXPORT_COLUMNS.values()]
    name = f"log-akses-{timezone.localdate():%Y%m%d}.{fmt}"
    with tempfile.TemporaryDirectory(prefix="ucj-akses-") as tmp:
        path = Path(tmp) / name
        if fmt == "xlsx":
            kinds = [xlsxml.INT if dtype == pl.Int64 else xlsxml.TEXT for dtype in frame.dtypes]
            sheet = xlsxml.Sheet(
                "Log akses", headers, widths=(20, 16, 22, 30, 24, 12, 12), frame=frame, kinds=kinds,
                int_style=xlsxml.NUMBER, freeze_header=True, autofilter=True,
            )  # fmt: skip
            xlsxml.write_workbook(path, [sheet])
        else:
            csvout.write_csv(frame.rename(dict(zip(frame.columns, headers, strict=True))), path)
        return ExportFile(path.read_bytes(), CONTENT_TYPES[fmt], name)

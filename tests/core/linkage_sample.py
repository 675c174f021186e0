"""Quick-and-dirty reader of the sample nomination file for linkage tests only.

The real intake lives elsewhere; this turns the sample sheet into :func:`link`'s batch columns
with just enough normalisation (NIK digits, a few date formats, village/kecamatan names as codes).
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

import polars as pl
from python_calamine import CalamineWorkbook

DATA = Path(__file__).parent / "linkage_data"
SAMPLE = DATA / "usulan-contoh.xlsx"
EXPECTED = DATA / "usulan-contoh.expected.csv"
HEADER_ROW = 4
#: The columns :func:`ucjamsostek.core.linkage.link` takes for a batch.
BATCH_SCHEMA = {
    "row": pl.Int64,
    "nik": pl.Utf8,
    "name": pl.Utf8,
    "birth_date": pl.Date,
    "sex": pl.Utf8,
    "village_code": pl.Utf8,
    "district_code": pl.Utf8,
}

_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        "januari februari maret april mei juni juli agustus september oktober november desember".split()
    )
}


def _date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip().lower()
    if m := re.fullmatch(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})", text):
        return dt.date(int(m[3]), int(m[2]), int(m[1]))
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text):
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    if (m := re.fullmatch(r"(\d{1,2}) ([a-z]+) (\d{4})", text)) and m[2] in _MONTHS:
        return dt.date(int(m[3]), _MONTHS[m[2]], int(m[1]))
    return None


def _place(value: object, prefixes: str) -> str | None:
    text = re.sub(rf"^(?:{prefixes})\s*", "", str(value or "").strip(), flags=re.I)
    text = re.sub(r"\s+", " ", text).strip().lower()
    return text or None


def _sex(value: object) -> str | None:
    text = str(value or "").strip().lower()
    if text in {"l", "laki-laki", "laki laki"}:
        return "L"
    if text in {"p", "perempuan"}:
        return "P"
    return None


def sample_batch() -> pl.DataFrame:
    """The sample's data rows as a linkage batch (``row`` = sheet row number)."""
    sheet = CalamineWorkbook.from_path(str(SAMPLE)).get_sheet_by_index(0).to_python()
    header = [str(h).strip().lower() for h in sheet[HEADER_ROW - 1]]
    col = {name: header.index(name) for name in header}
    rows = []
    for number, values in enumerate(sheet[HEADER_ROW:], start=HEADER_ROW + 1):
        if not any(str(v).strip() for v in values):
            continue
        nik = re.sub(r"\D", "", str(values[col["nik"]]))
        district = _place(values[col["kecamatan"]], r"kec\.|kecamatan")
        village = _place(values[col["desa/kelurahan"]], r"ds\.|desa|kel\.|kelurahan")
        rows.append(
            {
                "row": number,
                "nik": nik or None,
                "name": str(values[col["nama lengkap"]]).strip() or None,
                "birth_date": _date(values[col["tanggal lahir"]]),
                "sex": _sex(values[col["l/p"]]),
                "village_code": f"{district}/{village}" if district and village else None,
                "district_code": district,
            }
        )
    return pl.DataFrame(rows, schema=BATCH_SCHEMA)


def expected_pairs() -> set[tuple[int, int]]:
    """All (earlier row, later row) pairs of the expected groups."""
    groups: dict[str, list[int]] = {}
    with EXPECTED.open(newline="", encoding="utf-8") as fh:
        for rec in csv.DictReader(fh):
            if rec["group"]:
                groups.setdefault(rec["group"], []).append(int(rec["row"]))
    return {(a, b) for rows in groups.values() for a in rows for b in rows if a < b}

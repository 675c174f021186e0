"""Monitoring indicators (Rakor Monev): the indicator dictionary and pure formulas.

The dictionary (``core/data/indicators.json``) is data: per indicator code its name, a
plain-language definition, numerator, denominator, source tables and as-of rule (``window``), in
Bahasa Indonesia and English. It is the one definition of every figure: the monitoring app
computes each entry once per period and area, and the dashboard, the Rakor Monev report, the API
and the console read it from there (``monitoring/figures.py``); ``/monev/kamus/`` lists it.

No Django here. The monitoring app's selectors run aggregate queries (GROUP BY village, segment,
funder, month) and hand plain dictionaries to these functions, which roll them up from desa to
kecamatan to the regency, turn monthly starts/ends into active counts, and compute ratios.

Rules:

* A ratio whose denominator is missing or zero has **no value** (``None``), shown as
  "tidak ada data" — never a division by zero, never a made-up 0 %.
* Ratios are exact :class:`~fractions.Fraction` values; rounding happens only when formatting.
* Money is integer Rupiah.
* Periods: ``2026-01`` (month), ``2025-S1`` (semester), ``2026`` (year). A period's *as-of date*
  is its last day: "active in 2025-S1" means active on 30 June 2025.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from fractions import Fraction
from importlib import resources
from typing import Any

import polars as pl

from ucjamsostek.core.errors import UserError
from ucjamsostek.core.money import format_decimal, format_number, format_rupiah, format_rupiah_short

NO_DATA = "tidak ada data"

MONTHS_ID = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
MONTHS_ID_SHORT = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")


class PeriodError(UserError):
    """A period text that cannot be read; the message is Indonesian."""


class PeriodKind(StrEnum):
    MONTH = "month"
    SEMESTER = "semester"
    YEAR = "year"


@dataclass(frozen=True, order=True)
class Period:
    """A reporting period: ``[start, end)`` with ``end`` the first day after it."""

    kind: PeriodKind
    year: int
    index: int  # month 1–12, semester 1–2, 1 for a year

    @property
    def code(self) -> str:
        if self.kind is PeriodKind.MONTH:
            return f"{self.year:04d}-{self.index:02d}"
        if self.kind is PeriodKind.SEMESTER:
            return f"{self.year:04d}-S{self.index}"
        return f"{self.year:04d}"

    @property
    def start(self) -> date:
        if self.kind is PeriodKind.MONTH:
            return date(self.year, self.index, 1)
        if self.kind is PeriodKind.SEMESTER:
            return date(self.year, 1 if self.index == 1 else 7, 1)
        return date(self.year, 1, 1)

    @property
    def end(self) -> date:
        """First day after the period."""
        if self.kind is PeriodKind.MONTH:
            return add_months(self.start, 1)
        if self.kind is PeriodKind.SEMESTER:
            return add_months(self.start, 6)
        return date(self.year + 1, 1, 1)

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def label(self) -> str:
        """Indonesian label: ``Januari 2026``, ``Semester I 2025``, ``Tahun 2026``."""
        if self.kind is PeriodKind.MONTH:
            return f"{MONTHS_ID[self.index - 1]} {self.year}"
        if self.kind is PeriodKind.SEMESTER:
            return f"Semester {'I' if self.index == 1 else 'II'} {self.year}"
        return f"Tahun {self.year}"

    def months(self) -> list[Period]:
        """The months of the period, in order."""
        out: list[Period] = []
        day = self.start
        while day < self.end:
            out.append(Period(PeriodKind.MONTH, day.year, day.month))
            day = add_months(day, 1)
        return out

    def previous(self) -> Period:
        if self.kind is PeriodKind.MONTH:
            d = add_months(self.start, -1)
            return Period(PeriodKind.MONTH, d.year, d.month)
        if self.kind is PeriodKind.SEMESTER:
            return Period(PeriodKind.SEMESTER, self.year - (self.index == 1), 2 if self.index == 1 else 1)
        return Period(PeriodKind.YEAR, self.year - 1, 1)

    def __str__(self) -> str:
        return self.code


_PERIOD_RE = re.compile(r"^\s*(\d{4})(?:-(?:(\d{1,2})|[sS]([12])))?\s*$")


def parse_period(text: str) -> Period:
    """``2026-01`` → January 2026; ``2025-S1`` → first semester 2025; ``2026`` → year 2026."""
    m = _PERIOD_RE.match(text or "")
    if not m:
        raise PeriodError(
            f"Periode {text!r} tidak dikenal: gunakan 2026-01 (bulan), 2025-S1 (semester) atau 2026 (tahun)."
        )
    year = int(m.group(1))
    if not 2000 <= year <= 2100:
        raise PeriodError(f"Tahun {year} di luar rentang 2000–2100.")
    if m.group(2):
        month = int(m.group(2))
        if not 1 <= month <= 12:
            raise PeriodError(f"Bulan {month} tidak ada (1–12).")
        return Period(PeriodKind.MONTH, year, month)
    if m.group(3):
        return Period(PeriodKind.SEMESTER, year, int(m.group(3)))
    return Period(PeriodKind.YEAR, year, 1)


def period_of(day: date, kind: PeriodKind = PeriodKind.MONTH) -> Period:
    """The period of ``kind`` that contains ``day``."""
    if kind is PeriodKind.MONTH:
        return Period(kind, day.year, day.month)
    if kind is PeriodKind.SEMESTER:
        return Period(kind, day.year, 1 if day.month <= 6 else 2)
    return Period(kind, day.year, 1)


def add_months(day: date, months: int) -> date:
    """First-of-month arithmetic (``day`` is expected to be a first of month)."""
    total = day.year * 12 + (day.month - 1) + months
    return date(total // 12, total % 12 + 1, 1)


def month_range(first: Period, last: Period) -> list[Period]:
    """Months from ``first`` to ``last`` inclusive (both month periods)."""
    out: list[Period] = []
    day = first.start
    while day <= last.start:
        out.append(Period(PeriodKind.MONTH, day.year, day.month))
        day = add_months(day, 1)
    return out


# --------------------------------------------------------------------------------------------------
# Indicator definitions: the dictionary (``core/data/indicators.json``)
# --------------------------------------------------------------------------------------------------


class Unit(StrEnum):
    COUNT = "count"  # people, claims, rows
    PERCENT = "percent"  # a ratio shown ×100
    RUPIAH = "rupiah"


class Direction(StrEnum):
    UP = "up"  # higher is better
    DOWN = "down"  # lower is better
    NEUTRAL = "neutral"


class Window(StrEnum):
    """Which days of a period a figure looks at (the dictionary's *as-of rule*)."""

    AS_OF = "as_of"  # the state on the period's last day
    PERIOD = "period"  # events from the period's first to its last day
    SINCE_START = "since_start"  # events since the programme began up to the period's last day
    YEAR = "year"  # the period's budget year
    YEAR_TO_DATE = "year_to_date"  # 1 January of the period's year up to its last day


class Level(StrEnum):
    """The areas a figure is computed for."""

    ALL = "all"  # regency, kecamatan, desa (by the person's home village)
    REGENCY = "regency"  # regency only (PKS, bills, SP2D are regency-wide)


#: Start of "since the programme began": earlier than any record the programme can hold.
PROGRAMME_START = date(2000, 1, 1)


@dataclass(frozen=True)
class Text:
    """A dictionary text in Bahasa Indonesia (``id``) and English (``en``)."""

    id: str
    en: str

    def in_language(self, language: str | None) -> str:
        """English for ``en*`` (when there is an English text), Indonesian otherwise."""
        return self.en if (language or "").startswith("en") and self.en else self.id


@dataclass(frozen=True)
class IndicatorDef:
    """One entry of the indicator dictionary: one monitored figure and its one definition.

    ``formula`` names the computation (``ratio:A/B`` for a ratio of two other entries);
    ``window`` and ``level`` say which days and which areas it covers; ``sources`` are the database
    tables it is computed from. The texts (name, definition, numerator, denominator, as-of rule)
    are what the dictionary page and the report's annex show."""

    code: str
    name: Text
    unit: Unit
    direction: Direction
    window: Window
    level: Level
    formula: str
    definition: Text
    numerator: Text
    denominator: Text | None
    as_of: Text
    sources: tuple[str, ...]
    breakdowns: tuple[str, ...] = ()
    sort_order: int = 0

    @property
    def name_id(self) -> str:
        return self.name.id

    @property
    def name_en(self) -> str:
        return self.name.en

    def dates(self, p: Period) -> tuple[date, date]:
        """``[start, end)`` of the days the figure looks at for period ``p``."""
        return window_dates(self.window, p)


class DictionaryError(UserError):
    """The indicator dictionary file is malformed (a packaging error, not a user's)."""


DICTIONARY_FILE = "indicators.json"


def _text(raw: Any, where: str) -> Text:
    if not isinstance(raw, dict) or not str(raw.get("id") or "").strip() or not str(raw.get("en") or "").strip():
        raise DictionaryError(f"Kamus indikator: {where} harus berisi teks 'id' dan 'en'.")
    return Text(str(raw["id"]).strip(), str(raw["en"]).strip())


def parse_dictionary(raw: Mapping[str, Any]) -> tuple[IndicatorDef, ...]:
    """The entries of a dictionary document (the JSON file's content), checked."""
    out: list[IndicatorDef] = []
    for i, e in enumerate(raw.get("indicators") or [], start=1):
        code = str(e.get("code") or "")
        where = f"indikator ke-{i} ({code or '?'})"
        try:
            out.append(
                IndicatorDef(
                    code=code,
                    name=_text(e.get("name"), f"{where}: name"),
                    unit=Unit(e["unit"]),
                    direction=Direction(e["direction"]),
                    window=Window(e["window"]),
                    level=Level(e["level"]),
                    formula=str(e["formula"]),
                    definition=_text(e.get("definition"), f"{where}: definition"),
                    numerator=_text(e.get("numerator"), f"{where}: numerator"),
                    denominator=None
                    if e.get("denominator") is None
                    else _text(e["denominator"], f"{where}: denominator"),
                    as_of=_text(e.get("as_of"), f"{where}: as_of"),
                    sources=tuple(str(s) for s in e["sources"]),
                    breakdowns=tuple(str(b) for b in e.get("breakdowns") or ()),
                    sort_order=i * 10,
                )
            )
        except (KeyError, ValueError) as exc:
            raise DictionaryError(f"Kamus indikator: {where} tidak lengkap atau salah ({exc}).") from None
    codes = [d.code for d in out]
    if not out or len(codes) != len(set(codes)) or not all(re.fullmatch(r"[A-Z][A-Z_]*", c) for c in codes):
        raise DictionaryError("Kamus indikator: kode kosong, ganda atau tidak berbentuk HURUF_BESAR.")
    return tuple(out)


def load_dictionary() -> tuple[dict[str, Any], tuple[IndicatorDef, ...]]:
    """The packaged dictionary: the raw document (window and level texts) and its entries."""
    text = resources.files("ucjamsostek.core").joinpath("data", DICTIONARY_FILE).read_text("utf-8")
    raw = json.loads(text)
    return raw, parse_dictionary(raw)


_RAW, INDICATORS = load_dictionary()
INDICATOR_BY_CODE: dict[str, IndicatorDef] = {d.code: d for d in INDICATORS}
#: The texts of each window (as-of rule) and level, in Bahasa Indonesia and English.
WINDOW_TEXT: dict[Window, Text] = {Window(k): _text(v, f"windows.{k}") for k, v in _RAW["windows"].items()}
LEVEL_TEXT: dict[Level, Text] = {Level(k): _text(v, f"levels.{k}") for k, v in _RAW["levels"].items()}

#: Indicators that have a yearly target (per area).
TARGETED = ("ACTIVE", "COVERAGE", "BUDGET_REALISATION")


def window_dates(window: Window, p: Period) -> tuple[date, date]:
    """``[start, end)`` of the days a figure with ``window`` looks at for period ``p``."""
    if window is Window.AS_OF:
        return p.last_day, p.end
    if window is Window.PERIOD:
        return p.start, p.end
    if window is Window.SINCE_START:
        return PROGRAMME_START, p.end
    year_start = date(p.year, 1, 1)
    if window is Window.YEAR:
        return year_start, date(p.year + 1, 1, 1)
    return year_start, p.end


def window_label(window: Window, p: Period) -> str:
    """The days a figure covers, as Indonesians write them: ``pada 31-07-2025``, ``Juli 2025``,
    ``s.d. 31-07-2025``, ``Tahun 2025``, ``01-01-2025 s.d. 31-07-2025`` (end dates inclusive)."""
    start, end = window_dates(window, p)
    last = end - timedelta(days=1)
    if window is Window.AS_OF:
        return f"pada {last:%d-%m-%Y}"
    if window is Window.PERIOD:
        return p.label
    if window is Window.SINCE_START:
        return f"s.d. {last:%d-%m-%Y}"
    if window is Window.YEAR:
        return f"Tahun {p.year}"
    return f"{start:%d-%m-%Y} s.d. {last:%d-%m-%Y}"


# --------------------------------------------------------------------------------------------------
# Formulas
# --------------------------------------------------------------------------------------------------


def ratio(numerator: int | None, denominator: int | None) -> Fraction | None:
    """``numerator ÷ denominator``; ``None`` ("tidak ada data") when either is missing or the
    denominator is zero or negative."""
    if numerator is None or denominator is None or denominator <= 0:
        return None
    return Fraction(numerator, denominator)


def coverage(active: int | None, workers: int | None) -> Fraction | None:
    """Active participants ÷ workers of the area (DOMAIN.md §8)."""
    return ratio(active, workers)


def progress(actual: int | None, target: int | None) -> Fraction | None:
    """Progress to a target (``actual ÷ target``); no target → no value."""
    return ratio(actual, target)


def claims_ratio(claims_paid: int, contributions_paid: int) -> Fraction | None:
    """Benefits paid ÷ contributions paid over the same period."""
    return ratio(claims_paid, contributions_paid)


def gap_exposure(gaps: pl.DataFrame, start: date, end: date, *, key: str = "person_id") -> pl.DataFrame:
    """GAP_EXPOSED and GAP_PERSON_DAYS: per person, the uncovered days inside ``[start, end)``.

    ``gaps`` comes from :func:`ucjamsostek.core.coverage.person_gaps` computed with ``as_of=end``
    (so a gap still open at the period's end reaches its last day, and days after a death are
    already cut). Returns ``key``, ``days`` (≥ 1) for every person with at least one such day.
    """
    lo, hi = pl.lit(start), pl.lit(end)
    return (
        gaps.lazy()
        .select(
            pl.col(key),
            pl.max_horizontal(pl.col("gap_start"), lo).alias("s"),
            pl.min_horizontal(pl.col("gap_end"), hi).alias("e"),
        )
        .filter(pl.col("s") < pl.col("e"))
        .group_by(key)
        .agg((pl.col("e") - pl.col("s")).dt.total_days().sum().cast(pl.Int64).alias("days"))
        .sort(key)
        .collect()
    )


def active_by_month(
    starts: Mapping[tuple[str, date], int],
    ends: Mapping[tuple[str, date], int],
    months: Iterable[Period],
    before: Mapping[str, int] | None = None,
) -> dict[tuple[str, str], int]:
    """Active counts per key and month end from monthly starts and ends.

    ``starts[(key, first_of_month)]`` — coverages starting in that month; ``ends[(key,
    first_of_month)]`` — coverages whose first uncovered day falls in that month; ``before[key]`` —
    coverages active on the day before the first month. Active at the last day of month *m* =
    before + starts up to *m* − ends up to *m*, where an end on the first day of the following month
    does not count for *m* (the selectors bucket ``coverage_end − 1 day``).

    Returns ``{(key, month_code): active}``.
    """
    months = list(months)
    keys = {k for k, _ in starts} | {k for k, _ in ends} | set(before or {})
    out: dict[tuple[str, str], int] = {}
    for key in keys:
        running = (before or {}).get(key, 0)
        for m in months:
            running += starts.get((key, m.start), 0) - ends.get((key, m.start), 0)
            out[(key, m.code)] = running
    return out


# --------------------------------------------------------------------------------------------------
# Areas
# --------------------------------------------------------------------------------------------------


def district_of(village_code: str) -> str:
    """``74.13.01.2008`` → ``74.13.01``."""
    return ".".join(village_code.split(".")[:3])


def regency_of(code: str) -> str:
    return ".".join(code.split(".")[:2])


def ancestors(code: str) -> list[str]:
    """The code and every coarser code: ``74.13.01.2008`` → [that, ``74.13.01``, ``74.13``, ``74``]."""
    parts = code.split(".")
    return [".".join(parts[:i]) for i in range(len(parts), 0, -1)]


def rollup(values: Mapping[str, int], within: str | None = None) -> dict[str, int]:
    """Sum per-village counts into every ancestor area (kecamatan, regency, province).

    ``within`` limits the result to codes inside that area (a desa operator's own desa).
    """
    out: dict[str, int] = {}
    for code, value in values.items():
        for anc in ancestors(code):
            out[anc] = out.get(anc, 0) + value
    if within:
        out = {c: v for c, v in out.items() if c == within or c.startswith(within + ".")}
    return out


def rollup_keyed(values: Mapping[tuple[str, str], int]) -> dict[tuple[str, str], int]:
    """Like :func:`rollup` for ``{(village, key): n}`` (key = segment, funder, month, …)."""
    out: dict[tuple[str, str], int] = {}
    for (code, key), value in values.items():
        for anc in ancestors(code):
            out[(anc, key)] = out.get((anc, key), 0) + value
    return out


@dataclass(frozen=True)
class AreaCoverage:
    code: str
    name: str
    active: int
    workers: int | None
    value: Fraction | None
    target: int | None = None

    @property
    def progress(self) -> Fraction | None:
        return progress(self.active, self.target)


def coverage_ranking(
    areas: Mapping[str, str],
    active: Mapping[str, int],
    workers: Mapping[str, int | None],
    targets: Mapping[str, int] | None = None,
) -> list[AreaCoverage]:
    """Coverage per area, the lowest first; areas with no data ("tidak ada data") last, by name.

    ``areas`` maps code → name (the areas to show, even with zero participants).
    """
    rows = [
        AreaCoverage(
            code=code,
            name=name,
            active=active.get(code, 0),
            workers=workers.get(code),
            value=coverage(active.get(code, 0), workers.get(code)),
            target=(targets or {}).get(code),
        )
        for code, name in areas.items()
    ]
    with_data = sorted((r for r in rows if r.value is not None), key=lambda r: (r.value, r.name))
    without = sorted((r for r in rows if r.value is None), key=lambda r: r.name)
    return with_data + without


# --------------------------------------------------------------------------------------------------
# Formatting (Bahasa Indonesia)
# --------------------------------------------------------------------------------------------------


def format_percent(value: Fraction | int | None, places: int = 1) -> str:
    """Fraction(1, 3) → ``"33,3%"``; ``None`` → ``"tidak ada data"``."""
    if value is None:
        return NO_DATA
    return f"{format_decimal(Fraction(value) * 100, places)}%"


def format_rupiah_words(amount: int, places: int = 2) -> str:
    """4960000000 → ``"Rp4,96 miliar"``; under a million the full amount."""
    return format_rupiah_short(amount, places)


def format_value(value: int | Fraction | None, unit: Unit | str) -> str:
    """An indicator value as people read it."""
    if value is None:
        return NO_DATA
    unit = Unit(unit)
    if unit is Unit.PERCENT:
        return format_percent(Fraction(value))
    if unit is Unit.RUPIAH:
        return format_rupiah(int(value))
    if isinstance(value, Fraction) and value.denominator != 1:
        return format_decimal(value, 1)
    return format_number(int(value))


def claims_sentence(count: int, amount: int) -> str:
    """``"Rp4,96 miliar dikembalikan kepada warga melalui 120 klaim"``."""
    return f"{format_rupiah_words(amount)} dikembalikan kepada warga melalui {format_number(count)} klaim"


def to_float(value: Fraction | int | None) -> float | None:
    return None if value is None else float(value)

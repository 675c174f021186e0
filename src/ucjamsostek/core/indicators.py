"""Monitoring indicators (Rakor Monev): definitions as data and pure formulas.

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

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from fractions import Fraction

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
# Indicator definitions
# --------------------------------------------------------------------------------------------------


class Unit(StrEnum):
    COUNT = "count"  # people, claims, rows
    PERCENT = "percent"  # a ratio shown ×100
    RUPIAH = "rupiah"


class Direction(StrEnum):
    UP = "up"  # higher is better
    DOWN = "down"  # lower is better
    NEUTRAL = "neutral"


@dataclass(frozen=True)
class IndicatorDef:
    """One monitored figure. ``formula`` names the computation (see ``FORMULAS``); ``source`` says
    in words which records it is computed from (shown on the trace page and in the report)."""

    code: str
    name_id: str
    name_en: str
    unit: Unit
    direction: Direction
    formula: str
    source: str
    breakdowns: tuple[str, ...] = ()
    sort_order: int = 0


INDICATORS: tuple[IndicatorDef, ...] = (
    IndicatorDef(
        "ACTIVE",
        "Peserta aktif",
        "Active participants",
        Unit.COUNT,
        Direction.UP,
        "count_active",
        "Kepesertaan berstatus aktif/berakhir yang masa perlindungannya mencakup hari terakhir periode.",
        ("segment", "funder"),
        10,
    ),
    IndicatorDef(
        "WORKERS",
        "Jumlah pekerja (penyebut)",
        "Workers (denominator)",
        Unit.COUNT,
        Direction.NEUTRAL,
        "input_workers",
        "Masukan per wilayah dengan sumber dan tahun datanya (DOMAIN.md §8).",
        (),
        20,
    ),
    IndicatorDef(
        "COVERAGE",
        "Cakupan kepesertaan",
        "Coverage",
        Unit.PERCENT,
        Direction.UP,
        "ratio:ACTIVE/WORKERS",
        "Peserta aktif ÷ jumlah pekerja wilayah.",
        (),
        30,
    ),
    IndicatorDef(
        "TARGET_PROGRESS",
        "Capaian target tahunan",
        "Progress to the yearly target",
        Unit.PERCENT,
        Direction.UP,
        "progress:ACTIVE",
        "Peserta aktif ÷ target peserta tahun berjalan (target per wilayah).",
        (),
        40,
    ),
    IndicatorDef(
        "BUDGET_ALLOCATED",
        "Anggaran dialokasikan",
        "Budget allocated",
        Unit.RUPIAH,
        Direction.NEUTRAL,
        "sum_allocated",
        "Nilai PKS/anggaran yang berlaku pada tahun periode.",
        (),
        50,
    ),
    IndicatorDef(
        "BILLED",
        "Iuran ditagihkan",
        "Contributions billed",
        Unit.RUPIAH,
        Direction.NEUTRAL,
        "sum_billed",
        "Jumlah baris tagihan BPJS untuk bulan-bulan dalam periode.",
        (),
        60,
    ),
    IndicatorDef(
        "PAID",
        "Iuran dibayar",
        "Contributions paid",
        Unit.RUPIAH,
        Direction.UP,
        "sum_paid",
        "Pembayaran (SP2D) untuk tagihan bulan-bulan dalam periode.",
        (),
        70,
    ),
    IndicatorDef(
        "ARREARS",
        "Tunggakan iuran",
        "Arrears",
        Unit.RUPIAH,
        Direction.DOWN,
        "arrears",
        "Ditagihkan − dibayar (tidak kurang dari nol).",
        (),
        80,
    ),
    IndicatorDef(
        "BUDGET_REALISATION",
        "Realisasi anggaran",
        "Budget realisation",
        Unit.PERCENT,
        Direction.UP,
        "ratio:PAID/BUDGET_ALLOCATED",
        "Dibayar ÷ dialokasikan.",
        (),
        90,
    ),
    IndicatorDef(
        "CLAIMS_COUNT",
        "Klaim dibayar (jumlah)",
        "Claims paid (count)",
        Unit.COUNT,
        Direction.NEUTRAL,
        "count_claims",
        "Klaim berstatus dibayar dengan tanggal bayar dalam periode.",
        ("claim_type",),
        100,
    ),
    IndicatorDef(
        "CLAIMS_AMOUNT",
        "Klaim dibayar (Rupiah)",
        "Claims paid (rupiah)",
        Unit.RUPIAH,
        Direction.NEUTRAL,
        "sum_claims",
        "Nominal klaim berstatus dibayar dengan tanggal bayar dalam periode.",
        ("claim_type",),
        110,
    ),
    IndicatorDef(
        "CLAIMS_RATIO",
        "Rasio klaim",
        "Claims ratio",
        Unit.PERCENT,
        Direction.NEUTRAL,
        "ratio:CLAIMS_AMOUNT/PAID",
        "Klaim dibayar ÷ iuran dibayar dalam periode.",
        (),
        120,
    ),
    IndicatorDef(
        "BSU_COUNT",
        "Penerima BSU",
        "Wage-subsidy recipients",
        Unit.COUNT,
        Direction.NEUTRAL,
        "count_bsu",
        "Penyaluran bantuan (BSU) berstatus tersalur dengan tanggal salur dalam periode.",
        (),
        130,
    ),
    IndicatorDef(
        "BSU_AMOUNT",
        "BSU tersalur (Rupiah)",
        "Wage subsidy paid (rupiah)",
        Unit.RUPIAH,
        Direction.NEUTRAL,
        "sum_bsu",
        "Nominal penyaluran bantuan (BSU) tersalur dalam periode.",
        (),
        140,
    ),
    IndicatorDef(
        "NOMINATIONS",
        "Usulan divalidasi",
        "Nominations screened",
        Unit.COUNT,
        Direction.NEUTRAL,
        "count_nominations",
        "Baris usulan dari berkas yang divalidasi dalam periode, menurut hasil (layak/diperiksa/ditolak).",
        ("status",),
        150,
    ),
    IndicatorDef(
        "GAP_EXPOSED",
        "Terpapar kesenjangan perlindungan",
        "People exposed by a coverage gap",
        Unit.COUNT,
        Direction.DOWN,
        "count_gap",
        "Penduduk hidup yang pernah terlindungi tetapi tidak terlindungi pada hari terakhir periode.",
        (),
        160,
    ),
)

INDICATOR_BY_CODE: dict[str, IndicatorDef] = {d.code: d for d in INDICATORS}

#: Indicators that have a yearly target (per area).
TARGETED = ("ACTIVE", "COVERAGE", "BUDGET_REALISATION")


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


def arrears(billed: int, paid: int) -> int:
    """What was billed and not (yet) paid; overpayment is not negative arrears."""
    return max(0, billed - paid)


def claims_ratio(claims_paid: int, contributions_paid: int) -> Fraction | None:
    """Benefits paid ÷ contributions paid over the same period."""
    return ratio(claims_paid, contributions_paid)


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

"""Projections: a multi-year target path with its cost, and the claims the programme can expect.

Everything is exact: people are integers, money is integer Rupiah, rates are fractions; rounding
happens once, when a figure is shown or stored, and is half-up.

Expected claims come from the programme's own history: per claim type, claims per 1.000
participant-years (``claims × 12.000 ÷ participant-months``) and the average benefit
(``paid ÷ claims``). The assumption is always returned with the figure so a page can show it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

import polars as pl

from ucjamsostek.core.errors import UserError
from ucjamsostek.core.money import (
    PPM,
    Rupiah,
    format_decimal,
    format_number,
    format_rupiah,
    format_rupiah_short,
    percent_to_ppm,
    round_half_up,
)
from ucjamsostek.core.rates import DEFAULT_PROGRAMMES, RateTable, load_rate_table


class ProjectionError(UserError):
    """Bad projection input; the message is in Bahasa Indonesia."""


@dataclass(frozen=True)
class YearPlan:
    year: int
    target: int  # people
    unit_cost: Rupiah  # one person, the whole year
    cost: Rupiah  # target × unit cost


def target_path(
    first_year: int = 2026,
    first_target: int = 10_000,
    last_year: int = 2030,
    growth_percent: str | int | Decimal = 0,
    growth_people: int = 0,
) -> list[tuple[int, int]]:
    """``[(2026, 10000), (2027, …), …]``: each year the previous target grown by ``growth_percent``
    (rounded half up to whole people) plus ``growth_people``."""
    if last_year < first_year:
        raise ProjectionError("Tahun akhir proyeksi harus sama dengan atau setelah tahun awal.")
    if first_target < 0 or growth_people < -first_target:
        raise ProjectionError("Target peserta tidak boleh negatif.")
    ppm = percent_to_ppm(growth_percent)
    path = [(first_year, first_target)]
    target = first_target
    for year in range(first_year + 1, last_year + 1):
        target = max(0, target + round_half_up(Fraction(target * ppm, PPM)) + growth_people)
        path.append((year, target))
    return path


def cost_path(
    path: Iterable[tuple[int, int]],
    category: str = "BPU",
    payer: str = "public",
    programmes: Sequence[str] = DEFAULT_PROGRAMMES,
    wage: Rupiah | None = None,
    table: RateTable | None = None,
) -> list[YearPlan]:
    """Cost of each year's target, covered January–December at the rates valid in each month."""
    rates = table if table is not None else load_rate_table()
    plans = []
    for year, target in path:
        unit = rates.coverage_cost(category, payer, date(year, 1, 1), 12, programmes, wage)
        plans.append(YearPlan(year=year, target=target, unit_cost=unit, cost=target * unit))
    return plans


# ------------------------------------------------------------------------------------- claims


@dataclass(frozen=True)
class ClaimExperience:
    claim_type: str  # JKK, JKM, BEASISWA, …
    claims: int
    paid: Rupiah
    participant_months: int

    @property
    def per_1000_participant_years(self) -> Fraction:
        if self.participant_months <= 0:
            return Fraction(0)
        return Fraction(self.claims * 12_000, self.participant_months)

    @property
    def average_benefit(self) -> Rupiah:
        return round_half_up(Fraction(self.paid, self.claims)) if self.claims else 0


@dataclass(frozen=True)
class ExpectedClaims:
    claim_type: str
    participant_months: int
    claims: Fraction
    amount: Rupiah


def exposure_months(coverages: pl.DataFrame, as_of: date) -> int:
    """Participant-months in coverage periods ``start``..``end`` (end exclusive, null = still
    running) up to ``as_of``; a started month counts whole."""
    if coverages.height == 0:
        return 0
    end = pl.min_horizontal(pl.col("end").fill_null(pl.lit(as_of)), pl.lit(as_of))
    months = (
        (end.dt.year().cast(pl.Int64) - pl.col("start").dt.year().cast(pl.Int64)) * 12
        + end.dt.month().cast(pl.Int64)
        - pl.col("start").dt.month().cast(pl.Int64)
        + (end.dt.day().cast(pl.Int64) > pl.col("start").dt.day().cast(pl.Int64)).cast(pl.Int64)
    )
    total = coverages.select(pl.when(months > 0).then(months).otherwise(0).sum()).item()
    return int(total or 0)


def claim_experience(claims: pl.DataFrame, participant_months: int) -> list[ClaimExperience]:
    """Per claim type (column ``claim_type``) the count and the sum of ``amount`` (paid claims)."""
    if participant_months < 0:
        raise ProjectionError("Jumlah peserta-bulan tidak boleh negatif.")
    if claims.height == 0:
        return []
    grouped = (
        claims.group_by("claim_type")
        .agg(pl.len().alias("n"), pl.col("amount").cast(pl.Int64).sum().alias("paid"))
        .sort("claim_type")
    )
    return [
        ClaimExperience(claim_type=t, claims=int(n), paid=int(p), participant_months=participant_months)
        for t, n, p in grouped.iter_rows()
    ]


def expected_claims(participant_months: int, experience: Iterable[ClaimExperience]) -> list[ExpectedClaims]:
    """What ``participant_months`` of coverage can expect, type by type, at the historical rates."""
    out = []
    for exp in experience:
        if exp.participant_months <= 0:
            continue
        n = Fraction(exp.claims * participant_months, exp.participant_months)
        amount = round_half_up(Fraction(exp.paid * participant_months, exp.participant_months))
        out.append(ExpectedClaims(exp.claim_type, participant_months, n, amount))
    return out


def monthly_cost(
    on: date,
    category: str = "BPU",
    payer: str = "public",
    programmes: Sequence[str] = DEFAULT_PROGRAMMES,
    wage: Rupiah | None = None,
    table: RateTable | None = None,
) -> Rupiah:
    rates = table if table is not None else load_rate_table()
    return rates.monthly_contribution(category, payer, on, programmes, wage)


@dataclass(frozen=True)
class ClaimsOutlook:
    contributions: Rupiah
    participant_months: int
    by_type: list[ExpectedClaims]
    assumption: str
    sentence: str

    @property
    def claims(self) -> Fraction:
        return sum((e.claims for e in self.by_type), Fraction(0))

    @property
    def amount(self) -> Rupiah:
        return sum(e.amount for e in self.by_type)


def assumption_text(experience: Sequence[ClaimExperience]) -> str:
    if not experience:
        return "Belum ada riwayat klaim program; perkiraan klaim belum dapat dihitung."
    months = experience[0].participant_months
    parts = [
        f"{e.claim_type}: {format_number(e.claims)} klaim senilai {format_rupiah(e.paid)} "
        f"({format_decimal(e.per_1000_participant_years, 1)} per 1.000 peserta-tahun, "
        f"rata-rata {format_rupiah(e.average_benefit)})"
        for e in experience
    ]
    years = format_decimal(Fraction(months, 12), 0)
    return f"Berdasarkan riwayat program selama {years} peserta-tahun — " + "; ".join(parts) + "."


def claims_for_contributions(
    contributions: Rupiah,
    unit_monthly_cost: Rupiah,
    experience: Sequence[ClaimExperience],
) -> ClaimsOutlook:
    """ "For Rp2,0 miliar of contributions, residents can expect about N claims worth about Rp M"."""
    if contributions < 0:
        raise ProjectionError("Nilai iuran tidak boleh negatif.")
    if unit_monthly_cost <= 0:
        raise ProjectionError("Iuran per orang per bulan harus lebih dari nol.")
    months = contributions // unit_monthly_cost
    by_type = expected_claims(months, experience)
    total_n = sum((e.claims for e in by_type), Fraction(0))
    total_amount = sum(e.amount for e in by_type)
    if by_type:
        sentence = (
            f"Dengan iuran {format_rupiah_short(contributions)}, peserta dapat memperkirakan sekitar "
            f"{format_decimal(total_n, 1)} klaim senilai sekitar {format_rupiah_short(total_amount)}."
        )
    else:
        sentence = "Perkiraan klaim belum tersedia karena belum ada riwayat klaim program."
    return ClaimsOutlook(contributions, months, by_type, assumption_text(experience), sentence)

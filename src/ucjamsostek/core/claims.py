"""Claim analytics (klaim JKK, JKM, beasiswa): counts and rupiah by a dimension, the claims
ratio per year, and the time from incident to payment.

Frames: ``claims`` has ``type``, ``incident_date``, ``paid_date`` (Date or null), ``amount``
(Int64 rupiah paid, 0/null when unpaid) and whatever dimensions are grouped on (``month``,
``district``, ``occupation``…). Ratios are exact fractions; percentages are formatted text.
"""

from __future__ import annotations

from fractions import Fraction

import polars as pl

from ucjamsostek.core.money import format_decimal

CLAIM_TYPES: dict[str, str] = {"JKK": "Jaminan Kecelakaan Kerja", "JKM": "Jaminan Kematian", "BEASISWA": "Beasiswa"}

#: Claim type spellings found in BPJS files → code.
TYPE_ALIASES: dict[str, str] = {
    "jkk": "JKK", "kecelakaankerja": "JKK", "jaminankecelakaankerja": "JKK",
    "jkm": "JKM", "kematian": "JKM", "jaminankematian": "JKM",
    "beasiswa": "BEASISWA", "beasiswapendidikan": "BEASISWA", "beasiswaanak": "BEASISWA",
}  # fmt: skip


def by_dimension(claims: pl.DataFrame, dimension: str) -> pl.DataFrame:
    """``dimension``, ``claims`` (count), ``paid_claims``, ``amount`` (rupiah paid), largest first."""
    return (
        claims.group_by(dimension)
        .agg(
            pl.len().cast(pl.Int64).alias("claims"),
            pl.col("paid_date").is_not_null().sum().cast(pl.Int64).alias("paid_claims"),
            pl.col("amount").fill_null(0).sum().cast(pl.Int64).alias("amount"),
        )
        .sort(["amount", dimension], descending=[True, False], nulls_last=True)
    )


def with_month(claims: pl.DataFrame, column: str = "incident_date") -> pl.DataFrame:
    """Adds ``month`` (``YYYY-MM`` of ``column``)."""
    return claims.with_columns(pl.col(column).dt.strftime("%Y-%m").alias("month"))


def claims_ratio(claims: pl.DataFrame, contributions: pl.DataFrame) -> pl.DataFrame:
    """Per year: benefits paid (by year of payment) ÷ contributions paid (``contributions`` has
    ``year`` and ``amount``). Columns ``year``, ``benefits``, ``contributions``, ``ratio_percent``
    (text, one decimal, empty when nothing was paid in)."""
    benefits = (
        claims.filter(pl.col("paid_date").is_not_null())
        .group_by(pl.col("paid_date").dt.year().cast(pl.Int32).alias("year"))
        .agg(pl.col("amount").fill_null(0).sum().cast(pl.Int64).alias("benefits"))
    )
    paid_in = contributions.group_by(pl.col("year").cast(pl.Int32)).agg(
        pl.col("amount").sum().cast(pl.Int64).alias("contributions")
    )
    frame = (
        benefits.join(paid_in, on="year", how="full", coalesce=True)
        .with_columns(pl.col("benefits", "contributions").fill_null(0))
        .sort("year")
    )
    ratios = [
        format_decimal(Fraction(b * 100, c), 1) if c else ""
        for b, c in zip(frame["benefits"].to_list(), frame["contributions"].to_list(), strict=True)
    ]
    return frame.with_columns(pl.Series("ratio_percent", ratios, dtype=pl.Utf8))


def payment_lag(claims: pl.DataFrame) -> dict[str, int | None]:
    """Days from incident to payment over paid claims: ``count``, ``median``, ``p90``, ``max``
    (whole days, nearest-rank percentiles)."""
    days = sorted(
        claims.filter(pl.col("paid_date").is_not_null() & pl.col("incident_date").is_not_null())
        .select((pl.col("paid_date") - pl.col("incident_date")).dt.total_days())
        .to_series()
        .to_list()
    )
    if not days:
        return {"count": 0, "median": None, "p90": None, "max": None}

    def rank(p: int) -> int:
        return int(days[max(0, -(-len(days) * p // 100) - 1)])

    return {"count": len(days), "median": rank(50), "p90": rank(90), "max": int(days[-1])}

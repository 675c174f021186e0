"""Arrears (tunggakan) per billed month and the BPU 3-month limit (DOMAIN.md §1).

A BPU participant may pay up to 3 months late; after more than 3 consecutive unpaid months the
membership ends. For a bill of month ``P`` that is not fully paid, the number of months it is late
on ``today`` is ``month(today) − P``. The limit is a parameter (default 3, the BPJS rule), so:

* ``paid`` — nothing outstanding;
* ``outstanding`` — unpaid, fewer than ``limit`` months late;
* ``warning`` — exactly ``limit`` months late: this is the last month to pay, the membership of
  the BPU participants on that bill ends on ``deadline`` (first day of ``P + limit + 1``);
* ``lapsed`` — more than ``limit`` months late: the membership has ended.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from ucjamsostek.core.rates import add_months

ARREARS_LIMIT_MONTHS = 3

STATUS_LABELS: dict[str, str] = {
    "paid": "Lunas",
    "outstanding": "Belum lunas",
    "warning": "Batas tunggakan bulan ini",
    "lapsed": "Melewati batas tunggakan",
}


def _month_index(col: pl.Expr) -> pl.Expr:
    return col.dt.year().cast(pl.Int64) * 12 + col.dt.month().cast(pl.Int64) - 1


def arrears(
    bills: pl.DataFrame,
    payments: pl.DataFrame,
    today: date,
    *,
    limit: int = ARREARS_LIMIT_MONTHS,
) -> pl.DataFrame:
    """Per billed month: ``period``, ``due``, ``paid``, ``outstanding``, ``months_late``,
    ``status``, ``deadline``.

    ``bills`` has ``period`` (Date, first of month) and ``due`` (Int64 rupiah the regency owes for
    that month, e.g. the reconciled payable amount); ``payments`` has ``period`` and ``amount``.
    Several bills or payments for one month add up. An overpaid month has ``outstanding`` 0.
    """
    due = bills.group_by("period").agg(pl.col("due").sum().cast(pl.Int64))
    paid = payments.group_by("period").agg(pl.col("amount").sum().cast(pl.Int64).alias("paid"))
    now = today.year * 12 + today.month - 1
    frame = (
        due.join(paid, on="period", how="full", coalesce=True)
        .with_columns(pl.col("due", "paid").fill_null(0))
        .with_columns(
            pl.max_horizontal(pl.col("due") - pl.col("paid"), pl.lit(0)).cast(pl.Int64).alias("outstanding"),
            (pl.lit(now) - _month_index(pl.col("period"))).alias("months_late"),
        )
        .with_columns(
            pl.when(pl.col("outstanding") == 0)
            .then(pl.lit("paid"))
            .when(pl.col("months_late") > limit)
            .then(pl.lit("lapsed"))
            .when(pl.col("months_late") == limit)
            .then(pl.lit("warning"))
            .otherwise(pl.lit("outstanding"))
            .alias("status")
        )
        .sort("period")
    )
    deadlines = [add_months(p, limit + 1) for p in frame["period"].to_list()]
    return frame.with_columns(pl.Series("deadline", deadlines, dtype=pl.Date)).select(
        "period", "due", "paid", "outstanding", "months_late", "status", "deadline"
    )

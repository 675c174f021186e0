"""The account of each bill: what is due, what settled it, arrears (tunggakan), over-payment
(kelebihan bayar) and the BPU 3-month limit (DOMAIN.md §1). One computation for every figure
that says "arrears": ``billing arrears`` (text and ``--json``), the bills page, the dashboard,
the API and the Rakor Monev "Tunggakan" all read :func:`bill_accounts` through
``billing.selectors.bill_accounts``.

Inputs (frames, integer rupiah):

* ``bills``: ``bill`` (id), ``period`` (Date, first of the billed month), ``due`` — the bill's
  **payable** amount (reconciliation's payable lines: never a line it rejected, such as a
  BILLED_TWICE repeat or a line after a death);
* ``payments``: ``bill``, ``paid_on`` (the SP2D date), ``amount``;
* ``credits``: ``source``, ``target`` (bill ids), ``applied_on``, ``amount`` — an over-payment
  of ``source`` set against the later bill ``target``.

A bill is settled by its payments plus the credit set against it, less the credit taken from
it: ``settled = paid + credit_in − credit_out``; ``outstanding = max(due − settled, 0)`` is its
arrears and ``credit = max(settled − due, 0)`` the over-payment still available. Only what
happened up to ``today`` counts (a payment dated later is not yet made).

Status, in the order the code applies it:

* ``overpaid`` — more was paid than is payable: a credit, flagged, never shown as "Lunas";
* ``paid`` — nothing outstanding;
* ``lapsed`` — unpaid more than ``limit`` months after its month (``months_late`` =
  month(today) − month(period) > limit): the BPU memberships on it ended on ``deadline``;
* ``warning`` — exactly ``limit`` months late: the last month to pay; unpaid, the BPU
  memberships end on ``deadline``, the first day of ``period + limit + 1`` months;
* ``outstanding`` — unpaid, within the limit.

The limit is a parameter (default 3, the BPJS rule: a BPU participant may pay up to 3 months
late; after more than 3 consecutive unpaid months the membership ends — a month still unpaid at
``deadline`` has been followed by ``limit`` further months, since BPJS applies a payment to the
oldest month first). ``lapses`` is true when the bill was not settled by the day before its
deadline and that day has come: what ``billing.services.apply_lapse`` ends memberships for.
Paying within the limit (an SP2D dated before the deadline, or a credit applied before it)
prevents it.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from ucjamsostek.core.rates import add_months

ARREARS_LIMIT_MONTHS = 3

OVERPAID = "overpaid"
PAID = "paid"
LAPSED = "lapsed"
WARNING = "warning"
OUTSTANDING = "outstanding"

STATUS_LABELS: dict[str, str] = {
    OVERPAID: "Lebih bayar (kredit)",
    PAID: "Lunas",
    OUTSTANDING: "Belum lunas",
    WARNING: "Batas tunggakan bulan ini",
    LAPSED: "Melewati batas tunggakan",
}

BILLS_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {"bill": pl.Int64, "period": pl.Date, "due": pl.Int64}
PAYMENTS_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "bill": pl.Int64,
    "paid_on": pl.Date,
    "amount": pl.Int64,
}
CREDITS_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "source": pl.Int64,
    "target": pl.Int64,
    "applied_on": pl.Date,
    "amount": pl.Int64,
}
COLUMNS = (
    "bill",
    "period",
    "due",
    "paid",
    "credit_in",
    "credit_out",
    "settled",
    "outstanding",
    "credit",
    "months_late",
    "status",
    "deadline",
    "lapses",
)


def _month_index(col: pl.Expr) -> pl.Expr:
    return col.dt.year().cast(pl.Int64) * 12 + col.dt.month().cast(pl.Int64) - 1


def _sum_by(frame: pl.DataFrame, key: str, name: str) -> pl.DataFrame:
    return frame.group_by(key).agg(pl.col("amount").sum().cast(pl.Int64).alias(name)).rename({key: "bill"})


def _settled_before(
    bills: pl.DataFrame, payments: pl.DataFrame, credits: pl.DataFrame, day_col: str
) -> pl.DataFrame:
    """Per bill, what settled it strictly before the date in column ``day_col`` of ``bills``."""
    keys = bills.select("bill", pl.col(day_col).alias("_until"))
    paid = payments.join(keys, on="bill").filter(pl.col("paid_on") < pl.col("_until"))
    cin = credits.join(keys, left_on="target", right_on="bill").filter(pl.col("applied_on") < pl.col("_until"))
    cout = credits.join(keys, left_on="source", right_on="bill").filter(pl.col("applied_on") < pl.col("_until"))
    return (
        bills.select("bill")
        .join(_sum_by(paid, "bill", "p"), on="bill", how="left")
        .join(_sum_by(cin, "target", "i"), on="bill", how="left")
        .join(_sum_by(cout, "source", "o"), on="bill", how="left")
        .select("bill", (pl.col("p").fill_null(0) + pl.col("i").fill_null(0) - pl.col("o").fill_null(0)).alias(day_col))
    )


def bill_accounts(
    bills: pl.DataFrame,
    payments: pl.DataFrame,
    credits: pl.DataFrame,
    today: date,
    *,
    limit: int = ARREARS_LIMIT_MONTHS,
) -> pl.DataFrame:
    """One row per bill, in period order: :data:`COLUMNS` (see the module doc)."""
    bills = bills.select(pl.col(c).cast(t) for c, t in BILLS_SCHEMA.items())
    payments = payments.select(pl.col(c).cast(t) for c, t in PAYMENTS_SCHEMA.items()).filter(
        pl.col("paid_on") <= today
    )
    credits = credits.select(pl.col(c).cast(t) for c, t in CREDITS_SCHEMA.items()).filter(
        pl.col("applied_on") <= today
    )
    now = today.year * 12 + today.month - 1
    deadlines = [add_months(p, limit + 1) for p in bills["period"].to_list()]
    frame = (
        bills.with_columns(pl.Series("deadline", deadlines, dtype=pl.Date))
        .join(_sum_by(payments, "bill", "paid"), on="bill", how="left")
        .join(_sum_by(credits, "target", "credit_in"), on="bill", how="left")
        .join(_sum_by(credits, "source", "credit_out"), on="bill", how="left")
        .with_columns(pl.col("paid", "credit_in", "credit_out").fill_null(0))
        .with_columns((pl.col("paid") + pl.col("credit_in") - pl.col("credit_out")).alias("settled"))
    )
    by_deadline = _settled_before(frame, payments, credits, "deadline").rename({"deadline": "by_deadline"})
    frame = (
        frame.join(by_deadline, on="bill", how="left")
        .with_columns(
            pl.max_horizontal(pl.col("due") - pl.col("settled"), pl.lit(0)).cast(pl.Int64).alias("outstanding"),
            pl.max_horizontal(pl.col("settled") - pl.col("due"), pl.lit(0)).cast(pl.Int64).alias("credit"),
            (pl.lit(now) - _month_index(pl.col("period"))).alias("months_late"),
        )
        .with_columns(
            pl.when(pl.col("credit") > 0)
            .then(pl.lit(OVERPAID))
            .when(pl.col("outstanding") == 0)
            .then(pl.lit(PAID))
            .when(pl.col("months_late") > limit)
            .then(pl.lit(LAPSED))
            .when(pl.col("months_late") == limit)
            .then(pl.lit(WARNING))
            .otherwise(pl.lit(OUTSTANDING))
            .alias("status"),
            ((pl.col("deadline") <= today) & (pl.col("by_deadline") < pl.col("due"))).alias("lapses"),
        )
        .sort("period", "bill")
    )
    return frame.select(COLUMNS)


def arrears_total(accounts: pl.DataFrame) -> int:
    """The arrears of the bills in ``accounts`` (:func:`bill_accounts`): the sum of ``outstanding``;
    an over-paid bill does not lower another bill's arrears until its credit is applied to it."""
    return int(accounts["outstanding"].sum() or 0)

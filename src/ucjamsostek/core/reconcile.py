"""Reconciliation of a BPJS monthly bill (tagihan) against the roster and the rates (DESIGN.md §5.4).

Inputs are Polars frames:

* ``bill`` — one row per bill line: ``line`` (row as the user sees it), ``nik``, ``period`` (Date,
  first day of the billed month), ``amount`` (Int64 rupiah billed);
* ``roster`` — one row per coverage period (enrollment): ``nik``, ``start``, ``end`` (Date,
  ``[start, end)``, null = open), ``category`` (BPU/PU), ``payer`` (public/other),
  ``programmes`` (``"JKK+JKM"``), ``wage`` (Int64, null = the rate's own base), ``death_date``
  (Date or null); optional ``enrollment_id``;
* ``earlier`` (optional) — the ledger: lines of the bills imported before this one (DESIGN.md
  §5.4, "Bills form one ledger of (person, programme, month)"): ``nik``, ``period`` (the month
  that line billed), ``bill`` (Int64, the bills' import order), ``bill_period`` (Date, that
  bill's own period), ``bill_number`` (Utf8) and ``line``. Only rows whose (nik, period) this
  bill also bills, or whose period is the reconciled one, matter; others are ignored.

A person is *on the roster* when any roster row carries the NIK; the month is *covered* when one
of the person's periods overlaps it. The expected amount of a covered month is the contribution
of the rate rows valid on the month's first day (:mod:`ucjamsostek.core.rates`), never a literal.

Each bill line gets the first class that applies, after MATCHED is ruled out, in this order:
NOT_ON_ROSTER, BILLED_TWICE, BILLED_AFTER_DEATH (the month starts after the death date),
OUTSIDE_COVERAGE, AMOUNT_MISMATCH.

BILLED_TWICE: the person and month were already billed by an earlier line — of an earlier bill
in ``earlier`` (the first of them in (bill, line) order is the one repeated), else an earlier line
of this bill (the first line of that NIK and month). The person and month are the key whatever the
``Program`` text says: a line bills the person's whole monthly contribution (``expected`` is the
rate of all the enrollment's programmes), so a repeat with the programmes spelt differently is
still a repeat. A BILLED_TWICE line names what it repeats in ``repeats_period`` (the repeated
bill's period; this bill's ``period`` for a repeat inside the file), ``repeats_number`` (its
number, ``number`` for this bill) and ``repeats_line``; these are null on every other line.

Every roster person covered in the reconciled period, alive on its first day and billed for it
neither by this bill nor by an earlier one gets a NOT_BILLED line.

``billed``/``expected``/``difference`` are integer rupiah: ``expected`` is what the regency
owes for the line (0 for a line it must not pay), and ``difference = billed − expected`` is the
line's rupiah impact.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from ucjamsostek.core.errors import UserError
from ucjamsostek.core.rates import RateError, RateTable, add_months, month_start

MATCHED = "MATCHED"
NOT_ON_ROSTER = "NOT_ON_ROSTER"
NOT_BILLED = "NOT_BILLED"
BILLED_AFTER_DEATH = "BILLED_AFTER_DEATH"
BILLED_TWICE = "BILLED_TWICE"
AMOUNT_MISMATCH = "AMOUNT_MISMATCH"
OUTSIDE_COVERAGE = "OUTSIDE_COVERAGE"

#: Stable order for reports.
CLASSES: tuple[str, ...] = (
    MATCHED,
    NOT_ON_ROSTER,
    BILLED_TWICE,
    BILLED_AFTER_DEATH,
    OUTSIDE_COVERAGE,
    AMOUNT_MISMATCH,
    NOT_BILLED,
)

CLASS_LABELS: dict[str, str] = {
    MATCHED: "Sesuai",
    NOT_ON_ROSTER: "Ditagih, tidak ada di daftar peserta",
    NOT_BILLED: "Peserta, tidak ditagih",
    BILLED_AFTER_DEATH: "Ditagih setelah meninggal",
    BILLED_TWICE: "Ditagih dua kali",
    AMOUNT_MISMATCH: "Nominal berbeda dari tarif",
    OUTSIDE_COVERAGE: "Ditagih di luar masa perlindungan",
}

#: Columns of ``reconciliation.csv`` (DESIGN.md §5.4): the six of the contract, then the three
#: appended for a BILLED_TWICE line (which bill and line it repeats).
CSV_COLUMNS: tuple[str, ...] = (
    "line",
    "nik",
    "class",
    "billed",
    "expected",
    "difference",
    "repeats_period",
    "repeats_number",
    "repeats_line",
)

_OUT_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "line": pl.Int64,
    "nik": pl.Utf8,
    "class": pl.Utf8,
    "billed": pl.Int64,
    "expected": pl.Int64,
    "difference": pl.Int64,
    "period": pl.Date,
    "enrollment_id": pl.Int64,
    "repeats_period": pl.Date,
    "repeats_number": pl.Utf8,
    "repeats_line": pl.Int64,
}

_EARLIER_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "nik": pl.Utf8,
    "period": pl.Date,
    "bill": pl.Int64,
    "bill_period": pl.Date,
    "bill_number": pl.Utf8,
    "line": pl.Int64,
}


class ReconcileError(UserError):
    """Reconciliation cannot be computed (e.g. no rate for a covered month); Indonesian message."""


def _expected_table(keys: pl.DataFrame, rates: RateTable) -> pl.DataFrame:
    """Monthly contribution per distinct (category, payer, programmes, wage, month)."""
    out: list[int] = []
    for rec in keys.iter_rows(named=True):
        programmes = [p for p in str(rec["programmes"]).split("+") if p]
        try:
            out.append(rates.monthly_contribution(rec["category"], rec["payer"], rec["month"], programmes, rec["wage"]))
        except RateError as exc:
            raise ReconcileError(
                f"Tarif iuran untuk bulan {rec['month']:%m/%Y} ({rec['category']}, {'+'.join(programmes)}) "
                f"tidak dapat dihitung: {exc}"
            ) from exc
    return keys.with_columns(pl.Series("rate", out, dtype=pl.Int64))


def _normalise_roster(roster: pl.DataFrame) -> pl.DataFrame:
    cols = roster.columns
    return roster.select(
        pl.col("nik").cast(pl.Utf8),
        pl.col("start").cast(pl.Date),
        pl.col("end").cast(pl.Date),
        pl.col("category").cast(pl.Utf8),
        pl.col("payer").cast(pl.Utf8),
        pl.col("programmes").cast(pl.Utf8),
        (pl.col("wage") if "wage" in cols else pl.lit(None)).cast(pl.Int64).alias("wage"),
        (pl.col("death_date") if "death_date" in cols else pl.lit(None)).cast(pl.Date).alias("death_date"),
        (pl.col("enrollment_id") if "enrollment_id" in cols else pl.lit(None)).cast(pl.Int64).alias("enrollment_id"),
    )


def _first_earlier(earlier: pl.DataFrame | None) -> pl.LazyFrame:
    """Per (nik, month) of the ledger: the first earlier line, as ``repeats_*`` columns."""
    if earlier is None:
        earlier = pl.DataFrame(schema=_EARLIER_SCHEMA)
    return (
        earlier.lazy()
        .select(
            pl.col("nik").cast(pl.Utf8),
            pl.col("period").cast(pl.Date).dt.month_start().alias("month"),
            pl.col("bill").cast(pl.Int64),
            pl.col("bill_period").cast(pl.Date).alias("repeats_period"),
            pl.col("bill_number").cast(pl.Utf8).fill_null("").alias("repeats_number"),
            pl.col("line").cast(pl.Int64).alias("repeats_line"),
        )
        .sort(["bill", "repeats_line"], maintain_order=True)
        .unique(["nik", "month"], keep="first", maintain_order=True)
        .drop("bill")
    )


def _covering(months: pl.LazyFrame, roster: pl.LazyFrame) -> pl.LazyFrame:
    """For each distinct (nik, month): the roster row covering that month (latest start wins,
    then the highest enrollment id)."""
    nxt = pl.col("month").dt.offset_by("1mo")
    return (
        months.join(roster, on="nik", how="inner")
        .filter((pl.col("start") < nxt) & (pl.col("end").is_null() | (pl.col("end") > pl.col("month"))))
        # the preferred row first, then the first row of each (nik, month): no sort on the NIK strings
        .sort(["start", "enrollment_id"], descending=True, nulls_last=True)
        .unique(["nik", "month"], keep="first", maintain_order=True)
    )


def reconcile(
    bill: pl.DataFrame,
    roster: pl.DataFrame,
    rates: RateTable,
    period: date,
    *,
    earlier: pl.DataFrame | None = None,
    number: str = "",
) -> pl.DataFrame:
    """Classify every bill line and add NOT_BILLED roster lines; see the module doc.

    Returns ``line, nik, class, billed, expected, difference, period, enrollment_id,
    repeats_period, repeats_number, repeats_line``: bill lines in line order, then NOT_BILLED
    lines by NIK. Set-based throughout (lazy Polars plans), so a bill of a million lines against
    a million-person roster and a ledger of earlier bills takes seconds.
    """
    period = month_start(period)
    r = _normalise_roster(roster)
    b = bill.select(
        pl.col("line").cast(pl.Int64),
        pl.col("nik").cast(pl.Utf8),
        pl.col("period").cast(pl.Date).dt.month_start().alias("month"),
        pl.col("amount").cast(pl.Int64).alias("billed"),
    ).sort("line", maintain_order=True)
    if b["billed"].null_count() or b["month"].null_count():
        raise ReconcileError("Baris tagihan tanpa periode atau nominal tidak dapat direkonsiliasi")

    rl, bl = r.lazy(), b.lazy()
    months_needed = pl.concat([bl.select("nik", "month"), rl.select("nik", pl.lit(period).alias("month"))]).unique()
    cover_rows, deaths = pl.collect_all(
        [_covering(months_needed, rl), rl.group_by("nik").agg(pl.col("death_date").min())]
    )
    keys = cover_rows.select("category", "payer", "programmes", "wage", "month").unique()
    cover = (
        cover_rows.lazy()
        .join(
            _expected_table(keys, rates).lazy(),
            on=["category", "payer", "programmes", "wage", "month"],
            how="left",
            nulls_equal=True,
        )
        .select("nik", "month", "rate", "enrollment_id")
    )

    ledger = _first_earlier(earlier)
    # what a line repeats: the first earlier bill's line for its NIK and month, else the first
    # line of this bill with them (lines are in line order, so that is the smallest)
    first_here = pl.col("line").min().over(["nik", "month"])
    here = pl.col("line") != first_here
    lines = (
        bl.join(ledger, on=["nik", "month"], how="left", maintain_order="left")
        .with_columns(
            pl.when(pl.col("repeats_line").is_null() & here)
            .then(pl.lit(period))
            .otherwise(pl.col("repeats_period"))
            .alias("repeats_period"),
            pl.when(pl.col("repeats_line").is_null() & here)
            .then(pl.lit(number))
            .otherwise(pl.col("repeats_number"))
            .alias("repeats_number"),
            pl.when(pl.col("repeats_line").is_null() & here)
            .then(first_here)
            .otherwise(pl.col("repeats_line"))
            .alias("repeats_line"),
        )
        .with_columns(pl.col("repeats_line").is_not_null().alias("_again"))
        .join(deaths.lazy(), on="nik", how="left", maintain_order="left")
        .with_columns(pl.col("nik").is_in(deaths["nik"].implode()).alias("_on_roster"))
        .join(cover, on=["nik", "month"], how="left", maintain_order="left")
    )
    cls = (
        pl.when(~pl.col("_on_roster"))
        .then(pl.lit(NOT_ON_ROSTER))
        .when(pl.col("_again"))
        .then(pl.lit(BILLED_TWICE))
        .when(pl.col("death_date").is_not_null() & (pl.col("death_date") < pl.col("month")))
        .then(pl.lit(BILLED_AFTER_DEATH))
        .when(pl.col("rate").is_null())
        .then(pl.lit(OUTSIDE_COVERAGE))
        .when(pl.col("billed") != pl.col("rate"))
        .then(pl.lit(AMOUNT_MISMATCH))
        .otherwise(pl.lit(MATCHED))
    )
    pays = pl.col("class").is_in([MATCHED, AMOUNT_MISMATCH])
    billed_part = lines.with_columns(cls.alias("class")).select(
        "line",
        "nik",
        "class",
        "billed",
        pl.when(pays).then(pl.col("rate")).otherwise(0).cast(pl.Int64).alias("expected"),
        pl.col("month").alias("period"),
        # the enrollment only for lines the regency pays for
        pl.when(pays).then(pl.col("enrollment_id")).alias("enrollment_id"),
        *(
            pl.when(pl.col("class") == BILLED_TWICE).then(pl.col(c)).alias(c)
            for c in ("repeats_period", "repeats_number", "repeats_line")
        ),
    )
    billed_now = (
        pl.concat([bl.select("nik", "month"), ledger.select("nik", "month")])
        .filter(pl.col("month") == pl.lit(period))
        .select("nik")
        .unique()
    )
    alive = pl.col("death_date").is_null() | (pl.col("death_date") >= pl.lit(period))
    not_billed = (
        cover.filter(pl.col("month") == pl.lit(period))
        .join(deaths.lazy(), on="nik", how="left")
        .filter(alive)
        .join(billed_now, on="nik", how="anti")
        .sort("nik")
        .select(
            pl.lit(None, dtype=pl.Int64).alias("line"),
            "nik",
            pl.lit(NOT_BILLED).alias("class"),
            pl.lit(0, dtype=pl.Int64).alias("billed"),
            pl.col("rate").alias("expected"),
            pl.col("month").alias("period"),
            "enrollment_id",
        )
    )
    out = pl.concat([billed_part, not_billed], how="diagonal_relaxed").with_columns(
        (pl.col("billed") - pl.col("expected")).alias("difference")
    )
    return out.select(list(_OUT_SCHEMA)).cast(_OUT_SCHEMA).collect()  # type: ignore[arg-type]


def summarise(result: pl.DataFrame) -> pl.DataFrame:
    """Per class (in :data:`CLASSES` order, every class present): ``lines``, ``billed``,
    ``expected``, ``difference`` — sums of the result's lines, so the totals always add up."""
    base = pl.DataFrame({"class": list(CLASSES), "_order": list(range(len(CLASSES)))})
    sums = result.group_by("class").agg(
        pl.len().cast(pl.Int64).alias("lines"),
        pl.col("billed").sum().cast(pl.Int64),
        pl.col("expected").sum().cast(pl.Int64),
        pl.col("difference").sum().cast(pl.Int64),
    )
    return (
        base.join(sums, on="class", how="left")
        .with_columns(pl.col("lines", "billed", "expected", "difference").fill_null(0))
        .sort("_order")
        .drop("_order")
    )


def totals(result: pl.DataFrame) -> dict[str, int]:
    """Whole-bill figures: billed, payable (expected of the bill's own lines), not billed, impact."""
    on_bill = result.filter(pl.col("line").is_not_null())
    return {
        "lines": on_bill.height,
        "billed": int(on_bill["billed"].sum()),
        "payable": int(on_bill["expected"].sum()),
        "overbilled": int(on_bill["difference"].sum()),
        "not_billed": int(result.filter(pl.col("class") == NOT_BILLED)["expected"].sum()),
        "difference": int(result["difference"].sum()),
    }


def next_month(day: date) -> date:
    return add_months(month_start(day), 1)

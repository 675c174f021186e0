"""Claims (klaim JKK, JKM, beasiswa): the checks a verifier makes on an imported claims file,
the dated table of fixed benefits, and the analytics (counts and rupiah by a dimension, the claims
ratio per year, the time from incident to payment).

Frames: ``claims`` has ``type``, ``incident_date``, ``paid_date`` (Date or null), ``amount``
(Int64 rupiah paid, 0/null when unpaid) and whatever dimensions are grouped on (``month``,
``district``, ``occupation``…). Ratios are exact fractions; percentages are formatted text.

:func:`check_claims` puts each line of a claims file against the claims already stored, the
registry's death dates and the benefit table. A line is one of three actions:

* ``UNCHANGED``: a stored claim has the same NIK, type, incident date, payment date and amount
  (the same file imported again; the n-th identical line matches the n-th identical claim);
* ``UPDATE``: the first stored claim of the same NIK, type and incident date is not paid yet, and
  this is the first other line of that key: the line completes it (the claim was in process);
* ``NEW``: anything else, stored as a claim of its own.

Flags (stable codes, in this order on a line; a flagged claim is stored but shown apart from the
totals, never merged into another claim):

| code | meaning |
|---|---|
| DUPLICATE | same NIK, type and incident date as an earlier claim (an earlier line, or a claim |
| | stored before) that the line does not update |
| SECOND_JKM | a JKM of a person who already has a JKM with another incident date (the first: |
| | the earliest stored, then the earliest line) |
| NOT_IN_REGISTRY | the NIK is not in the registry |
| AFTER_DEATH | incident date after the person's recorded death date |
| PAID_BEFORE_INCIDENT | payment date before the incident date |
| AMOUNT_MISMATCH | a type with a fixed benefit (JKM) paid another amount than the benefit table |
| | gives for the incident date |
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from functools import lru_cache
from importlib import resources

import polars as pl

from ucjamsostek.core.errors import UserError
from ucjamsostek.core.money import Rupiah, format_decimal

CLAIM_TYPES: dict[str, str] = {"JKK": "Jaminan Kecelakaan Kerja", "JKM": "Jaminan Kematian", "BEASISWA": "Beasiswa"}

#: Claim type spellings found in BPJS files → code.
TYPE_ALIASES: dict[str, str] = {
    "jkk": "JKK", "kecelakaankerja": "JKK", "jaminankecelakaankerja": "JKK",
    "jkm": "JKM", "kematian": "JKM", "jaminankematian": "JKM",
    "beasiswa": "BEASISWA", "beasiswapendidikan": "BEASISWA", "beasiswaanak": "BEASISWA",
}  # fmt: skip

FLAG_LABELS: dict[str, str] = {
    "DUPLICATE": "Klaim ganda (NIK, jenis dan tanggal kejadian sama dengan klaim sebelumnya)",
    "SECOND_JKM": "JKM kedua untuk orang yang sama",
    "NOT_IN_REGISTRY": "NIK tidak ada di data penduduk",
    "AFTER_DEATH": "Tanggal kejadian sesudah tanggal meninggal yang tercatat",
    "PAID_BEFORE_INCIDENT": "Tanggal bayar sebelum tanggal kejadian",
    "AMOUNT_MISMATCH": "Nominal berbeda dari tabel manfaat",
}
ACTIONS = ("NEW", "UPDATE", "UNCHANGED")


class ClaimsError(UserError):
    """A benefit table that cannot be used; Indonesian message."""


# ------------------------------------------------------------------------------ benefit table
@dataclass(frozen=True, slots=True)
class BenefitRow:
    """A fixed benefit (``benefit`` = claim type) valid from ``valid_from`` to ``valid_to``
    inclusive (empty = open), as ``core/data/benefit_amounts.csv`` holds it."""

    benefit: str
    valid_from: date
    valid_to: date | None
    amount: Rupiah
    legal_basis: str
    note: str = ""

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


BENEFIT_COLUMNS = ("benefit", "valid_from", "valid_to", "amount", "legal_basis", "note")


def parse_benefit_csv(text: str) -> tuple[BenefitRow, ...]:
    """The benefit table's csv text → rows; a bad cell or two rows of one benefit valid on the
    same day are refused with the line."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in BENEFIT_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ClaimsError(f"Tabel manfaat: kolom tidak ada: {', '.join(missing)}")
    rows: list[BenefitRow] = []
    for line, rec in enumerate(reader, start=2):
        try:
            row = BenefitRow(
                benefit=rec["benefit"].strip().upper(),
                valid_from=date.fromisoformat(rec["valid_from"].strip()),
                valid_to=date.fromisoformat(rec["valid_to"].strip()) if rec["valid_to"].strip() else None,
                amount=int(rec["amount"].strip()),
                legal_basis=rec["legal_basis"].strip(),
                note=(rec["note"] or "").strip(),
            )
        except ValueError as exc:
            raise ClaimsError(f"Tabel manfaat baris {line}: {exc}") from exc
        for other in rows:
            if other.benefit == row.benefit and other.valid_on(row.valid_from) | row.valid_on(other.valid_from):
                raise ClaimsError(f"Tabel manfaat baris {line}: {row.benefit} tumpang tindih dengan baris lain")
        rows.append(row)
    return tuple(rows)


@lru_cache(maxsize=1)
def benefit_table() -> tuple[BenefitRow, ...]:
    """The packaged table of fixed benefits (``core/data/benefit_amounts.csv``): the one place a
    benefit amount is read from."""
    text = resources.files("ucjamsostek.core").joinpath("data/benefit_amounts.csv").read_text("utf-8")
    return parse_benefit_csv(text)


def fixed_benefit(benefit: str, on: date, table: Sequence[BenefitRow] | None = None) -> BenefitRow | None:
    """The row of ``benefit`` valid on ``on`` (None when the benefit has no fixed amount then)."""
    return next(
        (r for r in (benefit_table() if table is None else table) if r.benefit == benefit and r.valid_on(on)), None
    )


def _expected_amount(rows: Sequence[BenefitRow]) -> pl.Expr:
    """The fixed benefit for each line's type on its incident date (null when none)."""
    expr: pl.Expr = pl.lit(None, dtype=pl.Int64)
    for r in reversed(rows):
        valid = (pl.col("type") == r.benefit) & (pl.col("incident_date") >= r.valid_from)
        if r.valid_to is not None:
            valid = valid & (pl.col("incident_date") <= r.valid_to)
        expr = pl.when(valid).then(pl.lit(r.amount, dtype=pl.Int64)).otherwise(expr)
    return expr


# ------------------------------------------------------------------------------ verifier checks
_KEY = ["nik", "type", "incident_date"]
_VALUES = [*_KEY, "paid_date", "amount"]


def check_claims(
    lines: pl.DataFrame,
    stored: pl.DataFrame,
    deaths: pl.DataFrame,
    benefits: Sequence[BenefitRow] | None = None,
) -> pl.DataFrame:
    """Action and flags per line of a claims file (see the module doc).

    ``lines``: ``row``, ``nik``, ``type`` (code), ``incident_date``, ``paid_date`` (Date or null),
    ``amount`` (Int64 or null). ``stored``: the claims already stored for these NIKs: ``claim_id``,
    ``nik``, ``type``, ``incident_date``, ``paid_date``, ``amount``. ``deaths``: one row per NIK in
    the registry: ``nik``, ``death_date`` (Date or null). Returns ``lines`` in their order with
    ``action``, ``claim_id`` (the stored claim an UPDATE or UNCHANGED line is, else null),
    ``expected_amount`` (the fixed benefit or null), ``amount`` with null as 0, and ``flags`` (list of codes; empty for
    UNCHANGED lines, whose claim keeps the flags it got).
    """
    benefits = benefit_table() if benefits is None else benefits
    # An unpaid amount is stored as 0: compare it so, or the same file imported again differs.
    lines = lines.with_columns(pl.col("amount").fill_null(0))
    stored = stored.with_columns(pl.col("amount").fill_null(0))
    occurrence = pl.int_range(pl.len()).over(_VALUES).alias("_occ")
    stored = stored.sort("claim_id")
    same = stored.with_columns(occurrence).select(*_VALUES, "_occ", pl.col("claim_id").alias("_same"))
    first = stored.group_by(_KEY).agg(
        pl.col("claim_id").first().alias("_first"), pl.col("paid_date").first().is_null().alias("_open")
    )
    frame = (
        lines.with_row_index("_i")
        .with_columns(occurrence)
        .join(same, on=[*_VALUES, "_occ"], how="left", nulls_equal=True, maintain_order="left")
        .join(first, on=_KEY, how="left", maintain_order="left")
    )
    consumed = frame["_same"].drop_nulls().unique().implode()
    rank = pl.int_range(pl.len()).over(pl.col("_same").is_null(), *_KEY)
    update = (
        pl.col("_same").is_null()
        & pl.col("_first").is_not_null()
        & pl.col("_open")
        & ~pl.col("_first").is_in(consumed)
        & (rank == 0)
    )
    frame = frame.with_columns(
        pl.when(pl.col("_same").is_not_null())
        .then(pl.lit("UNCHANGED"))
        .when(update)
        .then(pl.lit("UPDATE"))
        .otherwise(pl.lit("NEW"))
        .alias("action"),
        pl.coalesce("_same", pl.when(update).then(pl.col("_first"))).alias("claim_id"),
        (pl.col("_same").is_null() & ~update & (pl.col("_first").is_not_null() | (rank > 0))).alias("_dup"),
    )
    # The first JKM of each person: stored claims first (in the order they were stored), then lines.
    jkm = pl.concat(
        [
            stored.filter(pl.col("type") == "JKM").select(
                "nik", "incident_date", pl.lit(0).alias("_o1"), pl.col("claim_id").alias("_o2")
            ),
            frame.filter((pl.col("type") == "JKM") & (pl.col("action") == "NEW")).select(
                "nik", "incident_date", pl.lit(1).alias("_o1"), pl.col("_i").cast(pl.Int64).alias("_o2")
            ),
        ]
    )
    first_jkm = (
        jkm.sort("_o1", "_o2").group_by("nik", maintain_order=True).agg(pl.col("incident_date").first().alias("_jkm"))
    )
    frame = (
        frame.join(first_jkm, on="nik", how="left", maintain_order="left")
        .join(
            deaths.select("nik", "death_date", pl.lit(True).alias("_known")),
            on="nik",
            how="left",
            maintain_order="left",
        )
        .with_columns(_expected_amount(benefits).alias("expected_amount"))
    )
    paid = pl.col("paid_date").is_not_null() | (pl.col("amount").fill_null(0) > 0)
    checks: list[tuple[str, pl.Expr]] = [
        ("DUPLICATE", pl.col("_dup")),
        ("SECOND_JKM", (pl.col("type") == "JKM") & (pl.col("incident_date") != pl.col("_jkm"))),
        ("NOT_IN_REGISTRY", pl.col("_known").is_null()),
        ("AFTER_DEATH", pl.col("incident_date") > pl.col("death_date")),
        ("PAID_BEFORE_INCIDENT", pl.col("paid_date") < pl.col("incident_date")),
        (
            "AMOUNT_MISMATCH",
            pl.col("expected_amount").is_not_null()
            & paid
            & (pl.col("amount").fill_null(0) != pl.col("expected_amount")),
        ),
    ]
    live = pl.col("action") != "UNCHANGED"
    flags = pl.concat_list(
        [
            pl.when(live & cond.fill_null(False)).then(pl.lit([code])).otherwise(pl.lit([], dtype=pl.List(pl.Utf8)))
            for code, cond in checks
        ]
    )
    return (
        frame.sort("_i")
        .with_columns(flags.alias("flags"))
        .drop("_i", "_occ", "_same", "_first", "_open", "_dup", "_jkm", "death_date", "_known")
    )


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

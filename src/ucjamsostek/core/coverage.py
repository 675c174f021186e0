"""Coverage periods, gaps between agreements and "in force on a date" (DESIGN.md §6).

Coverage is a half-open period ``[start, end)`` per person: ``end`` is the first day *not*
covered, ``None`` means open-ended. Everything here works on whole Polars frames:

* :func:`person_gaps` — per person, the uncovered days between two coverage periods (e.g. the old
  PKS ended 1 January 2025 and the new one started 1 July 2025: a gap ``[2025-01-01, 2025-07-01)``
  of 181 days), and optionally the open gap after the last period up to an as-of date;
* :func:`in_force` — for each ``(key, day)`` the coverage period in force on that day, if any;
* :func:`events_in_gaps` — events (claims) whose date falls in a person's gap;
* :func:`ended_not_resumed` — people whose cover ended and never resumed (listed apart from the
  gaps between two periods);
* :func:`agreements_ending_without_successor`, :func:`agreements_with_late_successor` and
  :func:`enrollments_without_agreement` — the agreement warnings;
* :func:`last_day` — the inclusive last day shown for an exclusive end (31-12-2024, not 01-01-2025).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import polars as pl

#: Stand-in for an open end (``None``) inside computations; never shown.
OPEN_END = date(9999, 12, 31)


@dataclass(frozen=True, slots=True)
class Period:
    """``[start, end)``; ``end=None`` is open."""

    start: date
    end: date | None = None

    def __post_init__(self) -> None:
        if self.end is not None and self.end <= self.start:
            raise ValueError(f"Akhir periode ({self.end}) harus setelah awalnya ({self.start})")

    def contains(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)

    @property
    def days(self) -> int | None:
        return None if self.end is None else (self.end - self.start).days

    @property
    def last_day(self) -> date | None:
        """The last covered day (inclusive), as people say it."""
        return None if self.end is None else last_day(self.end)


def last_day(end: date) -> date:
    """The last day of a period whose (exclusive) ``end`` is given: what people write and read
    (a PKS "until 31-12-2024" has ``end`` 2025-01-01). Every date shown as the end of coverage or
    of an agreement goes through here."""
    return end - timedelta(days=1)


def _closed(end: pl.Expr) -> pl.Expr:
    return end.fill_null(pl.lit(OPEN_END))


def person_gaps(
    periods: pl.DataFrame,
    *,
    key: str = "person_id",
    as_of: date | None = None,
    deaths: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Uncovered days of each person between coverage periods.

    ``periods`` has ``key``, ``start`` (Date) and ``end`` (Date, null = open). Overlapping or
    touching periods merge. Returns ``key``, ``gap_start``, ``gap_end`` (first covered day again,
    or ``as_of`` for an open gap), ``days``, ``open`` (true when the person is still uncovered on
    ``as_of``). Open gaps are only reported when ``as_of`` is given; a gap that starts on or after
    ``as_of`` is not reported. ``deaths`` (``key``, ``death_date``) ends a gap on the death date:
    nobody is "unprotected" after death.
    """
    schema: dict[str, Any] = {
        key: periods.schema[key],
        "gap_start": pl.Date,
        "gap_end": pl.Date,
        "days": pl.Int64,
        "open": pl.Boolean,
    }
    if periods.height == 0:
        return pl.DataFrame(schema=schema)
    p = (
        periods.lazy()
        .select(pl.col(key), pl.col("start"), _closed(pl.col("end")).alias("end"))
        .sort([key, "start", "end"])
        .with_columns(pl.col("end").cum_max().over(key).alias("_reach"))
        .with_columns(pl.col("_reach").shift(1).over(key).alias("_prev_reach"))
    )
    inner = p.filter(pl.col("_prev_reach").is_not_null() & (pl.col("start") > pl.col("_prev_reach"))).select(
        pl.col(key),
        pl.col("_prev_reach").alias("gap_start"),
        pl.col("start").alias("gap_end"),
        pl.lit(False).alias("open"),
    )
    parts = [inner]
    if as_of is not None:
        cut = pl.lit(as_of)
        parts = [
            inner.filter(pl.col("gap_start") < cut).with_columns(
                (pl.col("gap_end") > cut).alias("open"), pl.min_horizontal(pl.col("gap_end"), cut).alias("gap_end")
            ),
            p.group_by(key)
            .agg(pl.col("_reach").max().alias("gap_start"))
            .filter(pl.col("gap_start") < cut)
            .select(pl.col(key), pl.col("gap_start"), cut.alias("gap_end"), pl.lit(True).alias("open")),
        ]
    gaps = pl.concat(parts)
    if deaths is not None and deaths.height:
        died = deaths.lazy().select(pl.col(key), pl.col("death_date").cast(pl.Date)).drop_nulls()
        gaps = (
            gaps.join(died, on=key, how="left")
            .filter(pl.col("death_date").is_null() | (pl.col("death_date") > pl.col("gap_start")))
            .with_columns(
                (pl.col("open") & (pl.col("death_date").is_null() | (pl.col("death_date") >= pl.col("gap_end")))).alias(
                    "open"
                ),
                pl.min_horizontal(pl.col("gap_end"), pl.col("death_date").fill_null(pl.lit(OPEN_END))).alias("gap_end"),
            )
            .drop("death_date")
        )
    out = (
        gaps.with_columns((pl.col("gap_end") - pl.col("gap_start")).dt.total_days().cast(pl.Int64).alias("days"))
        .select(list(schema))
        .sort([key, "gap_start"])
        .collect()
    )
    return out.cast(schema)  # type: ignore[arg-type]


def in_force(
    events: pl.DataFrame,
    periods: pl.DataFrame,
    *,
    key: str = "person_id",
    day: str = "day",
    period_id: str = "enrollment_id",
) -> pl.DataFrame:
    """``events`` with ``period_id`` of the period in force on ``events[day]`` (null when none).

    ``periods`` has ``key``, ``period_id``, ``start`` and ``end``. When several periods are in
    force on the day, the one that started last wins. Row order of ``events`` is kept.
    """
    ev = events.with_row_index("_ev")
    joined = (
        ev.lazy()
        .select("_ev", key, day)
        .join(periods.lazy().select(key, period_id, "start", "end"), on=key, how="inner")
        .filter((pl.col("start") <= pl.col(day)) & (pl.col(day) < _closed(pl.col("end"))))
        .sort(["_ev", "start", period_id], descending=[False, True, True])
        .unique("_ev", keep="first", maintain_order=True)
        .select("_ev", period_id)
        .collect()
    )
    extra = [period_id] if period_id in ev.columns else []
    return ev.drop(extra).join(joined, on="_ev", how="left").sort("_ev").drop("_ev")


def events_in_gaps(
    events: pl.DataFrame,
    gaps: pl.DataFrame,
    *,
    key: str = "person_id",
    day: str = "day",
    deaths: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """The ``events`` whose ``day`` falls in one of the person's ``gaps`` (from :func:`person_gaps`),
    with that gap's ``gap_start``/``gap_end``. Row order of ``events`` is kept (a join alone does
    not promise it).

    With ``deaths`` (``key``, ``death_date``), pass the gaps computed *without* deaths: an event
    counts up to and including the day of death. A death is the uncovered event itself — a JKM
    claim's incident is the day of death, which :func:`person_gaps` leaves out of the gap (the gap
    ends on it; a death on the first uncovered day leaves no gap at all) — and nothing is uncovered
    after it."""
    found = (
        events.lazy()
        .with_row_index("_ev")
        .join(gaps.lazy().select(key, "gap_start", "gap_end"), on=key, how="inner")
        .filter((pl.col("gap_start") <= pl.col(day)) & (pl.col(day) < pl.col("gap_end")))
    )
    if deaths is not None:
        died = deaths.lazy().select(pl.col(key), pl.col("death_date").cast(pl.Date).alias("_died"))
        found = (
            found.join(died, on=key, how="left")
            .filter(pl.col("_died").is_null() | (pl.col(day) <= pl.col("_died")))
            .drop("_died")
        )
    return found.sort("_ev", "gap_start").drop("_ev").collect()


def ended_not_resumed(
    periods: pl.DataFrame,
    *,
    as_of: date,
    key: str = "person_id",
    deaths: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """People whose cover ended on or before ``as_of`` and never resumed: no period covers them on
    or after their last covered day. ``periods`` as for :func:`person_gaps`.

    Returns ``key``, ``end`` (the first uncovered day, exclusive end of the last period),
    ``last_day`` (inclusive, as people say it), ``died`` (the death date when it came after the
    cover ended, else null) and ``days`` (uncovered days from ``end`` up to ``as_of``, or up to the
    death), sorted by ``end`` then ``key``. With ``deaths`` (``key``, ``death_date``), someone who
    died while still covered is not listed: their cover ended with their life, not with an
    agreement."""
    schema: dict[str, Any] = {
        key: periods.schema[key] if key in periods.schema else pl.Int64,
        "end": pl.Date,
        "last_day": pl.Date,
        "died": pl.Date,
        "days": pl.Int64,
    }
    if periods.height == 0:
        return pl.DataFrame(schema=schema)
    ended = (
        periods.lazy()
        .group_by(key)
        .agg(_closed(pl.col("end")).max().alias("end"))
        .filter(pl.col("end") <= pl.lit(as_of))
    )
    if deaths is not None and deaths.height:
        died = deaths.lazy().select(pl.col(key), pl.col("death_date").cast(pl.Date).alias("died")).drop_nulls()
        ended = ended.join(died, on=key, how="left").filter(
            pl.col("died").is_null() | (pl.col("died") >= pl.col("end"))
        )
    else:
        ended = ended.with_columns(pl.lit(None, dtype=pl.Date).alias("died"))
    out = (
        ended.with_columns(
            (pl.col("end") - pl.duration(days=1)).alias("last_day"),
            (pl.min_horizontal(pl.col("died").fill_null(pl.lit(as_of)), pl.lit(as_of)) - pl.col("end"))
            .dt.total_days()
            .cast(pl.Int64)
            .alias("days"),
        )
        .select(list(schema))
        .sort(["end", key])
        .collect()
    )
    return out.cast(schema)  # type: ignore[arg-type]


def gap_counts(
    gaps: pl.DataFrame, people: pl.DataFrame, *, key: str = "person_id", by: str = "village"
) -> pl.DataFrame:
    """Per ``by`` (desa): people with a gap and total uncovered person-days, most first."""
    return (
        gaps.join(people.select(key, by), on=key, how="left")
        .group_by(by)
        .agg(pl.col(key).n_unique().alias("people"), pl.col("days").sum().alias("person_days"))
        .sort(["people", by], descending=[True, False])
    )


# ----------------------------------------------------------------------------------- agreements
def agreements_ending_without_successor(
    agreements: pl.DataFrame, today: date, *, within_days: int = 60
) -> pl.DataFrame:
    """Agreements (``id``, ``end``, ``successor_id``, ``status``) that end within ``within_days``
    of ``today`` (or have already ended) and have no successor. ``end`` is exclusive; an agreement
    that ended long ago without a successor is reported too (``days_left`` negative)."""
    horizon = today + timedelta(days=within_days)
    return (
        agreements.filter(
            pl.col("end").is_not_null()
            & (pl.col("end") <= pl.lit(horizon))
            & pl.col("successor_id").is_null()
            & pl.col("status").is_in(["signed", "active", "ended"])
        )
        .with_columns((pl.col("end") - pl.lit(today)).dt.total_days().cast(pl.Int64).alias("days_left"))
        .sort("end")
    )


VALID_AGREEMENT_STATUSES = ("signed", "active", "ended")


def agreements_with_late_successor(agreements: pl.DataFrame) -> pl.DataFrame:
    """Agreements (``id``, ``start``, ``end``, ``successor_id``, ``status``) whose successor starts
    later than the day after they end (``end`` is exclusive: a successor starting on ``end``
    follows without a gap). Adds ``successor_start`` and ``gap_days`` (the uncovered days between
    them: 10, 194, …), in the order they end. Agreements still in draft are no one's cover yet."""
    succ = agreements.select(pl.col("id").alias("successor_id"), pl.col("start").alias("successor_start"))
    return (
        agreements.filter(pl.col("end").is_not_null() & pl.col("status").is_in(list(VALID_AGREEMENT_STATUSES)))
        .join(succ, on="successor_id", how="inner")
        .filter(pl.col("successor_start") > pl.col("end"))
        .with_columns((pl.col("successor_start") - pl.col("end")).dt.total_days().cast(pl.Int64).alias("gap_days"))
        .sort(["end", "id"])
    )


def enrollments_without_agreement(enrollments: pl.DataFrame) -> pl.DataFrame:
    """Enrollments whose period is not inside a valid agreement.

    ``enrollments`` has ``enrollment_id``, ``start``, ``end`` and the linked agreement's
    ``agreement_id``, ``agreement_start``, ``agreement_end``, ``agreement_status`` (all null when
    unlinked). Adds ``problem``: ``NO_AGREEMENT``, ``AGREEMENT_NOT_VALID`` (draft) or
    ``OUTSIDE_AGREEMENT_PERIOD``; only rows with a problem are returned.
    """
    problem = (
        pl.when(pl.col("agreement_id").is_null())
        .then(pl.lit("NO_AGREEMENT"))
        .when(~pl.col("agreement_status").is_in(list(VALID_AGREEMENT_STATUSES)))
        .then(pl.lit("AGREEMENT_NOT_VALID"))
        .when(
            (pl.col("start") < pl.col("agreement_start")) | (_closed(pl.col("end")) > _closed(pl.col("agreement_end")))
        )
        .then(pl.lit("OUTSIDE_AGREEMENT_PERIOD"))
    )
    return enrollments.with_columns(problem.alias("problem")).filter(pl.col("problem").is_not_null())

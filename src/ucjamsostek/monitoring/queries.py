"""Aggregate reads of the other apps' records for the indicators (no per-row loops).

Each function runs one or two GROUP BY queries and returns plain dictionaries keyed by village
code; :mod:`ucjamsostek.core.indicators` rolls them up. The sources are imported, not looked up:
a renamed model or field fails loudly instead of turning an indicator into "unavailable".

Definitions (also shown on the trace page):

* **active** on day *D*: an enrollment with status *active* or *ended* whose coverage period
  ``[coverage_start, coverage_end)`` contains *D*, of a person who had not died by *D* (a death
  known anywhere: the registry or a loaded deaths list, ``screening.selectors.died_by_q``). BPU
  participants more than 3 months in arrears lose membership (DOMAIN.md §1): the billing app
  ends their enrollment, so "active" already means "paid or within grace" once billing runs.
* active at the end of month *m* = enrollments started up to *m* − enrollments whose
  ``coverage_end`` falls in or before *m* — two GROUP BY queries give every month at once.
* **gap exposed** in ``[start, end)``: a person with an uncovered day inside the window after an
  earlier cover ended (:func:`ucjamsostek.core.coverage.person_gaps`, the same gaps as the PKS gap
  report), days after a death known anywhere excluded (``screening.selectors.death_dates``);
  :func:`ucjamsostek.core.indicators.gap_exposure` clips them.

The indicator dictionary (``core/data/indicators.json``) states each definition for people.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import date
from typing import Any

import polars as pl
from django.apps import apps
from django.db.models import Count, Max, Q, Sum
from django.db.models.functions import Coalesce, TruncMonth

from ucjamsostek.agreements.models import Agreement
from ucjamsostek.agreements.selectors import periods_frame
from ucjamsostek.assistance import selectors as assistance_selectors
from ucjamsostek.billing.models import Invoice, Payment
from ucjamsostek.claims import selectors as claim_selectors
from ucjamsostek.core import coverage as cov
from ucjamsostek.core import indicators as ind
from ucjamsostek.registry.models import COVERED_STATUSES, Enrollment, Funder, Person, Segment
from ucjamsostek.screening.models import Nomination, final_status_expr
from ucjamsostek.screening.selectors import death_dates, died_by_q

UNKNOWN_AREA = ""  # rows with no village: counted in the regency total only


class Unavailable(Exception):
    """The source of an indicator does not exist (yet); the message says why, in Indonesian."""


def _as_date(value: Any) -> date:
    return value.date() if hasattr(value, "date") and callable(value.date) else value


# --------------------------------------------------------------------------------------------------
# Participants
# --------------------------------------------------------------------------------------------------


def enrollment_month_flows() -> tuple[dict[tuple[str, date], int], dict[tuple[str, date], int]]:
    """``starts[(key, month)]`` and ``ends[(key, month)]`` with ``key = "village|segment|funder"``.

    ``month`` is the first of the month of ``coverage_start`` (starts) or ``coverage_end`` (ends).
    A death known anywhere (``screening.selectors.death_dates``) ends the coverage on the day of
    death when that comes first: the enrollment ends in the month of death (in its start month
    when the person had died before it started), as :func:`active_on_q` counts it.
    """
    base = Enrollment.objects.filter(status__in=COVERED_STATUSES)
    dead = died_by_q(None, "person__")
    starts: dict[tuple[str, date], int] = {}
    rows = (
        base.annotate(m=TruncMonth("coverage_start"))
        .values_list("person__village_id", "segment_id", "funder_id", "m")
        .annotate(n=Count("id"))
        .order_by()
    )
    for village, segment, funder, month, n in rows:
        starts[(f"{village}|{segment}|{funder}", _as_date(month))] = n
    ends: dict[tuple[str, date], int] = defaultdict(int)
    rows = (
        base.exclude(dead)
        .filter(coverage_end__isnull=False)
        .annotate(m=TruncMonth("coverage_end"))
        .values_list("person__village_id", "segment_id", "funder_id", "m")
        .annotate(n=Count("id"))
        .order_by()
    )
    for village, segment, funder, month, n in rows:
        ends[(f"{village}|{segment}|{funder}", _as_date(month))] += n
    died: dict[int, date] = dict(death_dates().select("person_id", "death_date").iter_rows())
    for village, segment, funder, pid, start, end in base.filter(dead).values_list(
        "person__village_id", "segment_id", "funder_id", "person_id", "coverage_start", "coverage_end"
    ):
        death = died.get(pid)  # always there: both follow the one rule
        stop = end if death is None else death if end is None else min(end, death)
        if stop is not None:
            ends[(f"{village}|{segment}|{funder}", max(start, stop).replace(day=1))] += 1
    return starts, dict(ends)


def active_on_q(day: date, prefix: str = "") -> Q:
    """Enrollments (``prefix`` leads to one) in force on ``day`` whose person had not died by then
    (a death known anywhere ends the coverage: ``screening.selectors.died_by_q``)."""
    return (
        Q(**{f"{prefix}status__in": COVERED_STATUSES, f"{prefix}coverage_start__lte": day})
        & (Q(**{f"{prefix}coverage_end__isnull": True}) | Q(**{f"{prefix}coverage_end__gt": day}))
        & ~died_by_q(day, f"{prefix}person__")
    )


def active_on(day: date) -> dict[tuple[str, str, str], int]:
    """Active enrollments on ``day`` per (village, segment, funder) — a direct check of the flows."""
    rows = (
        Enrollment.objects.filter(active_on_q(day))
        .values_list("person__village_id", "segment_id", "funder_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {(v, s, f): n for v, s, f, n in rows}


def segment_categories() -> dict[str, str]:
    return dict(Segment.objects.values_list("code", "category"))


def segment_names() -> dict[str, str]:
    return dict(Segment.objects.values_list("code", "name"))


def funder_names() -> dict[str, str]:
    return dict(Funder.objects.values_list("code", "name"))


def gap_exposure(start: date, end: date) -> pl.DataFrame:
    """``person_id, village, days``: everyone exposed by a coverage gap in ``[start, end)`` with
    the uncovered days inside it (GAP_EXPOSED, GAP_PERSON_DAYS; the trace lists these people)."""
    people = pl.DataFrame(
        list(Person.objects.values_list("pk", "village_id")),
        schema={"person_id": pl.Int64, "village": pl.Utf8},
        orient="row",
    )
    deaths = death_dates().select("person_id", "death_date")  # known anywhere (issue 9 §2)
    gaps = cov.person_gaps(periods_frame(), as_of=end, deaths=deaths)
    exposed = ind.gap_exposure(gaps, start, end)
    return exposed.join(people.select("person_id", "village"), on="person_id", how="left").select(
        "person_id", pl.col("village").fill_null(UNKNOWN_AREA), "days"
    )


def gap_by_village(start: date, end: date) -> tuple[dict[str, int], dict[str, int]]:
    """People exposed and their uncovered person-days in ``[start, end)``, per village."""
    per = gap_exposure(start, end).group_by("village").agg(pl.len().alias("n"), pl.col("days").sum().alias("d"))
    people = {v: int(n) for v, n, _ in per.iter_rows()}
    days = {v: int(d) for v, _, d in per.iter_rows()}
    return people, days


# --------------------------------------------------------------------------------------------------
# Screening
# --------------------------------------------------------------------------------------------------


def nominations(start: date, end: date) -> dict[tuple[str, str], int]:
    """Nomination rows of batches stored in ``[start, end)`` per (village, final decision after
    review: ``screening.models.final_status``).

    Rows whose village was not resolved count under the batch's area, else the regency only.
    """
    rows = (
        Nomination.objects.filter(batch__created_at__date__gte=start, batch__created_at__date__lt=end)
        .exclude(batch__status="archived")
        .annotate(area=Coalesce("region_id", "batch__region_id"), final=final_status_expr())
        .values_list("area", "final")
        .annotate(n=Count("id"))
        .order_by()
    )
    out: dict[tuple[str, str], int] = defaultdict(int)
    for area, final, n in rows:
        out[(area or UNKNOWN_AREA, final)] += n
    return dict(out)


# --------------------------------------------------------------------------------------------------
# Operations (billing, payments, claims, assistance, budget): filled in as the apps land.
# --------------------------------------------------------------------------------------------------


def _counts_and_amounts(rows: Any) -> dict[str, tuple[dict[str, int], dict[str, int]]]:
    """``(kind, village, count, amount)`` rows → ``{kind: (counts, amounts)}`` keyed by village
    (a row without a village counts in the regency total only)."""
    out: dict[str, tuple[dict[str, int], dict[str, int]]] = {}
    for kind, village, n, total in rows:
        counts, amounts = out.setdefault(str(kind), ({}, {}))
        key = village or UNKNOWN_AREA
        counts[key] = counts.get(key, 0) + n
        amounts[key] = amounts.get(key, 0) + int(total or 0)
    return out


def claims_paid(start: date, end: date) -> dict[str, tuple[dict[str, int], dict[str, int]]]:
    """Claims paid in ``[start, end)`` as :func:`ucjamsostek.claims.selectors.paid_claims` counts
    them (flagged claims apart): ``{type: (counts, amounts)}`` per village."""
    qs = claim_selectors.paid_claims(start, end)
    rows = qs.values_list("type", "person__village_id").annotate(n=Count("pk"), s=Sum("amount")).order_by()
    return _counts_and_amounts(rows)


def claims_uncovered(start: date, end: date) -> dict[str, tuple[dict[str, int], dict[str, int]]]:
    """Claims paid in ``[start, end)`` whose incident fell on a day without cover (CLAIMS_UNCOVERED):
    ``{type: (counts, amounts)}`` per village."""
    qs = claim_selectors.paid_claims(start, end).filter(uncovered=True)
    rows = qs.values_list("type", "person__village_id").annotate(n=Count("pk"), s=Sum("amount")).order_by()
    return _counts_and_amounts(rows)


def billed(start: date, end: date) -> int:
    """Contributions billed by BPJS for the months in ``[start, end)`` (invoice totals)."""
    return int(Invoice.objects.filter(period__gte=start, period__lt=end).aggregate(s=Sum("billed_total"))["s"] or 0)


def paid(start: date, end: date) -> int:
    """Payments (SP2D) for the months in ``[start, end)``: a payment that settles a monthly bill
    counts in the bill's month; a lump-sum payment made on the PKS without a bill (quarterly SP2D,
    as before monthly bills existed) counts on its SP2D date."""
    billed_months = Q(invoice__period__gte=start, invoice__period__lt=end)
    lump_sums = Q(invoice__isnull=True, paid_on__gte=start, paid_on__lt=end)
    return int(Payment.objects.filter(billed_months | lump_sums).aggregate(s=Sum("amount"))["s"] or 0)


def allocated(year: int) -> int:
    """Value of the agreements (PKS, not drafts) that fall in ``year``, prorated by days in the year."""
    y0, y1 = date(year, 1, 1), date(year + 1, 1, 1)
    rows = (
        Agreement.objects.exclude(status="draft")
        .filter(start__lt=y1, end__gt=y0)
        .values_list("start", "end", "value")
    )
    total = 0
    for a_start, a_end, value in rows:
        days = (a_end - a_start).days
        inside = (min(a_end, y1) - max(a_start, y0)).days
        if days > 0 and inside > 0:
            total += int(value) * inside // days
    return total


def assistance_paid(start: date, end: date) -> dict[str, tuple[dict[str, int], dict[str, int]]]:
    """Assistance (BSU) disbursed in ``[start, end)`` as
    :func:`ucjamsostek.assistance.selectors.disbursements` reads it: ``{programme code: (recipients,
    amounts)}`` per village, and under the key ``""`` every programme together. Recipients are
    distinct NIKs (a person paid twice counts once; BSU_COUNT), amounts every payout (BSU_AMOUNT)."""
    paid = assistance_selectors.disbursements(start, end)
    rows = (
        paid.values_list("programme__code", "person__village_id")
        .annotate(n=Count("nik", distinct=True), s=Sum("amount"))
        .order_by()
    )
    out = _counts_and_amounts(rows)
    overall = (
        paid.values_list("person__village_id").annotate(n=Count("nik", distinct=True), s=Sum("amount")).order_by()
    )
    out[""] = _counts_and_amounts([("", v, n, s) for v, n, s in overall]).get("", ({}, {}))
    return out


def data_version() -> str:
    """A fingerprint of the records the indicators are computed from: the source tables of the
    indicator dictionary (each entry's ``sources``), their row count, highest id and latest
    ``updated_at`` where they keep one. It changes when a row is added or deleted, or when a row
    with ``updated_at`` is changed; a snapshot whose version differs is older than the data."""
    tables = sorted({t for d in ind.INDICATORS for t in d.sources})
    models = {m._meta.db_table: m for m in apps.get_models()}
    parts = []
    for table in tables:
        model = models.get(table)
        if model is None:  # pragma: no cover - the dictionary names the project's own tables
            continue
        fields = {f.name for f in model._meta.concrete_fields}
        agg: dict[str, Any] = {"n": Count("pk"), "top": Max("pk")}
        if "updated_at" in fields:
            agg["changed"] = Max("updated_at")
        row = model._default_manager.aggregate(**agg)
        parts.append(f"{table}:{row['n']}:{row['top']}:{row.get('changed') or ''}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]

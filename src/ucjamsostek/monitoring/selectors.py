"""Reads for the dashboard, the checklist, follow-ups, traces, reports and the API.

Everything here is scoped: :func:`permissions.area_of` gives the area whose figures a user sees
(a desa operator only their desa). Dashboard figures come from the latest :class:`Snapshot` of the
period (a few hundred rows by index); when there is none it is computed first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction
from pathlib import Path
from typing import Any

import polars as pl
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from ucjamsostek.accounts.models import Organisation
from ucjamsostek.accounts.permissions import MSG_FORBIDDEN, can_see_full_name, can_see_full_nik
from ucjamsostek.assistance import selectors as assistance_selectors
from ucjamsostek.claims import selectors as claim_selectors
from ucjamsostek.core import coverage as cov
from ucjamsostek.core import indicators as ind
from ucjamsostek.core.money import format_number
from ucjamsostek.core.names import mask_name
from ucjamsostek.core.nik import mask_nik
from ucjamsostek.monitoring import labels, queries
from ucjamsostek.monitoring.figures import Figure, Lookup
from ucjamsostek.monitoring.models import (
    ActionItem,
    ActionStatus,
    FollowUp,
    FollowUpStatus,
    IndicatorValue,
    IssuedReport,
    Meeting,
    ReportSetup,
    Snapshot,
    Target,
    WorkforceDenominator,
)
from ucjamsostek.monitoring.permissions import area_of, can_open_shared_report, can_trace
from ucjamsostek.monitoring.services import refresh
from ucjamsostek.regions.models import Region
from ucjamsostek.registry.models import Enrollment, Person, Segment
from ucjamsostek.screening.models import Nomination, final_status_expr


#: A snapshot older than this (seconds) is shown with a "recompute" hint.
def max_age() -> int:
    return int(settings.MONEV_SNAPSHOT_MAX_AGE)


def default_period(today: date | None = None) -> str:
    """The current month."""
    today = today or timezone.localdate()
    return ind.period_of(today).code


def latest_snapshot(period: str) -> Snapshot | None:
    return Snapshot.objects.filter(period=period).order_by("-computed_at", "-id").first()


def outdated(snapshot: Snapshot) -> bool:
    """The data changed since ``snapshot`` was computed (its records' version is not today's)."""
    return snapshot.data_version != queries.data_version()


def ensure_snapshot(period: str, user: Any = None) -> Snapshot:
    """The latest snapshot of ``period``, computed first when there is none — for the console and
    background jobs only: a page or API request reads :func:`latest_snapshot` and queues the job."""
    snap = latest_snapshot(period)
    if snap is None:
        snap = refresh(period, user=user)
    return snap


@dataclass
class Bar:
    code: str
    name: str
    value: Fraction | None
    active: int
    workers: int | None
    text: str
    url: str = ""

    @property
    def active_text(self) -> str:
        return format_number(self.active)

    @property
    def workers_text(self) -> str:
        return labels.number(self.workers)

    @property
    def percent(self) -> float:
        return 0.0 if self.value is None else min(100.0, float(self.value) * 100)


@dataclass(frozen=True)
class Series:
    """One line of the trend chart: active participants of a segment (or all of them) at each
    month's end, and its target for the period's year (TARGET_PROGRESS of that breakdown)."""

    breakdown: str  # "segment:pekerja_rentan", or "" for every participant
    name: str
    months: list[tuple[str, int]]
    target: int | None = None


@dataclass
class Dashboard:
    period: ind.Period
    area_code: str
    area_name: str
    area_level: int
    snapshot: Snapshot
    stale: bool
    headline: dict[str, Any]
    trend: list[tuple[str, str, int]]  # (month code, short label, active)
    by_segment: list[tuple[str, int]]
    by_category: list[tuple[str, int]]
    by_funder: list[tuple[str, int]]
    ranking: list[Bar]  # children of the area, lowest coverage first
    ranking_level: str
    desa_ranking: list[Bar]
    budget: dict[str, Any]
    claims: dict[str, Any]
    bsu: dict[str, Any]
    nominations: dict[str, int]
    gap: int | None
    follow_ups: list[FollowUp]
    unavailable: dict[str, str]  # indicator code → why it could not be computed
    lineage: list[tuple[str, str]] = field(default_factory=list)
    #: (code, name, why) of each indicator not computed: the name on screen, the code in a tooltip
    unavailable_named: list[tuple[str, str, str]] = field(default_factory=list)
    #: (label, active, workers, coverage text) per category/segment with its own denominator
    coverage_by: list[tuple[str, int, int | None, str]] = field(default_factory=list)
    #: every entry of the indicator dictionary for this period and area (``figures.Lookup``)
    figures: list[Figure] = field(default_factory=list)
    #: the trend per segment, each with its own target of the period's year (:class:`Series`)
    trend_series: list[Series] = field(default_factory=list)

    @property
    def fig(self) -> dict[str, Figure]:
        """The dictionary's figures by code (templates: ``d.fig.ACTIVE.window``)."""
        return {f.code: f for f in self.figures}

    @property
    def period_label(self) -> str:
        """The period in the user's language (``d.period.label`` is always Indonesian)."""
        return labels.period_label(self.period)


def scope_area(user: Any, requested: str | None = None) -> str:
    """The area to show: ``requested`` when inside the user's area, else the user's area."""
    own = area_of(user)
    if own is None:
        raise PermissionDenied(MSG_FORBIDDEN)
    if requested and (requested == own or requested.startswith(own + ".")):
        return requested
    return own


# --------------------------------------------------------------------------------------------------
# Dashboard: one lookup, one function per panel
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Area:
    """An area and the areas its dashboard ranks: children (kecamatan or desa) and, for a regency,
    every desa."""

    code: str
    name: str
    level: int
    children: dict[str, str]
    desa: dict[str, str]

    @property
    def below(self) -> list[str]:
        return [*self.children, *self.desa]


def area_of_code(code: str) -> Area:
    region = Region.objects.filter(code=code).values_list("name", "level").first()
    name, level = region if region else (code, 2)
    child_level = {2: 3, 3: 4}.get(level)
    children = (
        dict(Region.objects.filter(parent_id=code, level=child_level).values_list("code", "name"))
        if child_level
        else {}
    )
    # The desa of a regency are the children of its kecamatan: looked up by the parent index (a
    # prefix LIKE scanned the 90.000 regions of Indonesia on SQLite for every dashboard).
    desa = (
        {
            c: n
            for c, n, lv in Region.objects.filter(parent_id__in=list(children)).values_list("code", "name", "level")
            if lv == 4
        }
        if level == 2
        else {}
    )
    return Area(code, name, level, children, desa)


def region_exists(code: str) -> bool:
    return Region.objects.filter(code=code, level__gte=2).exists()


def lookup_for(area: Area, period: str, *, compute: bool = False, user: Any = None) -> Lookup | None:
    """The figures of ``area`` for ``period`` from the latest snapshot; None when the period has not
    been computed yet (``compute=True``, for the console and jobs, computes it first)."""
    p = ind.parse_period(period)
    snap = ensure_snapshot(p.code, user) if compute else latest_snapshot(p.code)
    return None if snap is None else Lookup.load(snap, area.code, area.below)


def figures_for(user: Any, period: str, area: str | None = None) -> Lookup | None:
    """The lookup of the user's area (or ``area`` inside it) — what the API and pages read."""
    return lookup_for(area_of_code(scope_area(user, area)), period)


def dashboard(user: Any, period: str | None = None, area: str | None = None) -> Dashboard | None:
    """The dashboard of ``area`` (default: the user's own) limited to the user's area; None while
    the period has not been computed (the view queues the job)."""
    return dashboard_for_area(scope_area(user, area), period)


def dashboard_for_area(code: str, period: str | None = None, *, compute: bool = False) -> Dashboard | None:
    """Unscoped: callers check the area (the report command runs for the whole regency)."""
    area = area_of_code(code)
    lk = lookup_for(area, period or default_period(), compute=compute)
    if lk is None:
        return None
    names = _names()
    return Dashboard(
        period=lk.period,
        area_code=area.code,
        area_name=area.name,
        area_level=area.level,
        snapshot=lk.snapshot,
        stale=(timezone.now() - lk.snapshot.computed_at).total_seconds() > max_age(),
        headline=headline_panel(lk, names),
        trend=trend_panel(lk),
        by_segment=breakdown_panel(lk, "segment", names["segment"]),
        by_category=breakdown_panel(lk, "category", {}),
        by_funder=breakdown_panel(lk, "funder", names["funder"]),
        ranking=ranking_panel(lk, area.children),
        ranking_level=gettext("kecamatan") if area.level == 2 else gettext("desa/kelurahan"),
        desa_ranking=ranking_panel(lk, area.desa),
        budget=budget_panel(lk),
        claims=claims_panel(lk),
        bsu=bsu_panel(lk),
        nominations=nominations_panel(lk),
        gap=lk.figure("GAP_EXPOSED").numerator,
        follow_ups=open_follow_ups(),
        unavailable=dict(lk.snapshot.unavailable or {}),
        unavailable_named=_unavailable_named(lk.snapshot.unavailable or {}),
        lineage=lineage_of(area.code),
        coverage_by=coverage_by_panel(lk, names),
        figures=lk.figures(),
        trend_series=trend_series_panel(lk, names),
    )


def computed_dashboard(code: str, period: str) -> Dashboard:
    """:func:`dashboard_for_area`, computing the period first when needed (reports, console)."""
    d = dashboard_for_area(code, period, compute=True)
    if d is None:  # pragma: no cover - compute=True always has a snapshot
        raise RuntimeError(f"no snapshot for {period}")
    return d


def _names() -> dict[str, dict[str, str]]:
    return {"segment": queries.segment_names(), "funder": queries.funder_names()}


def headline_panel(lk: Lookup, names: dict[str, dict[str, str]]) -> dict[str, Any]:
    """Active participants, workers (with their source), coverage and progress to the target."""
    workers = lk.get("WORKERS")
    trace: dict[str, Any] = (
        IndicatorValue.objects.filter(pk=workers.pk).values_list("trace", flat=True).first() or {} if workers else {}
    )
    coverage = lk.figure("COVERAGE")
    target = lk.figure("TARGET_PROGRESS")
    has_target = target.denominator is not None
    return {
        "active": lk.figure("ACTIVE").numerator or 0,
        "workers": lk.figure("WORKERS").numerator,
        "workers_source": trace.get("source", ""),
        "workers_year": trace.get("year"),
        "coverage": coverage.value,
        "coverage_text": coverage.text,
        "target": target.denominator if has_target else None,
        "target_actual": target.numerator if has_target else None,
        "target_label": _breakdown_label(target.breakdown, names["segment"], names["funder"]) if has_target else "",
        "progress": target.value,
        "progress_text": target.text,
    }


def trend_panel(lk: Lookup) -> list[tuple[str, str, int]]:
    """Active participants at each month's end (the snapshot keeps 24 months)."""
    return [(code, labels.short_month(code), n) for code, n in lk.months("ACTIVE")]


def trend_series_panel(lk: Lookup, names: dict[str, dict[str, str]]) -> list[Series]:
    """One series per segment (the largest first) with the segment's target of the period's year;
    every participant as one more series only when a target is set for all of them."""
    targets = {v.breakdown: v.denominator for v in lk.breakdowns("TARGET_PROGRESS")}
    if (total := lk.get("TARGET_PROGRESS")) is not None:
        targets[""] = total.denominator
    out = [
        Series(bd, names["segment"].get(bd.split(":", 1)[1], bd), months, targets.get(bd))
        for bd, months in lk.months_by("ACTIVE", "segment:").items()
    ]
    out.sort(key=lambda s: (-max([n for _, n in s.months] or [0]), s.name))
    if "" in targets:
        out.append(Series("", gettext("Seluruh peserta"), lk.months("ACTIVE"), targets[""]))
    return out


def breakdown_panel(lk: Lookup, prefix: str, names: dict[str, str]) -> list[tuple[str, int]]:
    """Active participants per segment, BPJS category or funder, the largest first."""
    rows = [
        (names.get(key, key), v.numerator or 0)
        for v in lk.breakdowns("ACTIVE")
        if v.breakdown.startswith(prefix + ":")
        for key in [v.breakdown.split(":", 1)[1]]
    ]
    return sorted(rows, key=lambda r: -r[1])


def ranking_panel(lk: Lookup, areas: dict[str, str]) -> list[Bar]:
    """Coverage of the areas below, the lowest first, areas without a workers figure last."""
    if not areas:
        return []
    active = {c: lk.number("ACTIVE", c) or 0 for c in areas}
    workers = {c: lk.number("WORKERS", c) for c in areas}
    return [
        Bar(r.code, r.name, r.value, r.active, r.workers, labels.percent(r.value))
        for r in ind.coverage_ranking(areas, active, workers)
    ]


#: The money the dashboard and the report show: the year to date (a month alone can be Rp0 while
#: the year's bills are unpaid), under the keys the templates know.
BUDGET_FIGURES = {
    "budget_allocated": "BUDGET_ALLOCATED",
    "billed": "BILLED_YTD",
    "paid": "PAID_YTD",
    "arrears": "ARREARS_YTD",
}


def budget_panel(lk: Lookup) -> dict[str, Any]:
    """Allocated (the year), billed, paid and arrears (year to date) and realisation (regency level)."""
    out: dict[str, Any] = {key: lk.figure(code).numerator for key, code in BUDGET_FIGURES.items()}
    out["window"] = lk.figure("BILLED_YTD").window
    out["year_window"] = lk.figure("BUDGET_ALLOCATED").window
    realisation = lk.figure("BUDGET_REALISATION")
    out["realisation"] = realisation.value
    out["realisation_text"] = realisation.text
    out["regency_only"] = lk.area != lk.root
    return out


def _claims_of(lk: Lookup, count_code: str, amount_code: str) -> dict[str, Any]:
    n = lk.figure(count_code).numerator
    amount = lk.figure(amount_code).numerator
    counts = {v.breakdown.split(":", 1)[1]: v.numerator or 0 for v in lk.breakdowns(count_code)}
    return {
        "count": n,
        "amount": amount,
        "by_type": [
            (key, counts.get(key, 0), v.numerator or 0)
            for v in lk.breakdowns(amount_code)
            for key in [v.breakdown.split(":", 1)[1]]
        ],
        "sentence": labels.claims_sentence(n, amount) if n is not None and amount is not None else "",
    }


def claims_panel(lk: Lookup) -> dict[str, Any]:
    """Claims paid in the period and since the programme began, by type, and the claims ratio."""
    return {
        "period": _claims_of(lk, "CLAIMS_COUNT", "CLAIMS_AMOUNT"),
        "cumulative": _claims_of(lk, "CLAIMS_COUNT_TOTAL", "CLAIMS_AMOUNT_TOTAL"),
        "uncovered": _claims_of(lk, "CLAIMS_UNCOVERED", "CLAIMS_UNCOVERED_AMOUNT"),
        "ratio_text": lk.figure("CLAIMS_RATIO").text,
    }


def bsu_panel(lk: Lookup) -> dict[str, Any]:
    """BSU recipients (distinct people) and rupiah, in the period and since the programme began."""
    return {
        "count": lk.figure("BSU_COUNT").numerator,
        "amount": lk.figure("BSU_AMOUNT").numerator,
        "cumulative_count": lk.figure("BSU_COUNT_TOTAL").numerator,
        "cumulative_amount": lk.figure("BSU_AMOUNT_TOTAL").numerator,
    }


def nominations_panel(lk: Lookup) -> dict[str, int]:
    """Nomination rows screened in the period: the total and per result."""
    out = {v.breakdown.split(":", 1)[1]: v.numerator or 0 for v in lk.breakdowns("NOMINATIONS")}
    out["total"] = lk.figure("NOMINATIONS").numerator or 0
    return out


def coverage_by_panel(lk: Lookup, names: dict[str, dict[str, str]]) -> list[tuple[str, int, int | None, str]]:
    """Coverage per category/segment where the area has its own workers figure for it."""
    return sorted(
        (
            gettext("Kategori %(category)s") % {"category": v.breakdown.split(":", 1)[1]}
            if v.breakdown.startswith("category:")
            else _breakdown_label(v.breakdown, names["segment"], names["funder"]),
            v.numerator or 0,
            v.denominator,
            labels.percent(v.value),
        )
        for v in lk.breakdowns("COVERAGE")
    )


def _unavailable_named(unavailable: dict[str, str]) -> list[tuple[str, str, str]]:
    names = {e["code"]: e["name"] for e in dictionary_entries()}
    return [(code, names.get(code, code), why) for code, why in unavailable.items()]


def lineage_of(code: str) -> list[tuple[str, str]]:
    """The area and the areas above it inside the deployment, coarsest first (the breadcrumb)."""
    root = settings.AREA_CODE
    return [
        (c, n)
        for c, n in Region.objects.filter(code__in=ind.ancestors(code)).order_by("code").values_list("code", "name")
        if c == root or c.startswith(root + ".")
    ]


def values_for(snap: Snapshot, area: str, indicator: str | None = None) -> list[IndicatorValue]:
    """Values of a snapshot for ``area`` (already scoped by the caller)."""
    qs = IndicatorValue.objects.filter(snapshot=snap, area_code=area)
    if indicator:
        qs = qs.filter(indicator_id=indicator)
    return list(qs.order_by("indicator_id", "period", "breakdown"))


def _breakdown_label(bd: str, seg: dict[str, str], fund: dict[str, str]) -> str:
    if not bd:
        return gettext("seluruh peserta")
    dim, key = bd.split(":", 1)
    if dim == "segment":
        return seg.get(key, key)
    if dim == "funder":
        return fund.get(key, key)
    return key


# --------------------------------------------------------------------------------------------------
# Checklist, meetings, follow-ups
# --------------------------------------------------------------------------------------------------


def action_items(year: int | None = None) -> QuerySet[ActionItem]:
    year = year or timezone.localdate().year
    return ActionItem.objects.filter(year=year).select_related("organisation").order_by("number", "code")


def action_years() -> list[int]:
    return sorted(set(ActionItem.objects.values_list("year", flat=True)), reverse=True)


def get_action(pk: int) -> ActionItem | None:
    return ActionItem.objects.select_related("organisation").filter(pk=pk).first()


def meetings() -> QuerySet[Meeting]:
    return Meeting.objects.order_by("-date", "-id")


def get_meeting(pk: int) -> Meeting | None:
    return Meeting.objects.filter(pk=pk).first()


def get_follow_up(pk: int) -> FollowUp | None:
    return FollowUp.objects.select_related("meeting").filter(pk=pk).first()


def latest_meeting() -> Meeting | None:
    return Meeting.objects.order_by("-date", "-id").first()


def open_follow_ups() -> list[FollowUp]:
    """Open follow-ups of the latest meeting (carried ones live on there), deadline first."""
    meeting = latest_meeting()
    if meeting is None:
        return []
    return list(
        meeting.follow_ups.filter(status=FollowUpStatus.OPEN)
        .select_related("organisation", "carried_from__meeting")
        .order_by("deadline", "number")
    )


def overdue_follow_ups(today: date) -> list[FollowUp]:
    """Open follow-ups of the latest meeting whose deadline has passed."""
    return [f for f in open_follow_ups() if f.deadline is not None and f.deadline < today]


def actions_not_started_by(day: date) -> dict[int, list[ActionItem]]:
    """Inpres action items not started whose deadline is on or before ``day``, per year (oldest first)."""
    out: dict[int, list[ActionItem]] = {}
    for item in ActionItem.objects.filter(status=ActionStatus.NOT_STARTED, due_date__lte=day).order_by(
        "year", "due_date", "number"
    ):
        out.setdefault(item.year, []).append(item)
    return out


def follow_ups_of(meeting: Meeting) -> list[FollowUp]:
    return list(meeting.follow_ups.select_related("organisation", "carried_from__meeting").order_by("number", "id"))


def dictionary_entries() -> list[dict[str, Any]]:
    """The indicator dictionary (``core/data/indicators.json``) in the user's language, in order."""
    return [labels.entry(d) for d in ind.INDICATORS]


def targets(year: int) -> QuerySet[Target]:
    return Target.objects.filter(year=year).select_related("indicator", "area")


def _labelled(rows: Any) -> list[Any]:
    """``rows`` with ``breakdown_label`` set (:func:`breakdown_label`: no code on screen)."""
    labels_ = dict(breakdown_choices())
    out = list(rows)
    for row in out:
        row.breakdown_label = labels_.get(row.breakdown, row.breakdown)
    return out


def all_targets() -> list[Target]:
    """Every target, newest year first, each with its ``breakdown_label``."""
    return _labelled(Target.objects.select_related("indicator", "area").order_by("-year", "area_id", "indicator_id"))


def all_workforce() -> list[WorkforceDenominator]:
    """Every workforce denominator, newest year first, each with its ``breakdown_label``."""
    return _labelled(WorkforceDenominator.objects.select_related("area").order_by("-year", "area_id"))


# --------------------------------------------------------------------------------------------------
# Trace: the rows behind a value
# --------------------------------------------------------------------------------------------------

TRACE_LIMIT = 200


def trace(user: Any, indicator: str, period: str, area: str, breakdown: str = "") -> dict[str, Any]:
    """What is behind a value: the definition, the query, and (for people counts) the first rows,
    masked by the registry's rules. Raises PermissionDenied outside the user's area."""
    if not can_trace(user):
        raise PermissionDenied(MSG_FORBIDDEN)
    code = scope_area(user, area)
    if code != area:
        raise PermissionDenied(MSG_FORBIDDEN)
    p = ind.parse_period(period)
    snap = latest_snapshot(p.code)  # a page never recomputes: the dashboard queues the job
    value = (
        IndicatorValue.objects.filter(
            snapshot=snap, indicator_id=indicator, period=period, area_code=area, breakdown=breakdown
        ).first()
        if snap is not None
        else None
    )
    definition = ind.INDICATOR_BY_CODE.get(indicator)
    out: dict[str, Any] = {
        "indicator": definition,
        "entry": labels.entry(definition) if definition else None,
        "gap_rows": False,
        "value": value,
        "text": labels.value(value.value if value else None, definition.unit if definition else "count"),
        "period": period,
        "area": area,
        "breakdown": breakdown,
        "rows": [],
        "row_count": None,
        "snapshot": snap,
    }
    kind = (value.trace or {}).get("kind") if value else None
    if kind == "active" and value is not None:
        as_of = date.fromisoformat(value.trace["as_of"])
        out["rows"], out["row_count"] = _people_rows(user, as_of, area, breakdown)
    elif kind == "gap" and value is not None:
        start, end = date.fromisoformat(value.trace["start"]), date.fromisoformat(value.trace["end"])
        out["rows"], out["row_count"] = _gap_rows(user, start, end, area)
        out["gap_rows"] = True
    elif kind in ("claims", "bsu", "nominations") and value is not None:
        start, end = date.fromisoformat(value.trace["start"]), date.fromisoformat(value.trace["end"])
        uncovered = bool(value.trace.get("uncovered"))
        out["rows"], out["row_count"] = _event_rows(user, kind, start, end, area, breakdown, uncovered=uncovered)
        out["event_rows"] = True
    return out


def _event_rows(
    user: Any, kind: str, start: date, end: date, area: str, breakdown: str, *, uncovered: bool = False
) -> tuple[list[dict[str, Any]], int]:
    """Claims, aid payouts or nomination rows behind a value (NIK masked by the registry's rules)."""

    full_nik = can_see_full_nik(user)
    root = settings.AREA_CODE
    if kind == "nominations":
        nq: Any = Nomination.objects.filter(
            batch__created_at__date__gte=start, batch__created_at__date__lt=end
        ).exclude(batch__status="archived")
        if area != root:
            nq = nq.filter(
                Q(region__code=area)
                | Q(region__code__startswith=area + ".")
                | Q(region__isnull=True, batch__region__code=area)
                | Q(region__isnull=True, batch__region__code__startswith=area + ".")
            )
        if breakdown.startswith("status:"):
            st = breakdown.split(":", 1)[1]
            nq = nq.final_status_is(st)
        rows = [
            {
                "what": f"{f} baris {r}",
                "nik": nik if full_nik else mask_nik(nik),
                "village": v,
                "status": st,
                "date": d,
                "amount": None,
            }
            for f, r, nik, v, st, d in nq.annotate(final=final_status_expr())
            .order_by("batch_id", "row")
            .values_list("batch__file_name", "row", "nik", "village", "final", "batch__created_at__date")[:TRACE_LIMIT]
        ]
        return rows, nq.count()
    if kind == "claims":
        qs: Any = claim_selectors.paid_claims(start, end)
        if uncovered:
            qs = qs.filter(uncovered=True)
        if breakdown.startswith("type:"):
            qs = qs.filter(type=breakdown.split(":", 1)[1])
        fields = ("type", "nik", "person__village__name", "status", "paid_on", "amount")
    else:
        qs = assistance_selectors.disbursements(start, end)
        if breakdown.startswith("programme:"):
            qs = qs.filter(programme__code=breakdown.split(":", 1)[1])
        fields = ("programme__code", "nik", "person__village__name", "status", "paid_on", "amount")
    if area != root:
        qs = qs.filter(Q(person__village__code=area) | Q(person__village__code__startswith=area + "."))
    rows = [
        {
            "what": w,
            "nik": nik if full_nik else mask_nik(nik),
            "village": v or "—",
            "status": st,
            "date": d,
            "amount": a,
        }
        for w, nik, v, st, d, a in qs.order_by("paid_on", "pk").values_list(*fields)[:TRACE_LIMIT]
    ]
    return rows, qs.count()


def _people_rows(user: Any, as_of: date, area: str, breakdown: str) -> tuple[list[dict[str, Any]], int]:
    """The enrollments behind ACTIVE (masked by the registry's rules)."""
    # The area was checked against the user's own (scope_area): no further person scoping needed.
    in_area = Q(person__village__code=area) | Q(person__village__code__startswith=area + ".")
    full_nik = can_see_full_nik(user)
    full_name = can_see_full_name(user)
    qs = Enrollment.objects.filter(queries.active_on_q(as_of)).filter(in_area)
    if breakdown.startswith("segment:"):
        qs = qs.filter(segment_id=breakdown.split(":", 1)[1])
    elif breakdown.startswith("funder:"):
        qs = qs.filter(funder_id=breakdown.split(":", 1)[1])
    elif breakdown.startswith("category:"):
        qs = qs.filter(segment__category=breakdown.split(":", 1)[1])
    total = qs.count()
    rows = [
        {
            "nik": nik if full_nik else mask_nik(nik),
            "name": name if full_name else mask_name(name),
            "village": village,
            "segment": seg,
            "funder": fund,
            "start": start,
            "last_day": cov.Period(start, end).last_day,  # inclusive, as people say it
        }
        for nik, name, village, seg, fund, start, end in qs.order_by("person__village_id", "person__name").values_list(
            "person__nik",
            "person__name",
            "person__village__name",
            "segment_id",
            "funder_id",
            "coverage_start",
            "coverage_end",
        )[:TRACE_LIMIT]
    ]
    return rows, total


def _gap_rows(user: Any, start: date, end: date, area: str) -> tuple[list[dict[str, Any]], int]:
    """The people behind GAP_EXPOSED (the same computation), with their uncovered days."""
    exposed = queries.gap_exposure(start, end)
    if area != settings.AREA_CODE:
        exposed = exposed.filter((pl.col("village") == area) | pl.col("village").str.starts_with(area + "."))
    total = exposed.height
    days = dict(exposed.sort("village", "person_id").head(TRACE_LIMIT).select("person_id", "days").iter_rows())
    full_nik = can_see_full_nik(user)
    full_name = can_see_full_name(user)
    shown = Person.objects.filter(pk__in=list(days)).order_by("village_id", "name", "pk")
    rows = [
        {
            "nik": nik if full_nik else mask_nik(nik),
            "name": name if full_name else mask_name(name),
            "village": v,
            "days": days[pk],
        }
        for pk, nik, name, v in shown.values_list("pk", "nik", "name", "village__name")
    ]
    return rows, total


# --------------------------------------------------------------------------------------------------
# Period choices
# --------------------------------------------------------------------------------------------------


def period_choices(today: date | None = None) -> list[tuple[str, str]]:
    """Recent months, semesters and years for the period picker (newest first)."""
    today = today or timezone.localdate()
    out: list[tuple[str, str]] = []
    m = ind.period_of(today)
    for _ in range(24):
        out.append((m.code, labels.period_label(m)))
        m = m.previous()
    s = ind.period_of(today, ind.PeriodKind.SEMESTER)
    for _ in range(6):
        out.append((s.code, labels.period_label(s)))
        s = s.previous()
    y = ind.period_of(today, ind.PeriodKind.YEAR)
    for _ in range(4):
        out.append((y.code, labels.period_label(y)))
        y = y.previous()
    return out


def in_days(days: int) -> date:
    return timezone.localdate() + timedelta(days=days)


def organisation_choices() -> list[tuple[str, str]]:
    """OPD for the checklist's responsible field."""
    org = Organisation
    return [("", "—"), *((str(pk), name) for pk, name in org.objects.order_by("name").values_list("pk", "name"))]


# --------------------------------------------------------------------------------------------------
# The report's letterhead, the meeting a report covers, issued reports
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Letterhead:
    """The letterhead and signatories of the Rakor Monev report, every field filled (what the
    Pemda typed on the settings page, else names made from the deployment's region)."""

    government: str
    office: str
    address: str
    place: str
    number_format: str
    leader_title: str
    leader_name: str
    head_title: str
    head_name: str
    head_nip: str
    logo: Path | None


def letterhead() -> Letterhead:
    row = ReportSetup.objects.order_by("pk").first() or ReportSetup()
    regency = Region.objects.filter(code=settings.AREA_CODE).values_list("name", flat=True).first() or ""
    short = regency
    leader = "Bupati"
    for prefix, title in (("Kabupaten ", "Bupati"), ("Kota ", "Wali Kota")):
        if regency.startswith(prefix):
            short, leader = regency[len(prefix) :], title
    office = row.office or "Dinas Tenaga Kerja"
    logo = Path(settings.MEDIA_ROOT) / "monev" / "kop" / row.logo if row.logo else None
    return Letterhead(
        government=row.government or f"Pemerintah {regency}".strip(),
        office=office,
        address=row.address,
        place=row.place or short,
        number_format=row.number_format,
        leader_title=row.leader_title or f"{leader} {short}".strip(),
        leader_name=row.leader_name,
        head_title=row.head_title or f"Kepala {office}",
        head_name=row.head_name,
        head_nip=row.head_nip,
        logo=logo if logo is not None and logo.is_file() else None,
    )


def meeting_for_period(p: ind.Period) -> Meeting | None:
    """The meeting whose follow-ups a report of ``p`` lists: the latest meeting that reviewed the
    period, else the latest one held by the period's last day — never one that came later."""
    reviewed = Meeting.objects.filter(period=p.code).order_by("-date", "-id").first()
    if reviewed is not None:
        return reviewed
    return Meeting.objects.filter(date__lte=p.last_day).order_by("-date", "-id").first()


def _issued_in_scope(user: Any) -> QuerySet[IssuedReport]:
    own = area_of(user)
    if own is None:
        return IssuedReport.objects.none()
    return IssuedReport.objects.filter(Q(area_code=own) | Q(area_code__startswith=own + ".")).exclude(file="")


def issued_reports(user: Any, limit: int = 50) -> list[IssuedReport]:
    """Issued reports of the user's area (and the areas inside it), newest first."""
    return list(_issued_in_scope(user).select_related("issued_by")[:limit])


def get_issued_report(user: Any, pk: int) -> IssuedReport | None:
    return _issued_in_scope(user).filter(pk=pk).first()


def shared_report(user: Any, token: str) -> IssuedReport | None:
    """The report a share link names, when ``user`` may open it (:func:`can_open_shared_report`)."""
    issued = IssuedReport.objects.filter(share_token=token).exclude(file="").first() if token else None
    if issued is None or not can_open_shared_report(user, issued):
        return None
    return issued


def area_choices() -> list[tuple[str, str]]:
    """The areas a target or a workforce figure is set for: the deployment's area, then its
    kecamatan and desa by code, each named (the code only in the value)."""
    regions = Region.objects.filter(code__startswith=settings.AREA_CODE, level__gte=2).order_by("code")
    return [(code, f"{name} ({code})") for code, name in regions.values_list("code", "name")]


def breakdown_choices() -> list[tuple[str, str]]:
    """The breakdowns a target or a workforce figure may have (``services._check_breakdown``):
    everyone, a segment, a funder or a worker category, by name (the code only in the value)."""
    segments, funders = queries.segment_names(), queries.funder_names()
    categories = sorted({c for c in Segment.objects.values_list("category", flat=True) if c})
    return [
        ("", gettext("seluruh peserta")),
        *((f"segment:{c}", gettext("Segmen: %(name)s") % {"name": n}) for c, n in sorted(segments.items())),
        *((f"funder:{c}", gettext("Sumber dana: %(name)s") % {"name": n}) for c, n in sorted(funders.items())),
        *((f"category:{c}", gettext("Kategori pekerja: %(name)s") % {"name": c}) for c in categories),
    ]

"""Reads for the dashboard, the checklist, follow-ups, traces, reports and the API.

Everything here is scoped: :func:`permissions.area_of` gives the area whose figures a user sees
(a desa operator only their desa). Dashboard figures come from the latest :class:`Snapshot` of the
period (a few hundred rows by index); when there is none it is computed first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

import polars as pl
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from ucjamsostek.accounts.models import Organisation
from ucjamsostek.accounts.permissions import MSG_FORBIDDEN, can_see_full_name, can_see_full_nik
from ucjamsostek.assistance.models import Recipient
from ucjamsostek.claims import selectors as claim_selectors
from ucjamsostek.core import coverage as cov
from ucjamsostek.core import indicators as ind
from ucjamsostek.core.money import format_number
from ucjamsostek.core.names import mask_name
from ucjamsostek.core.nik import mask_nik
from ucjamsostek.monitoring import labels, queries
from ucjamsostek.monitoring.models import (
    ActionItem,
    FollowUp,
    FollowUpStatus,
    IndicatorValue,
    Meeting,
    Snapshot,
    Target,
    WorkforceDenominator,
)
from ucjamsostek.monitoring.permissions import area_of, can_trace
from ucjamsostek.monitoring.services import refresh
from ucjamsostek.regions.models import Region
from ucjamsostek.registry.models import Enrollment, Person
from ucjamsostek.screening.models import Nomination


#: A snapshot older than this (seconds) is shown with a "recompute" hint.
def max_age() -> int:
    return int(settings.MONEV_SNAPSHOT_MAX_AGE)


def default_period(today: date | None = None) -> str:
    """The current month."""
    today = today or timezone.localdate()
    return ind.period_of(today).code


def latest_snapshot(period: str) -> Snapshot | None:
    return Snapshot.objects.filter(period=period).order_by("-computed_at", "-id").first()


def ensure_snapshot(period: str, user: Any = None) -> Snapshot:
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
    unavailable: dict[str, str]
    lineage: list[tuple[str, str]] = field(default_factory=list)
    #: (label, active, workers, coverage text) per category/segment with its own denominator
    coverage_by: list[tuple[str, int, int | None, str]] = field(default_factory=list)

    @property
    def period_label(self) -> str:
        """The period in the user's language (``d.period.label`` is always Indonesian)."""
        return labels.period_label(self.period)


def _values(snap: Snapshot, codes: list[str], area_codes: list[str] | None = None) -> list[IndicatorValue]:
    qs = IndicatorValue.objects.filter(snapshot=snap, indicator_id__in=codes)
    if area_codes is not None:
        qs = qs.filter(area_code__in=area_codes)
    return list(qs)


def _get(vals: list[IndicatorValue], code: str, period: str, area: str, breakdown: str = "") -> IndicatorValue | None:
    for v in vals:
        if v.indicator_id == code and v.period == period and v.area_code == area and v.breakdown == breakdown:
            return v
    return None


def _num(v: IndicatorValue | None) -> int | None:
    return None if v is None else v.numerator


def scope_area(user: Any, requested: str | None = None) -> str:
    """The area to show: ``requested`` when inside the user's area, else the user's area."""
    own = area_of(user)
    if own is None:
        raise PermissionDenied(MSG_FORBIDDEN)
    if requested and (requested == own or requested.startswith(own + ".")):
        return requested
    return own


def dashboard(user: Any, period: str | None = None, area: str | None = None) -> Dashboard:
    """The dashboard of ``area`` (default: the user's own) limited to the user's area."""
    return dashboard_for_area(scope_area(user, area), period, user=user)


def dashboard_for_area(code: str, period: str | None = None, user: Any = None) -> Dashboard:
    """Unscoped: callers check the area (the report command runs for the whole regency)."""
    p = ind.parse_period(period or default_period())
    snap = ensure_snapshot(p.code, user)
    region = Region.objects.filter(code=code).values_list("name", "level").first()
    name, level = region if region else (code, 2)
    child_level = {2: 3, 3: 4}.get(level)
    children = dict(
        Region.objects.filter(parent_id=code, level=child_level).values_list("code", "name") if child_level else []
    )
    desa = (
        dict(Region.objects.filter(code__startswith=code + ".", level=4).values_list("code", "name"))
        if level == 2
        else {}
    )
    last_month = ind.period_of(p.last_day)
    # The area itself: every value (trend, breakdowns); the areas below: the period's totals only.
    below = [*children, *desa]
    vals = list(
        IndicatorValue.objects.filter(snapshot=snap)
        .filter(Q(area_code=code) | Q(area_code__in=below, period__in=[p.code, last_month.code], breakdown=""))
        .defer("trace")
    )
    by_key = {(v.indicator_id, v.period, v.area_code, v.breakdown): v for v in vals}

    def g(ic: str, area_code: str = code, breakdown: str = "", per: str = p.code) -> IndicatorValue | None:
        return by_key.get((ic, per, area_code, breakdown))

    active = _num(g("ACTIVE", per=p.code)) or _num(g("ACTIVE", per=last_month.code)) or 0
    workers_v = g("WORKERS")
    workers_trace: dict[str, Any] = (
        IndicatorValue.objects.filter(pk=workers_v.pk).values_list("trace", flat=True).first() or {}
        if workers_v
        else {}
    )
    cov = g("COVERAGE")
    targets = [v for v in vals if v.indicator_id == "TARGET_PROGRESS" and v.area_code == code]
    target = targets[0] if targets else None
    seg_names = _safe(queries.segment_names, {})
    fund_names = _safe(queries.funder_names, {})
    headline = {
        "active": active,
        "workers": _num(workers_v),
        "workers_source": workers_trace.get("source", ""),
        "workers_year": workers_trace.get("year"),
        "coverage": cov.value if cov else None,
        "coverage_text": labels.percent(cov.value if cov else None),
        "target": target.denominator if target else None,
        "target_actual": target.numerator if target else None,
        "target_label": _breakdown_label(target.breakdown, seg_names, fund_names) if target else "",
        "progress": target.value if target else None,
        "progress_text": labels.percent(target.value if target else None),
    }
    trend = sorted(
        (v.period, v.numerator or 0)
        for v in vals
        if v.indicator_id == "ACTIVE" and v.area_code == code and not v.breakdown and len(v.period) == 7
    )
    trend_rows = [(pc, labels.short_month(pc), n) for pc, n in trend if pc <= last_month.code]

    def breakdown(prefix: str, names: dict[str, str]) -> list[tuple[str, int]]:
        rows = [
            (names.get(v.breakdown.split(":", 1)[1], v.breakdown.split(":", 1)[1]), v.numerator or 0)
            for v in vals
            if v.indicator_id == "ACTIVE"
            and v.area_code == code
            and v.period == p.code
            and v.breakdown.startswith(prefix + ":")
        ]
        return sorted(rows, key=lambda r: -r[1])

    def bars(areas: dict[str, str]) -> list[Bar]:
        act = {c: _num(g("ACTIVE", c)) or _num(g("ACTIVE", c, per=last_month.code)) or 0 for c in areas}
        wk = {c: _num(g("WORKERS", c)) for c in areas}
        return [
            Bar(r.code, r.name, r.value, r.active, r.workers, labels.percent(r.value))
            for r in ind.coverage_ranking(areas, act, wk)
        ]

    root = settings.AREA_CODE
    budget: dict[str, Any] = {
        k.lower(): _num(by_key.get((k, p.code, root, ""))) for k in ("BUDGET_ALLOCATED", "BILLED", "PAID", "ARREARS")
    }
    real = by_key.get(("BUDGET_REALISATION", p.code, root, ""))
    budget["realisation"] = real.value if real else None
    budget["realisation_text"] = labels.percent(budget["realisation"])
    budget["regency_only"] = code != root

    def claims_for(count_code: str, amount_code: str) -> dict[str, Any]:
        n = _num(g(count_code))
        s = _num(g(amount_code))
        types = sorted(
            (v.breakdown.split(":", 1)[1], v.numerator or 0)
            for v in vals
            if v.indicator_id == amount_code and v.area_code == code and v.period == p.code and v.breakdown
        )
        counts = {
            v.breakdown.split(":", 1)[1]: v.numerator or 0
            for v in vals
            if v.indicator_id == count_code and v.area_code == code and v.period == p.code and v.breakdown
        }
        return {
            "count": n,
            "amount": s,
            "by_type": [(t, counts.get(t, 0), a) for t, a in types],
            "sentence": labels.claims_sentence(n, s) if n is not None and s is not None else "",
        }

    claims: dict[str, Any] = {
        "period": claims_for("CLAIMS_COUNT", "CLAIMS_AMOUNT"),
        "cumulative": claims_for("CLAIMS_COUNT_TOTAL", "CLAIMS_AMOUNT_TOTAL"),
    }
    ratio = by_key.get(("CLAIMS_RATIO", p.code, root, ""))
    claims["ratio_text"] = labels.percent(ratio.value if ratio else None)
    bsu = {
        "count": _num(g("BSU_COUNT")),
        "amount": _num(g("BSU_AMOUNT")),
        "cumulative_count": _num(g("BSU_COUNT_TOTAL")),
        "cumulative_amount": _num(g("BSU_AMOUNT_TOTAL")),
    }
    noms = {
        v.breakdown.split(":", 1)[1] if v.breakdown else "total": v.numerator or 0
        for v in vals
        if v.indicator_id == "NOMINATIONS" and v.area_code == code and v.period == p.code
    }
    age = (timezone.now() - snap.computed_at).total_seconds()
    lineage = [
        (c, n)
        for c, n in Region.objects.filter(code__in=ind.ancestors(code)).order_by("code").values_list("code", "name")
        if c == root or c.startswith(root + ".")
    ]
    return Dashboard(
        period=p,
        area_code=code,
        area_name=name,
        area_level=level,
        snapshot=snap,
        stale=age > max_age(),
        headline=headline,
        trend=trend_rows,
        by_segment=breakdown("segment", seg_names),
        by_category=breakdown("category", {}),
        by_funder=breakdown("funder", fund_names),
        ranking=bars(children),
        ranking_level=gettext("kecamatan") if level == 2 else gettext("desa/kelurahan"),
        desa_ranking=bars(desa) if desa else [],
        budget=budget,
        claims=claims,
        bsu=bsu,
        nominations=noms,
        gap=_num(g("GAP_EXPOSED")),
        follow_ups=open_follow_ups(),
        unavailable=dict(snap.unavailable or {}),
        lineage=lineage,
        coverage_by=sorted(
            (
                _breakdown_label(v.breakdown, seg_names, fund_names)
                if not v.breakdown.startswith("category:")
                else gettext("Kategori %(category)s") % {"category": v.breakdown.split(":", 1)[1]},
                v.numerator or 0,
                v.denominator,
                labels.percent(v.value),
            )
            for v in vals
            if v.indicator_id == "COVERAGE" and v.area_code == code and v.period == p.code and v.breakdown
        ),
    )


def values_for(p: ind.Period, area: str, indicator: str | None = None) -> list[IndicatorValue]:
    """Values of the period's snapshot for ``area`` (already scoped by the caller)."""
    snap = ensure_snapshot(p.code)
    qs = IndicatorValue.objects.filter(snapshot=snap, area_code=area)
    if indicator:
        qs = qs.filter(indicator_id=indicator)
    return list(qs.order_by("indicator_id", "period", "breakdown"))


def _safe(fn: Any, default: Any) -> Any:
    try:
        return fn()
    except queries.Unavailable:
        return default


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


def follow_ups_of(meeting: Meeting) -> list[FollowUp]:
    return list(meeting.follow_ups.select_related("organisation", "carried_from__meeting").order_by("number", "id"))


def dictionary_entries() -> list[dict[str, Any]]:
    """The indicator dictionary (``core/data/indicators.json``) in the user's language, in order."""
    return [labels.entry(d) for d in ind.INDICATORS]


def targets(year: int) -> QuerySet[Target]:
    return Target.objects.filter(year=year).select_related("indicator", "area")


def all_targets() -> QuerySet[Target]:
    return Target.objects.select_related("indicator", "area").order_by("-year", "area_id", "indicator_id")


def all_workforce() -> QuerySet[WorkforceDenominator]:
    return WorkforceDenominator.objects.select_related("area").order_by("-year", "area_id")


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
    snap = ensure_snapshot(p.code, user)
    value = (
        IndicatorValue.objects.filter(
            snapshot=snap, indicator_id=indicator, period=period, area_code=area, breakdown=breakdown
        )
        .select_related("indicator")
        .first()
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
        nq: Any = (
            Nomination
            .objects.filter(batch__created_at__date__gte=start, batch__created_at__date__lt=end)
            .exclude(batch__status="archived")
        )
        if area != root:
            nq = nq.filter(
                Q(region__code=area)
                | Q(region__code__startswith=area + ".")
                | Q(region__isnull=True, batch__region__code=area)
                | Q(region__isnull=True, batch__region__code__startswith=area + ".")
            )
        if breakdown.startswith("status:"):
            st = breakdown.split(":", 1)[1]
            nq = nq.filter(Q(reviewed_status=st) | Q(reviewed_status="", status=st))
        rows = [
            {
                "what": f"{f} baris {r}",
                "nik": nik if full_nik else mask_nik(nik),
                "village": v,
                "status": rv or st,
                "date": d,
                "amount": None,
            }
            for f, r, nik, v, st, rv, d in nq.order_by("batch_id", "row").values_list(
                "batch__file_name", "row", "nik", "village", "status", "reviewed_status", "batch__created_at__date"
            )[:TRACE_LIMIT]
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
        qs = Recipient.objects.filter(disbursed=True, paid_on__gte=start, paid_on__lt=end)
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

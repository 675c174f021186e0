"""Writes of the monitoring app: seed, indicator computation (snapshots), checklist, meetings,
follow-ups and API tokens. Every write checks the role first (``monitoring.permissions``)."""

from __future__ import annotations

import io
import secrets
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from ucjamsostek.accounts.permissions import MSG_FORBIDDEN, SYSTEM, recorded_user, require
from ucjamsostek.billing import accounts as billing_accounts
from ucjamsostek.billing import services as billing_services
from ucjamsostek.core import indicators as ind
from ucjamsostek.core.errors import UserError
from ucjamsostek.core.inpres import ACTION_TEMPLATES
from ucjamsostek.jobs import services as jobs
from ucjamsostek.jobs.models import Job
from ucjamsostek.monitoring import queries
from ucjamsostek.monitoring.models import (
    ActionItem,
    ActionStatus,
    ApiToken,
    FollowUp,
    FollowUpStatus,
    Indicator,
    IndicatorValue,
    IssuedReport,
    Meeting,
    ReportSetup,
    Snapshot,
    Target,
    WorkforceDenominator,
)
from ucjamsostek.monitoring.permissions import can_edit_action, can_manage_monev, can_view_monev
from ucjamsostek.regions.models import Region
from ucjamsostek.registry.masterdata import sync_rows

#: The programme's yearly target (DOMAIN.md §7: 10.000 pekerja rentan in 2026).
DEFAULT_TARGETS = ((2026, "pekerja_rentan", 10_000),)
#: Months of trend kept in a snapshot.
TREND_MONTHS = 24
#: Snapshots kept per period (older ones are deleted by a refresh).
KEEP_SNAPSHOTS = 2

Progress = Callable[[str, float], None]


# --------------------------------------------------------------------------------------------------
# Seed
# --------------------------------------------------------------------------------------------------


def sync_indicators() -> dict[str, int]:
    """The database copy of the indicator dictionary (``core/data/indicators.json``): the rows
    targets and values point to. Writes only what differs; entries no longer in the dictionary are
    marked inactive (their old values stay readable)."""
    got = sync_rows(
        Indicator,
        ("code",),
        [
            {
                "code": d.code,
                "name": d.name_id,
                "name_en": d.name_en,
                "unit": str(d.unit),
                "direction": str(d.direction),
                "formula": d.formula,
                "source": d.definition.id,
                "sort_order": d.sort_order,
                "active": True,
            }
            for d in ind.INDICATORS
        ],
    )
    Indicator.objects.exclude(code__in=list(ind.INDICATOR_BY_CODE)).filter(active=True).update(active=False)
    return got


def seed_monitoring(year: int | None = None) -> dict[str, int]:
    """Indicator definitions, the Inpres checklist of ``year`` (and the current year) and the
    default target. Idempotent: existing rows keep what people changed (status, evidence, …), and
    an indicator definition is written only when it differs from the shipped one. Returns the
    indicator definitions created or updated and the checklist items and targets created (all 0
    on a second run)."""
    defs = sync_indicators()
    years = {timezone.localdate().year}
    if year:
        years.add(year)
    created = 0
    for y in sorted(years):
        for t in ACTION_TEMPLATES:
            _, new = ActionItem.objects.get_or_create(
                code=t.code,
                year=y,
                defaults={
                    "number": t.number,
                    "title": t.title,
                    "description": t.description,
                    "basis": t.basis,
                    "responsible": t.opd_hint,
                    "due_date": date(y, 12, 31),
                },
            )
            created += new
    targets = 0
    root = Region.objects.filter(code=settings.AREA_CODE).first()
    if root is not None:
        active = Indicator.objects.get(code="ACTIVE")
        for y, segment, value in DEFAULT_TARGETS:
            _, new = Target.objects.get_or_create(
                indicator=active,
                year=y,
                area=root,
                breakdown=f"segment:{segment}",
                defaults={"value": value, "note": "Rakor Monev Juli 2025: target 10.000 pekerja rentan pada 2026"},
            )
            targets += new
    return {"indicators": defs["created"] + defs["updated"], "actions": created, "targets": targets}


# --------------------------------------------------------------------------------------------------
# Computation
# --------------------------------------------------------------------------------------------------


def _areas(root: str) -> dict[str, tuple[str, int]]:
    """code → (name, level) of the deployment area and everything inside it."""
    qs = Region.objects.filter(level__gte=2).filter(Q(code=root) | Q(code__startswith=root + "."))
    return {c: (n, lv) for c, n, lv in qs.values_list("code", "name", "level")}


def workforce(year: int, areas: dict[str, tuple[str, int]]) -> dict[str, tuple[int, str, int] | None]:
    """Workers per area for ``year``: the area's latest figure up to that year, else the sum of its
    children when every child has one. Returns code → (workers, source, year) or None."""
    latest: dict[str, tuple[int, str, int]] = {}
    for code, workers, source, y in (
        WorkforceDenominator.objects.filter(year__lte=year, breakdown="")
        .order_by("area_id", "year")
        .values_list("area_id", "workers", "source", "year")
    ):
        latest[code] = (workers, source, y)  # ordered by year: the last one wins
    children: dict[str, list[str]] = defaultdict(list)
    for code in areas:
        parent = ".".join(code.split(".")[:-1])
        if parent in areas:
            children[parent].append(code)
    out: dict[str, tuple[int, str, int] | None] = {}

    def resolve(code: str) -> tuple[int, str, int] | None:
        if code in out:
            return out[code]
        if code in latest:
            out[code] = latest[code]
        elif children.get(code):
            parts = [resolve(c) for c in children[code]]
            if all(p is not None for p in parts):
                got = [p for p in parts if p is not None]
                out[code] = (sum(p[0] for p in got), "jumlah wilayah di bawahnya", max(p[2] for p in got))
            else:
                out[code] = None
        else:
            out[code] = None
        return out[code]

    for code in sorted(areas, key=len):
        resolve(code)
    return out


def _rollup_within(values: dict[str, int], areas: dict[str, tuple[str, int]]) -> dict[str, int]:
    rolled = ind.rollup({k: v for k, v in values.items() if k})
    out = {c: rolled.get(c, 0) for c in areas}
    root = min(areas, key=len) if areas else ""
    if root and values.get(queries.UNKNOWN_AREA):
        out[root] += values[queries.UNKNOWN_AREA]
    return out


def refresh(period: str | ind.Period, user: Any = None, progress: Progress | None = None) -> Snapshot:
    """Compute every indicator of ``period`` for every area from the records into a new snapshot."""
    p = ind.parse_period(period) if isinstance(period, str) else period
    say: Progress = progress or (lambda stage, fraction: None)
    t0 = time.monotonic()
    root = settings.AREA_CODE
    areas = _areas(root)
    sync_indicators()
    units = {d.code: str(d.unit) for d in ind.INDICATORS}
    values: list[IndicatorValue] = []
    unavailable: dict[str, str] = {}
    today = timezone.localdate()
    # A running period is shown as it stands today ("per hari ini"), never as of a future day.
    as_of = min(p.last_day, today)
    snapshot = Snapshot(period=p.code, as_of=as_of, computed_by=recorded_user(user))

    def add(
        code: str,
        period_code: str,
        area: str,
        num: int | None,
        den: int | None = None,
        breakdown: str = "",
        trace: dict[str, Any] | None = None,
    ) -> None:
        values.append(
            IndicatorValue(
                indicator_id=code,
                period=period_code,
                area_code=area,
                breakdown=breakdown,
                is_ratio=units.get(code) == "percent",
                numerator=num,
                denominator=den,
                trace=trace or {},
            )
        )

    # ---- participants: BPU memberships past the 3-month arrears limit end first (DOMAIN.md §1),
    # so "active" means paid or within grace (the lapse is idempotent; ``billing lapse`` runs it too)
    say("Menghitung peserta aktif", 0.05)
    billing_services.apply_lapse(SYSTEM)
    # taken before anything is read: a change while it computes leaves the snapshot outdated
    snapshot.data_version = queries.data_version()
    active_total: dict[str, int] = {c: 0 for c in areas}
    active_by: dict[tuple[str, str], int] = {}
    try:
        starts, ends = queries.enrollment_month_flows()
        categories = queries.segment_categories()
        last_month = ind.period_of(p.last_day)
        first_data = min((m for _, m in starts), default=None)
        if first_data is not None and first_data <= last_month.start:
            months = ind.month_range(ind.period_of(first_data), last_month)
            flows = ind.active_by_month(starts, ends, months)
            trend = {m.code for m in months[-TREND_MONTHS:]}
            per_month: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
            # the trend per segment (village, "segment:…") — one series per segment on the dashboard
            per_month_seg: dict[str, dict[tuple[str, str], int]] = defaultdict(lambda: defaultdict(int))
            for (key, month_code), n in flows.items():
                if month_code in trend and n:
                    village, segment, _ = key.split("|")
                    per_month[month_code][village] += n
                    per_month_seg[month_code][(village, f"segment:{segment}")] += n
            last = {k: n for (k, mc), n in flows.items() if mc == last_month.code and n}
            if as_of < last_month.last_day:  # the running month: today's state, not its future last day
                last = {"|".join(k): n for k, n in queries.active_on(as_of).items() if n}
                per_month[last_month.code] = defaultdict(int)
                per_month_seg[last_month.code] = defaultdict(int)
                for key, n in last.items():
                    village, segment, _ = key.split("|")
                    per_month[last_month.code][village] += n
                    per_month_seg[last_month.code][(village, f"segment:{segment}")] += n
            for m in months[-TREND_MONTHS:]:
                rolled = _rollup_within(dict(per_month.get(m.code, {})), areas)
                day = min(m.last_day, as_of)
                tr = {"kind": "active", "as_of": day.isoformat()}
                for area, n in rolled.items():
                    add("ACTIVE", m.code, area, n, trace=tr)
                if m.code == p.code:  # the period's own month: its breakdowns are added below
                    continue
                for (area, bd), n in ind.rollup_keyed(dict(per_month_seg.get(m.code, {}))).items():
                    if area in areas and n:
                        add("ACTIVE", m.code, area, n, breakdown=bd, trace=tr)
            by_village: dict[str, int] = defaultdict(int)
            keyed: dict[tuple[str, str], int] = defaultdict(int)
            for key, n in last.items():
                village, segment, funder = key.split("|")
                by_village[village] += n
                keyed[(village, f"segment:{segment}")] += n
                keyed[(village, f"category:{categories.get(segment, '?')}")] += n
                keyed[(village, f"funder:{funder}")] += n
            active_total = _rollup_within(dict(by_village), areas)
            active_by = {k: v for k, v in ind.rollup_keyed(dict(keyed)).items() if k[0] in areas}
        has_trend = first_data is not None and first_data <= last_month.start
        if not has_trend or p.kind is not ind.PeriodKind.MONTH:
            for area, n in active_total.items():
                add("ACTIVE", p.code, area, n, trace={"kind": "active", "as_of": as_of.isoformat()})
        for (area, bd), n in active_by.items():
            add("ACTIVE", p.code, area, n, breakdown=bd, trace={"kind": "active", "as_of": as_of.isoformat()})
    except queries.Unavailable as exc:
        unavailable["ACTIVE"] = str(exc)

    # ---- coverage and targets
    say("Menghitung cakupan dan target", 0.35)
    wf = workforce(p.year, areas)
    for area in areas:
        w = wf.get(area)
        if w is not None:
            add("WORKERS", p.code, area, w[0], trace={"kind": "workforce", "source": w[1], "year": w[2]})
        add(
            "COVERAGE",
            p.code,
            area,
            active_total.get(area, 0),
            w[0] if w else None,
            trace={"kind": "coverage", "source": w[1] if w else "", "year": w[2] if w else None},
        )
    # Coverage per category/segment where the area has a denominator for it (its own figure only).
    latest_bd: dict[tuple[str, str], tuple[int, str, int]] = {}
    for area_code, bd, workers_n, source, y in (
        WorkforceDenominator.objects.filter(year__lte=p.year)
        .exclude(breakdown="")
        .order_by("area_id", "breakdown", "year")
        .values_list("area_id", "breakdown", "workers", "source", "year")
    ):
        latest_bd[(area_code, bd)] = (workers_n, source, y)
    for (area_code, bd), (workers_n, source, y) in latest_bd.items():
        if area_code not in areas:
            continue
        add(
            "WORKERS",
            p.code,
            area_code,
            workers_n,
            breakdown=bd,
            trace={"kind": "workforce", "source": source, "year": y},
        )
        add(
            "COVERAGE",
            p.code,
            area_code,
            active_by.get((area_code, bd), 0),
            workers_n,
            breakdown=bd,
            trace={"kind": "coverage", "source": source, "year": y},
        )
    for t in Target.objects.filter(indicator_id="ACTIVE", year=p.year).values("area_id", "breakdown", "value"):
        if t["area_id"] not in areas:
            continue
        actual = (
            active_total.get(t["area_id"], 0)
            if not t["breakdown"]
            else active_by.get((t["area_id"], t["breakdown"]), 0)
        )
        add(
            "TARGET_PROGRESS",
            p.code,
            t["area_id"],
            actual,
            t["value"],
            breakdown=t["breakdown"],
            trace={"kind": "target", "year": p.year},
        )

    # ---- coverage gap (people and person-days without cover inside the period)
    say("Menghitung celah perlindungan", 0.5)
    gap_end = as_of + timedelta(days=1)  # the period's end, or tomorrow while it runs
    tr = {"kind": "gap", "start": p.start.isoformat(), "end": gap_end.isoformat()}
    gap_people, gap_days = queries.gap_by_village(p.start, gap_end)
    for area, n in _rollup_within(gap_people, areas).items():
        add("GAP_EXPOSED", p.code, area, n, trace=tr)
    for area, n in _rollup_within(gap_days, areas).items():
        add("GAP_PERSON_DAYS", p.code, area, n, trace=tr)

    # ---- nominations
    say("Menghitung usulan", 0.65)
    try:
        noms = queries.nominations(p.start, p.end)
        per_status: dict[str, dict[str, int]] = defaultdict(dict)
        total: dict[str, int] = defaultdict(int)
        for (area, status), n in noms.items():
            per_status[status][area] = per_status[status].get(area, 0) + n
            total[area] += n
        tr = {"kind": "nominations", "start": p.start.isoformat(), "end": p.end.isoformat()}
        for area, n in _rollup_within(dict(total), areas).items():
            add("NOMINATIONS", p.code, area, n, trace=tr)
        for status, by_area in per_status.items():
            for area, n in _rollup_within(by_area, areas).items():
                if n:
                    add("NOMINATIONS", p.code, area, n, breakdown=f"status:{status}", trace=tr)
    except queries.Unavailable as exc:
        unavailable["NOMINATIONS"] = str(exc)

    # ---- claims: in the period, since the programme began, and those without cover
    say("Menghitung klaim", 0.75)
    claim_sets = (
        ("CLAIMS_COUNT", "CLAIMS_AMOUNT", p.start, queries.claims_paid),
        ("CLAIMS_COUNT_TOTAL", "CLAIMS_AMOUNT_TOTAL", ind.PROGRAMME_START, queries.claims_paid),
        ("CLAIMS_UNCOVERED", "CLAIMS_UNCOVERED_AMOUNT", ind.PROGRAMME_START, queries.claims_uncovered),
    )
    for count_code, amount_code, start, query in claim_sets:
        tr = {"kind": "claims", "start": start.isoformat(), "end": p.end.isoformat()}
        if count_code == "CLAIMS_UNCOVERED":
            tr["uncovered"] = "1"
        per_type = query(start, p.end)
        tot_n: dict[str, int] = defaultdict(int)
        tot_s: dict[str, int] = defaultdict(int)
        for kind, (counts, amounts) in per_type.items():
            for area, n in _rollup_within(counts, areas).items():
                if n:
                    add(count_code, p.code, area, n, breakdown=f"type:{kind}", trace=tr)
            for area, amount in _rollup_within(amounts, areas).items():
                if amount:
                    add(amount_code, p.code, area, amount, breakdown=f"type:{kind}", trace=tr)
            for k, v in counts.items():
                tot_n[k] += v
            for k, v in amounts.items():
                tot_s[k] += v
        for area, n in _rollup_within(dict(tot_n), areas).items():
            add(count_code, p.code, area, n, trace=tr)
        for area, amount in _rollup_within(dict(tot_s), areas).items():
            add(amount_code, p.code, area, amount, trace=tr)

    # ---- budget (regency level: agreements, invoices and payments are regency-wide)
    say("Menghitung anggaran", 0.85)
    year_start = date(p.year, 1, 1)
    money: dict[str, int | None] = {}
    sources: tuple[tuple[str, Callable[[], int], dict[str, Any]], ...] = (
        ("BUDGET_ALLOCATED", lambda: queries.allocated(p.year), {"kind": "allocated", "year": p.year}),
        (
            "BILLED",
            lambda: queries.billed(p.start, p.end),
            {"kind": "billed", "start": p.start.isoformat(), "end": p.end.isoformat()},
        ),
        (
            "PAID",
            lambda: queries.paid(p.start, p.end),
            {"kind": "paid", "start": p.start.isoformat(), "end": p.end.isoformat()},
        ),
        # year to date: what the dashboard's money cards show (a December month alone may be Rp0)
        (
            "BILLED_YTD",
            lambda: queries.billed(year_start, p.end),
            {"kind": "billed", "start": year_start.isoformat(), "end": p.end.isoformat()},
        ),
        (
            "PAID_YTD",
            lambda: queries.paid(year_start, p.end),
            {"kind": "paid", "start": year_start.isoformat(), "end": p.end.isoformat()},
        ),
    )
    for code, fn, tr in sources:
        try:
            money[code] = int(fn())
            add(code, p.code, root, money[code], trace=tr)
        except queries.Unavailable as exc:
            money[code] = None
            unavailable[code] = str(exc)
    paid_v = money.get("PAID")
    # The one arrears computation (``billing arrears`` too): payable amounts of the period's bills
    # less what settled them (SP2D, credits) up to today; an over-payment is a credit, not less arrears.
    add(
        "ARREARS",
        p.code,
        root,
        billing_accounts.arrears_total(p.start, p.end, today),
        trace={"kind": "arrears", "start": p.start.isoformat(), "end": p.end.isoformat(), "as_of": today.isoformat()},
    )
    add(
        "ARREARS_YTD",
        p.code,
        root,
        billing_accounts.arrears_total(year_start, p.end, today),
        trace={"kind": "arrears", "start": year_start.isoformat(), "end": p.end.isoformat(), "as_of": str(today)},
    )
    if paid_v is not None and money.get("BUDGET_ALLOCATED") is not None:
        # Realisation: paid for the months of the year up to the period's end ÷ the year's allocation.
        paid_ytd = queries.paid(year_start, p.end)
        add(
            "BUDGET_REALISATION",
            p.code,
            root,
            paid_ytd,
            money["BUDGET_ALLOCATED"],
            trace={"kind": "realisation", "start": year_start.isoformat(), "end": p.end.isoformat()},
        )
    else:
        unavailable["BUDGET_REALISATION"] = "Butuh data PKS dan pembayaran."
    claims_amount = next(
        (
            v.numerator
            for v in values
            if v.indicator_id == "CLAIMS_AMOUNT" and v.period == p.code and v.area_code == root and not v.breakdown
        ),
        None,
    )
    if paid_v is not None and claims_amount is not None:
        add("CLAIMS_RATIO", p.code, root, claims_amount, paid_v, trace={"kind": "claims_ratio"})
    else:
        unavailable["CLAIMS_RATIO"] = "Butuh data klaim dan pembayaran."

    # ---- assistance (BSU): distinct recipients and payouts, in the period and since the start
    for count_code, amount_code, start in (
        ("BSU_COUNT", "BSU_AMOUNT", p.start),
        ("BSU_COUNT_TOTAL", "BSU_AMOUNT_TOTAL", ind.PROGRAMME_START),
    ):
        tr = {"kind": "bsu", "start": start.isoformat(), "end": p.end.isoformat()}
        for prog, (counts, amounts) in queries.assistance_paid(start, p.end).items():
            breakdown = f"programme:{prog}" if prog else ""
            for area, n in _rollup_within(counts, areas).items():
                if n or not prog:
                    add(count_code, p.code, area, n, breakdown=breakdown, trace=tr)
            for area, s_ in _rollup_within(amounts, areas).items():
                if s_ or not prog:
                    add(amount_code, p.code, area, s_, breakdown=breakdown, trace=tr)

    say("Menyimpan", 0.95)
    snapshot.unavailable = unavailable
    snapshot.seconds = round(time.monotonic() - t0, 3)
    with transaction.atomic():
        snapshot.save()
        for row in values:
            row.snapshot = snapshot
        IndicatorValue.objects.bulk_create(values, batch_size=2000)
        old = list(Snapshot.objects.filter(period=p.code).order_by("-computed_at", "-id").values_list("pk", flat=True))
        Snapshot.objects.filter(pk__in=old[KEEP_SNAPSHOTS:]).delete()
    return snapshot


def refresh_kind(period: str) -> str:
    """The job kind of a period's recompute (one waiting or running job per period)."""
    return f"monitoring.refresh:{period}"


def start_refresh(user: Any, period: str) -> Job:
    """Queue the recompute of ``period`` (the refresh job) unless one is already waiting or
    running for it; returns that job. Pages never recompute themselves: they call this."""
    require(can_view_monev(user), MSG_FORBIDDEN)
    p = ind.parse_period(period)
    pending = Job.objects.filter(kind=refresh_kind(p.code), status__in=[Job.Status.QUEUED, Job.Status.RUNNING])
    waiting = pending.order_by("created_at").first()
    if waiting is not None:
        return waiting
    return jobs.start(refresh_kind(p.code), refresh_job, p.code, user=user)


def refresh_job(ctx: Any, period: str) -> dict[str, Any]:
    """Background-job body (``jobs.services.start``)."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(pk=ctx.user_id).first() if ctx.user_id else None
    snap = refresh(period, user=user, progress=ctx.progress)
    from django.urls import reverse

    return {
        "snapshot_id": snap.pk,
        "period": snap.period,
        "url": reverse("monitoring:index") + f"?period={snap.period}",
        "message": f"Indikator {snap.period} dihitung ulang.",
    }


# --------------------------------------------------------------------------------------------------
# Checklist, meetings, follow-ups
# --------------------------------------------------------------------------------------------------

ACTION_STATUS_CHOICES = ActionStatus.choices

ACTION_FIELDS = frozenset(
    {"status", "due_date", "evidence_url", "apbd_line", "notes", "organisation_id", "responsible", "evidence_file"}
)


def update_action(user: Any, item: ActionItem, **fields: Any) -> ActionItem:
    require(can_edit_action(user, item), MSG_FORBIDDEN)
    unknown = set(fields) - ACTION_FIELDS
    if unknown:
        raise UserError(f"Isian tidak dikenal: {', '.join(sorted(unknown))}")
    changed = {k: v for k, v in fields.items() if k == "evidence_file" or getattr(item, k) != v}
    if not changed:  # saving an unchanged form writes nothing
        return item
    for k, v in changed.items():
        setattr(item, k, v)
    item.updated_at = timezone.now()
    item.updated_by = recorded_user(user)
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def create_meeting(user: Any, day: date, period: str = "", title: str = "", place: str = "") -> Meeting:
    """A new meeting; every open follow-up of the previous meeting is carried into it."""
    require(can_manage_monev(user), MSG_FORBIDDEN)
    if period:
        ind.parse_period(period)
    meeting = Meeting.objects.create(
        date=day,
        period=period,
        title=title or "Rapat Koordinasi Monitoring dan Evaluasi",
        place=place,
        created_by=recorded_user(user),
    )
    previous = Meeting.objects.filter(date__lte=day).exclude(pk=meeting.pk).order_by("-date", "-id").first()
    if previous is not None:
        carried = list(previous.follow_ups.filter(status=FollowUpStatus.OPEN).order_by("number", "id"))
        for i, fu in enumerate(carried, start=1):
            FollowUp.objects.create(
                meeting=meeting,
                number=i,
                action=fu.action,
                owner=fu.owner,
                organisation_id=fu.organisation_id,
                deadline=fu.deadline,
                notes=fu.notes,
                carried_from=fu,
            )
        FollowUp.objects.filter(pk__in=[f.pk for f in carried]).update(status=FollowUpStatus.CARRIED)
    return meeting


def add_follow_up(
    user: Any,
    meeting: Meeting,
    action: str,
    owner: str,
    deadline: date | None = None,
    organisation_id: int | None = None,
) -> FollowUp:
    require(can_manage_monev(user), MSG_FORBIDDEN)
    number = (meeting.follow_ups.count() or 0) + 1
    fu = FollowUp(
        meeting=meeting, number=number, action=action, owner=owner, deadline=deadline, organisation_id=organisation_id
    )
    fu.full_clean()
    fu.save()
    return fu


def set_follow_up_status(user: Any, fu: FollowUp, status: str, notes: str | None = None) -> FollowUp:
    require(can_manage_monev(user), MSG_FORBIDDEN)
    if status not in FollowUpStatus.values:
        raise UserError(f"Status tidak dikenal: {status}")
    fu.status = status
    if notes is not None:
        fu.notes = notes
    fu.closed_at = timezone.localdate() if status == FollowUpStatus.DONE else None
    fu.save()
    return fu


def _check_breakdown(breakdown: str) -> None:
    if breakdown and not breakdown.startswith(("segment:", "funder:", "category:")):
        raise UserError("Rincian harus diawali segment:, funder: atau category:")


def _known_area(code: str) -> None:
    if not Region.objects.filter(code=code, level__gte=2).exists():
        raise UserError(f"Kode wilayah {code!r} tidak dikenal.")


def set_workforce(
    user: Any, area_code: str, year: int, workers: int, source: str, breakdown: str = ""
) -> WorkforceDenominator:
    require(can_manage_monev(user), MSG_FORBIDDEN)
    _known_area(area_code)
    _check_breakdown(breakdown)
    obj, _ = WorkforceDenominator.objects.update_or_create(
        area_id=area_code, year=year, breakdown=breakdown, defaults={"workers": workers, "source": source}
    )
    return obj


def load_workforce(user: Any, rows: list[dict[str, str]]) -> int:
    """Denominators from rows with ``kode_wilayah, tahun, jumlah_pekerja, sumber`` (the command
    line passes ``permissions.SYSTEM``). Every row is checked before anything is written."""
    require(can_manage_monev(user), MSG_FORBIDDEN)
    clean: list[tuple[str, int, int, str, str]] = []
    known = set(Region.objects.filter(level__gte=2).values_list("code", flat=True))
    for i, row in enumerate(rows, start=2):
        code = (row.get("kode_wilayah") or "").strip()
        if code not in known:
            raise UserError(f"kode wilayah {code!r} tidak dikenal", row=i)
        try:
            year = int((row.get("tahun") or "").strip())
            workers = int((row.get("jumlah_pekerja") or "").strip().replace(".", ""))
        except ValueError:
            raise UserError("tahun dan jumlah_pekerja harus bilangan bulat", row=i) from None
        source = (row.get("sumber") or "").strip()
        breakdown = (row.get("rincian") or "").strip()
        try:
            _check_breakdown(breakdown)
        except UserError as exc:
            raise UserError(exc.message, row=i) from None
        if not source:
            raise UserError("sumber data wajib diisi", row=i)
        if workers < 0:
            raise UserError("jumlah pekerja tidak boleh negatif", row=i)
        clean.append((code, year, workers, source, breakdown))
    with transaction.atomic():
        for code, year, workers, source, breakdown in clean:
            WorkforceDenominator.objects.update_or_create(
                area_id=code, year=year, breakdown=breakdown, defaults={"workers": workers, "source": source}
            )
    return len(clean)


def set_target(user: Any, indicator: str, year: int, area_code: str, value: int, breakdown: str = "") -> Target:
    require(can_manage_monev(user), MSG_FORBIDDEN)
    _known_area(area_code)
    _check_breakdown(breakdown)
    obj, _ = Target.objects.update_or_create(
        indicator_id=indicator, year=year, area_id=area_code, breakdown=breakdown, defaults={"value": value}
    )
    return obj


# --------------------------------------------------------------------------------------------------
# API tokens
# --------------------------------------------------------------------------------------------------


# --------------------------------------------------------------------------------------------------
# The report's letterhead and signatories; issued reports
# --------------------------------------------------------------------------------------------------

#: Fields of :class:`ReportSetup` a page may change (the logo has its own upload).
REPORT_SETUP_FIELDS = (
    "government",
    "office",
    "address",
    "place",
    "number_format",
    "leader_title",
    "leader_name",
    "head_title",
    "head_name",
    "head_nip",
)
#: Where the uploaded logo is kept, under ``MEDIA_ROOT`` (the data directory).
LOGO_DIR = "monev/kop"
LOGO_MAX_BYTES = 2 * 1024 * 1024
_LOGO_SUFFIX = {"PNG": "png", "JPEG": "jpg"}


def report_setup_row() -> ReportSetup:
    """The one :class:`ReportSetup` row (created empty on first use)."""
    row = ReportSetup.objects.order_by("pk").first()
    return row if row is not None else ReportSetup.objects.create()


def save_report_setup(user: Any, **fields: Any) -> ReportSetup:
    """Change the report's letterhead, place, number format and signatories (Admin and Dinas)."""
    require(can_manage_monev(user), MSG_FORBIDDEN)
    unknown = set(fields) - set(REPORT_SETUP_FIELDS)
    if unknown:
        raise UserError(f"Bidang pengaturan laporan tidak dikenal: {', '.join(sorted(unknown))}")
    fmt = fields.get("number_format")
    if fmt is not None and "{urut}" not in fmt:
        raise UserError("Format nomor laporan harus memuat {urut} (nomor urut).")
    row = report_setup_row()
    for name, value in fields.items():
        setattr(row, name, (value or "").strip() if name != "number_format" else value.strip())
    row.full_clean()
    row.save()
    return row


def store_logo(user: Any, data: bytes) -> ReportSetup:
    """Keep an uploaded logo (PNG or JPEG, at most 2 MB, checked by decoding it) in the data
    directory and use it on the report's letterhead."""
    require(can_manage_monev(user), MSG_FORBIDDEN)
    if len(data) > LOGO_MAX_BYTES:
        raise UserError("Berkas logo terlalu besar (paling besar 2 MB).")
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as im:
            kind = im.format or ""
            im.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise UserError("Berkas logo bukan gambar PNG atau JPEG yang dapat dibaca.") from exc
    if kind not in _LOGO_SUFFIX:
        raise UserError("Logo harus berupa gambar PNG atau JPEG.")
    folder = Path(settings.MEDIA_ROOT) / LOGO_DIR
    folder.mkdir(parents=True, exist_ok=True)
    name = f"logo-{secrets.token_hex(4)}.{_LOGO_SUFFIX[kind]}"
    (folder / name).write_bytes(data)
    row = report_setup_row()
    old = row.logo
    row.logo = name
    row.save(update_fields=["logo", "updated_at"])
    if old and old != name:
        (folder / old).unlink(missing_ok=True)
    return row


def remove_logo(user: Any) -> ReportSetup:
    require(can_manage_monev(user), MSG_FORBIDDEN)
    row = report_setup_row()
    if row.logo:
        (Path(settings.MEDIA_ROOT) / LOGO_DIR / row.logo).unlink(missing_ok=True)
        row.logo = ""
        row.save(update_fields=["logo", "updated_at"])
    return row


def report_number(fmt: str, seq: int, year: int) -> str:
    """``500.15/{urut}/Monev-UC/{tahun}`` with 7 and 2026 → ``500.15/007/Monev-UC/2026``."""
    return fmt.replace("{urut}", f"{seq:03d}").replace("{tahun}", str(year))


def issue_report(user: Any, period: str, area: str, kind: str, day: date | None = None) -> IssuedReport:
    """Give a report its number (the year's next) and its share token; the caller stores the file
    inside the same transaction (:func:`reports.report_job`)."""
    require(can_view_monev(user), MSG_FORBIDDEN)
    day = day or timezone.localdate()
    fmt = report_setup_row().number_format or ReportSetup._meta.get_field("number_format").get_default()
    for _attempt in range(5):
        last = IssuedReport.objects.filter(year=day.year).order_by("-seq").values_list("seq", flat=True).first()
        seq = (last or 0) + 1
        number = report_number(fmt, seq, day.year)
        if IssuedReport.objects.filter(number=number).exists():  # an edited format met an old number
            number = f"{number}-{seq}"
        try:
            with transaction.atomic():
                return IssuedReport.objects.create(
                    number=number,
                    year=day.year,
                    seq=seq,
                    period=period,
                    area_code=area,
                    kind=kind,
                    issued_on=day,
                    issued_by=recorded_user(user),
                    share_token=secrets.token_urlsafe(24),
                )
        except IntegrityError:  # two reports at once: take the next number
            continue
    raise UserError("Nomor laporan tidak dapat dibuat; coba lagi.")


def create_api_token(user: Any, name: str) -> tuple[ApiToken, str]:
    """A new token for ``user``; returns the row and the token text (shown once, stored hashed)."""
    key = "ucj_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, prefix=key[:8], key_hash=ApiToken.hash_key(key))
    return token, key


def revoke_api_token(token: ApiToken) -> None:
    token.revoked = True
    token.save(update_fields=["revoked"])

"""The year's list from nomination to BPJS (issue 10 §4): where the year's participant list stands,
step by step — screened → reviewed → verified → selected (the final budget scenario) → submitted
to BPJS → BPJS answer loaded → enrolled — each with its count, its dates, whether it is done and
where its records are. Reads only (a selector module); the page is ``monitoring:year_list``.

A step counts what belongs to the year:

* screened / reviewed: nomination batches uploaded in the year (archived ones left out); a row
  waits for review while its final decision (``screening.models.final_status``) is "review";
* verified: tiered verification (desa → kecamatan → Dinas, issue 10 §3) of those batches: the
  lists approved, those still waiting at each level, the dates of the decisions
  (``screening.Verification``); done when every list is approved;
* selected: the year's final budget scenario;
* submitted / answered / enrolled: the enrollments whose cover starts in the year; the dates are
  those of the registration submissions and BPJS answers recorded in the change log in the year.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Max, Min, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ucjamsostek.accounts import permissions as perms
from ucjamsostek.budget import selectors as budget_selectors
from ucjamsostek.registry.models import ChangeLog, Enrollment
from ucjamsostek.screening.models import Nomination, NominationBatch, ReviewDecision, Status, Verification

ANSWERED = (Enrollment.Status.ACTIVE, Enrollment.Status.ENDED, Enrollment.Status.REJECTED)


@dataclass
class Step:
    key: str
    label: str
    done: bool
    count: int | None
    detail: str
    url: str
    dates: tuple[date | None, date | None] = (None, None)
    extra: list[tuple[str, int]] = field(default_factory=list)


def _day(value: datetime | date | None) -> date | None:
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def _log_dates(year: int, reason_prefix: str) -> tuple[date | None, date | None]:
    agg = ChangeLog.objects.filter(
        model="registry.enrollment", reason__startswith=reason_prefix, at__year=year
    ).aggregate(first=Min("at"), last=Max("at"))
    return _day(agg["first"]), _day(agg["last"])


def _verified(batches: Any, files: int) -> Step:
    """Tiered verification of the year's lists: approved ones counted, those waiting named per
    level (each linking to the lists waiting there), dated by the decisions kept."""
    approved_level = NominationBatch.Level.APPROVED
    by_level = Counter(dict(batches.values_list("level").annotate(n=Count("id")).order_by()))
    approved = by_level.pop(approved_level, 0)
    v = Verification.objects.filter(batch__in=batches).aggregate(
        n=Count("id"), first=Min("decided_at"), last=Max("decided_at"),
        returned=Count("id", filter=Q(action=Verification.Action.RETURN)),
    )  # fmt: skip
    detail = _(
        "%(approved)s dari %(files)s berkas disetujui; %(n)s keputusan verifikasi, %(returned)s dikembalikan"
    ) % {"approved": approved, "files": files, "n": v["n"], "returned": v["returned"]}
    waiting = [
        (_("menunggu di tingkat %(level)s") % {"level": NominationBatch.Level(level).label}, int(n))
        for level, n in sorted(by_level.items())
    ]
    url = reverse("screening:index") + ("?tahap=menunggu" if by_level else f"?tahap={approved_level}")
    return Step("verified", _("Diverifikasi berjenjang"), files > 0 and not by_level, approved, detail, url,
                (_day(v["first"]), _day(v["last"])), waiting)  # fmt: skip


def year_steps(year: int, user: Any = None) -> list[Step]:
    """The seven steps of ``year``'s list, in order (see the module doc); a step whose records
    ``user`` may not open (the budget scenarios) has no link."""
    steps: list[Step] = []
    batches = NominationBatch.objects.exclude(status=NominationBatch.BatchStatus.ARCHIVED).filter(created_at__year=year)
    b = batches.aggregate(n=Count("id"), rows=Sum("row_count"), first=Min("created_at"), last=Max("created_at"))
    rows = int(b["rows"] or 0)
    steps.append(
        Step("screened", _("Divalidasi"), rows > 0, rows,
             _("%(rows)s baris dari %(files)s berkas") % {"rows": rows, "files": b["n"]},
             reverse("screening:index"), (_day(b["first"]), _day(b["last"])))
    )  # fmt: skip
    waiting = Nomination.objects.filter(batch__in=batches).final_status_is(Status.REVIEW).count()
    decisions = ReviewDecision.objects.filter(batch__in=batches, active=True)
    d = decisions.aggregate(n=Count("id"), first=Min("decided_at"), last=Max("decided_at"))
    steps.append(
        Step("reviewed", _("Ditinjau"), rows > 0 and waiting == 0, int(d["n"] or 0),
             _("%(n)s keputusan; %(waiting)s baris masih menunggu tinjauan") % {"n": d["n"], "waiting": waiting},
             reverse("screening:review"), (_day(d["first"]), _day(d["last"])))
    )  # fmt: skip
    steps.append(_verified(batches, int(b["n"] or 0)))
    final = budget_selectors.final_scenario(year)
    steps.append(
        Step("selected", _("Dipilih (skenario anggaran final)"), final is not None,
             final.selected_count if final else None,
             (_("Skenario '%(name)s'") % {"name": final.name}) if final else _("Belum ada skenario final."),
             reverse("budget:detail", args=[final.pk]) if final else reverse("budget:index"),
             (_day(final.finalized_at), _day(final.finalized_at)) if final else (None, None))
    )  # fmt: skip
    enrolments = Enrollment.objects.filter(coverage_start__year=year)
    by_status = Counter(dict(enrolments.values_list("status").annotate(n=Count("id")).order_by()))
    proposed = by_status.get(Enrollment.Status.PROPOSED, 0)
    submitted = sum(n for s, n in by_status.items() if s != Enrollment.Status.PROPOSED)
    steps.append(
        Step("submitted", _("Didaftarkan ke BPJS"), submitted > 0 and proposed == 0, submitted,
             _("%(n)s didaftarkan; %(proposed)s masih diusulkan") % {"n": submitted, "proposed": proposed},
             reverse("agreements:index"), _log_dates(year, "Didaftarkan ke BPJS"))
    )  # fmt: skip
    rejected = by_status.get(Enrollment.Status.REJECTED, 0)
    accepted = by_status.get(Enrollment.Status.ACTIVE, 0) + by_status.get(Enrollment.Status.ENDED, 0)
    pending = by_status.get(Enrollment.Status.SUBMITTED, 0)
    reasons = (
        enrolments.filter(status=Enrollment.Status.REJECTED)
        .values_list("reason")
        .annotate(n=Count("id"))
        .order_by("-n", "reason")
    )
    steps.append(
        Step("answered", _("Jawaban BPJS dimuat"), accepted + rejected > 0 and pending == 0, accepted + rejected,
             _("%(acc)s diterima, %(rej)s ditolak; %(pending)s menunggu jawaban")
             % {"acc": accepted, "rej": rejected, "pending": pending},
             reverse("agreements:index"), _log_dates(year, "Jawaban pendaftaran BPJS"),
             [(r or _("tanpa alasan"), int(n)) for r, n in reasons[:5]])
    )  # fmt: skip
    covered = enrolments.filter(status__in=(Enrollment.Status.ACTIVE, Enrollment.Status.ENDED))
    c: dict[str, Any] = covered.aggregate(
        people=Count("person", distinct=True), first=Min("coverage_start"), last=Max("coverage_end"),
        open=Count("id", filter=Q(coverage_end__isnull=True)),
    )  # fmt: skip
    end = None if c["open"] else c["last"]
    steps.append(
        Step("enrolled", _("Terdaftar (masa perlindungan)"), c["people"] > 0, c["people"],
             _("%(n)s orang terlindungi") % {"n": c["people"]}, reverse("registry:search"), (c["first"], end))
    )  # fmt: skip
    if user is not None and not perms.can_view_budget(user):
        for step in steps:
            if step.key == "selected":
                step.url = ""
    return steps

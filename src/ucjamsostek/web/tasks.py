"""The landing page "Tugas saya" (issue 10 §5): what waits for the user, per role, on the landing page.

Each task counts what the user must do and links to the page where it is done; the figures are
read from the selectors that own them (nothing is recomputed here), scoped as those selectors
scope them (``accounts.permissions``):

| task | who | read from |
|---|---|---|
| rows and pairs to review | may review (area/OPD: of their scope) | ``screening.queue.work_queue`` |
| lists to verify, per level | decides at a verification level | ``screening.queries.batches_to_verify`` |
| bills to reconcile | loads BPJS files | ``billing.selectors.arrears_rows`` (not reconciled) |
| bills to pay | records SP2D payments | ``billing.selectors.arrears_rows`` (outstanding) |
| a PKS that ends within 90 days | manages PKS or pays bills | ``agreements.selectors.warnings`` |
| follow-ups past due | runs the meetings; an OPD its own | ``monitoring.selectors.overdue_follow_ups`` |

Leadership does not land here (``accounts.permissions.lands_on_dashboard``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ucjamsostek.accounts import permissions as perms
from ucjamsostek.agreements import selectors as agreements
from ucjamsostek.billing import selectors as billing
from ucjamsostek.monitoring import permissions as monev_perms
from ucjamsostek.monitoring import selectors as monitoring
from ucjamsostek.screening import queries as screening
from ucjamsostek.screening import queue

#: A PKS ending within this many days is a task (the issue: "a PKS that ends within 90 days").
PKS_WITHIN_DAYS = 90
#: Records named under a task; the rest are behind its link.
SHOWN = 5


@dataclass
class Task:
    key: str
    label: str
    count: int
    url: str
    items: list[tuple[str, str]] = field(default_factory=list)  # (text, url) of the first records


def _review(user: Any) -> Task:
    return Task(
        "review",
        _("Baris dan pasangan duplikat menunggu tinjauan"),
        queue.waiting_total(user),
        reverse("screening:review"),
    )


def _verify(user: Any) -> list[Task]:
    by_level: dict[int, list[Any]] = {}
    for batch in screening.batches_to_verify(user):
        by_level.setdefault(batch.level, []).append(batch)
    level = perms.verification_level(user)
    if not by_level and level is not None:
        by_level[level] = []
    tasks = []
    for lvl, batches in sorted(by_level.items()):
        label = dict(screening.stage_choices()).get(str(lvl), str(lvl))
        items = [(f"{b.file_name} · {b.source_name}", reverse("screening:batch", args=[b.pk])) for b in batches[:SHOWN]]
        tasks.append(
            Task(f"verify-{lvl}", _("Berkas menunggu verifikasi Anda (tingkat %(level)s)") % {"level": label},
                 len(batches), reverse("screening:index") + f"?tahap={lvl}", items)
        )  # fmt: skip
    return tasks


def _bill_text(row: dict[str, Any]) -> str:
    return _("Tagihan %(period)s (%(number)s)") % {"period": f"{row['period']:%m-%Y}", "number": row["number"] or "—"}


def _bills(user: Any, rows: list[dict[str, Any]], *, key: str, label: str) -> Task:
    items = [(_bill_text(r), reverse("billing:invoice", args=[r["bill"]])) for r in rows[:SHOWN]]
    return Task(key, label, len(rows), reverse("billing:index"), items)


def _agreements_ending(user: Any, today: date) -> Task:
    ending = agreements.warnings(user, today, within_days=PKS_WITHIN_DAYS, enrollments=False).ending
    items = [
        (_("PKS %(number)s, hari terakhir %(day)s") % {"number": r["number"], "day": date_format(r["last_day"])},
         reverse("agreements:detail", args=[r["id"]]))
        for r in ending[:SHOWN]
    ]  # fmt: skip
    label = _("PKS berakhir dalam %(days)s hari tanpa pengganti") % {"days": PKS_WITHIN_DAYS}
    return Task("pks", label, len(ending), reverse("agreements:index"), items)


def _follow_ups(user: Any, today: date) -> Task:
    late = [f for f in monitoring.overdue_follow_ups(today) if monev_perms.owns_follow_up(user, f)]
    items = [
        (
            f"{f.action[:80]} · {date_format(f.deadline) if f.deadline else '—'}",
            reverse("monitoring:meeting", args=[f.meeting_id]),
        )
        for f in late[:SHOWN]
    ]
    return Task("follow-ups", _("Tindak lanjut rapat melewati batas waktu"), len(late),
                reverse("monitoring:meetings"), items)  # fmt: skip


def my_tasks(user: Any, today: date | None = None) -> list[Task]:
    """The tasks of ``user``'s role, in the order of the flow (an empty list for a role with none)."""
    today = today or timezone.localdate()
    tasks: list[Task] = []
    if perms.can_review(user):
        tasks.append(_review(user))
    if perms.verification_level(user) is not None:
        tasks += _verify(user)
    reconcile, pay = perms.can_upload_bpjs_files(user), perms.can_record_payment(user)
    if reconcile or pay:
        rows = billing.arrears_rows(user, today)
        if reconcile:
            todo = [r for r in rows if not r["reconciled"]]
            tasks.append(_bills(user, todo, key="reconcile", label=_("Tagihan BPJS belum direkonsiliasi")))
        if pay:
            todo = [r for r in rows if r["outstanding"] > 0]
            tasks.append(_bills(user, todo, key="pay", label=_("Tagihan BPJS belum lunas dibayar")))
    if perms.can_manage_agreements(user) or pay:
        tasks.append(_agreements_ending(user, today))
    if monev_perms.can_manage_monev(user) or perms.own_organisation(user) is not None:
        tasks.append(_follow_ups(user, today))
    return tasks

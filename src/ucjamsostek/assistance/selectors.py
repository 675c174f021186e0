"""Assistance reads: programmes, their lists (tahap) and recipients (NIK masked by role), and the
figures of payouts — :func:`disbursements` and :func:`totals` are the one definition the
programme page, ``assistance list`` and the Rakor Monev read: a *payment* is a disbursed line, a
*recipient* (penerima) is a distinct person (NIK) with at least one, and the amount at stake of a
reason is what was disbursed on the lines that carry it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum

from ucjamsostek.accounts import permissions as perm
from ucjamsostek.assistance.models import AssistanceProgramme, Recipient, RecipientList
from ucjamsostek.core.assistance import REASON_LABELS, ReasonTotal, reason_totals
from ucjamsostek.registry.selectors import display_nik


def programmes(user: Any) -> QuerySet[AssistanceProgramme]:
    if not perm.has_role(user):
        return AssistanceProgramme.objects.none()
    paid = Q(recipients__disbursed=True)
    return AssistanceProgramme.objects.annotate(
        recipients_count=Count("recipients"),
        eligible_count=Count("recipients", filter=Q(recipients__eligible=True)),
        disbursed_count=Count("recipients", filter=paid),
        disbursed_people=Count("recipients__nik", filter=paid, distinct=True),
        disbursed_total=Sum("recipients__amount", filter=paid),
        disbursed_ineligible=Sum("recipients__amount", filter=paid & Q(recipients__eligible=False)),
    )  # one relation only: a second join (lists) would multiply these sums


def get_programme(user: Any, pk: Any) -> AssistanceProgramme | None:
    return programmes(user).filter(pk=pk).first()


def disbursements(
    start: date | None = None,
    end: date | None = None,
    programme: AssistanceProgramme | str | None = None,
    area: str | None = None,
) -> QuerySet[Recipient]:
    """Disbursed lines (tersalur) of every list of the programme (``None``: of every programme,
    a code or the programme), with a payout date in ``[start, end)`` when a bound is given, of
    the people living in ``area`` (a Kemendagri code below the deployment's; the deployment's own
    area or ``None``: everyone, NIKs not in the registry included)."""
    qs = Recipient.objects.filter(disbursed=True)
    if area and area != settings.AREA_CODE:
        qs = qs.filter(Q(person__village__code=area) | Q(person__village__code__startswith=area + "."))
    if isinstance(programme, str):
        qs = qs.filter(programme__code=programme)
    elif programme is not None:
        qs = qs.filter(programme=programme)
    if start is not None:
        qs = qs.filter(paid_on__gte=start)
    if end is not None:
        qs = qs.filter(paid_on__lt=end)
    return qs


@dataclass(frozen=True)
class AssistanceTotals:
    payments: int  # disbursed lines
    people: int  # distinct NIKs paid at least once (the recipients, "penerima")
    amount: int  # rupiah disbursed
    eligible_people: int  # distinct NIKs with a disbursed line that passed every check
    flagged_payments: int  # disbursed lines that did not
    flagged_amount: int  # the rupiah at stake on those lines
    flagged_people: int  # distinct NIKs on them
    reasons: list[ReasonTotal] = field(default_factory=list)  # per reason: lines, people, rupiah disbursed

    @property
    def double_payments(self) -> int:
        """Payments beyond the first to the same person."""
        return self.payments - self.people


def totals(
    start: date | None = None,
    end: date | None = None,
    programme: AssistanceProgramme | str | None = None,
    area: str | None = None,
) -> AssistanceTotals:
    """Payments, distinct recipients, rupiah and the flagged part of :func:`disbursements`."""
    rows = list(disbursements(start, end, programme, area).values_list("nik", "reasons", "eligible", "amount"))
    return AssistanceTotals(
        payments=len(rows),
        people=len({r[0] for r in rows}),
        amount=sum(int(r[3] or 0) for r in rows),
        eligible_people=len({r[0] for r in rows if r[2]}),
        flagged_payments=sum(1 for r in rows if not r[2]),
        flagged_amount=sum(int(r[3] or 0) for r in rows if not r[2]),
        flagged_people=len({r[0] for r in rows if not r[2]}),
        reasons=reason_totals((nik, reasons, True, amount) for nik, reasons, _, amount in rows),
    )


def lists(programme: AssistanceProgramme) -> QuerySet[RecipientList]:
    """The programme's lists (tahap) with their disbursed lines, people and rupiah."""
    paid = Q(recipients__disbursed=True)
    return RecipientList.objects.filter(programme=programme).annotate(
        disbursed_count=Count("recipients", filter=paid),
        disbursed_people=Count("recipients__nik", filter=paid, distinct=True),
        disbursed_total=Sum("recipients__amount", filter=paid),
        flagged_total=Sum("recipients__amount", filter=paid & Q(recipients__eligible=False)),
    )


def recipient_rows(user: Any, programme: AssistanceProgramme, *, only_problems: bool = False) -> list[dict[str, Any]]:
    """The programme's recipient lines in ``user``'s scope: a line belongs to the registry's person
    with its NIK; a line whose NIK the registry does not hold only regency-wide roles see."""
    qs = perm.scope_people(user, Recipient.objects.filter(programme=programme), prefix="person__")
    qs = qs.select_related("batch").order_by("batch__number", "line")
    if only_problems:
        qs = qs.filter(eligible=False)
    return [
        {
            "tahap": r.batch.number,
            "line": r.line,
            "nik": display_nik(user, r.nik),
            "amount": r.amount,
            "paid_on": r.paid_on,
            "status": r.status,
            "disbursed": r.disbursed,
            "eligible": r.eligible,
            "at_stake": r.amount if r.disbursed and not r.eligible else None,
            "reasons": [REASON_LABELS.get(c, c) for c in r.reasons],
        }
        for r in qs
    ]


def can_upload(user: Any) -> bool:
    return perm.can_upload_bpjs_files(user)

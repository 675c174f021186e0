"""Assistance reads: programmes, recipients (NIK masked by role), totals."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from ucjamsostek.accounts import permissions as perm
from ucjamsostek.assistance.models import AssistanceProgramme, Recipient
from ucjamsostek.core.assistance import REASON_LABELS
from ucjamsostek.registry.selectors import display_nik


def programmes(user: Any) -> QuerySet[AssistanceProgramme]:
    if not perm.has_role(user):
        return AssistanceProgramme.objects.none()
    return AssistanceProgramme.objects.annotate(
        recipients_count=Count("recipients"),
        eligible_count=Count("recipients", filter=Q(recipients__eligible=True)),
        disbursed_count=Count("recipients", filter=Q(recipients__disbursed=True)),
        disbursed_total=Sum("recipients__amount", filter=Q(recipients__disbursed=True)),
        disbursed_ineligible=Sum(
            "recipients__amount", filter=Q(recipients__disbursed=True, recipients__eligible=False)
        ),
    )


def get_programme(user: Any, pk: Any) -> AssistanceProgramme | None:
    return programmes(user).filter(pk=pk).first()


def recipient_rows(user: Any, programme: AssistanceProgramme, *, only_problems: bool = False) -> list[dict[str, Any]]:
    qs = Recipient.objects.filter(programme=programme).order_by("line")
    if only_problems:
        qs = qs.filter(eligible=False)
    return [
        {
            "line": r.line,
            "nik": display_nik(user, r.nik),
            "amount": r.amount,
            "paid_on": r.paid_on,
            "status": r.status,
            "disbursed": r.disbursed,
            "eligible": r.eligible,
            "reasons": [REASON_LABELS.get(c, c) for c in r.reasons],
        }
        for r in qs
    ]


def can_upload(user: Any) -> bool:
    return perm.can_upload_bpjs_files(user)

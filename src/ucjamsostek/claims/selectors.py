"""Claim reads: which claims count (:func:`paid_claims`, the one definition of "klaim dibayar"),
lists and analytics (count and rupiah by type, month, kecamatan, occupation; claims ratio per
year; time from incident to payment), and the flagged claims shown apart."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import polars as pl
from django.db.models import QuerySet

from ucjamsostek.accounts import permissions as perm
from ucjamsostek.billing.models import Payment
from ucjamsostek.claims.models import Claim
from ucjamsostek.core import claims as cc
from ucjamsostek.core.projection import ClaimExperience, claim_experience, exposure_months
from ucjamsostek.registry.models import COVERED_STATUSES, Enrollment
from ucjamsostek.registry.selectors import display_name_in_list, display_nik


def claims_for(user: Any) -> QuerySet[Claim]:
    return perm.scope_people(user, Claim.objects.select_related("person", "person__village"), prefix="person__")


def _paid_between(qs: QuerySet[Claim], start: date | None, end: date | None) -> QuerySet[Claim]:
    qs = qs.filter(paid_on__isnull=False)
    if start is not None:
        qs = qs.filter(paid_on__gte=start)
    if end is not None:
        qs = qs.filter(paid_on__lt=end)
    return qs


def paid_claims(start: date | None = None, end: date | None = None) -> QuerySet[Claim]:
    """The claims that count as paid in ``[start, end)`` (either bound open when None): a payment
    date in the interval and no verifier flag (a duplicate, a second JKM, a claimant not in the
    registry… is shown apart, see :func:`flagged_claims`). The one definition that ``claims
    summary``, the claims page, the Rakor Monev claim indicators and the budget's claims outlook
    read."""
    return _paid_between(Claim.objects.filter(flagged=False), start, end)


def flagged_claims(start: date | None = None, end: date | None = None) -> QuerySet[Claim]:
    """The flagged claims paid in ``[start, end)``, kept apart from :func:`paid_claims`."""
    return _paid_between(Claim.objects.filter(flagged=True), start, end)


@dataclass(frozen=True)
class FlagTotal:
    code: str
    label: str
    claims: int
    amount: int


def flag_totals(claims: Iterable[tuple[list[str], int]]) -> list[FlagTotal]:
    """``(flags, amount)`` of flagged claims → count and rupiah per flag, in the flags' order (a
    claim with two flags counts under each)."""
    count: dict[str, int] = {}
    amount: dict[str, int] = {}
    for flags, rupiah in claims:
        for code in flags:
            count[code] = count.get(code, 0) + 1
            amount[code] = amount.get(code, 0) + int(rupiah or 0)
    return [FlagTotal(c, cc.FLAG_LABELS[c], count[c], amount[c]) for c in cc.FLAG_LABELS if c in count]


def claims_frame(person_ids: list[int] | None = None) -> pl.DataFrame:
    """``claim_id, person_id, type, incident_date, paid_date, amount, district, occupation,
    uncovered, flagged``."""
    qs = Claim.objects.all()
    if person_ids is not None:
        qs = qs.filter(person_id__in=person_ids)
    rows = list(
        qs.values_list(
            "pk",
            "person_id",
            "type",
            "incident_date",
            "paid_on",
            "amount",
            "person__village__parent__name",
            "person__occupation__name",
            "uncovered",
            "flagged",
        )
    )
    return pl.DataFrame(
        rows,
        schema={
            "claim_id": pl.Int64,
            "person_id": pl.Int64,
            "type": pl.Utf8,
            "incident_date": pl.Date,
            "paid_date": pl.Date,
            "amount": pl.Int64,
            "district": pl.Utf8,
            "occupation": pl.Utf8,
            "uncovered": pl.Boolean,
            "flagged": pl.Boolean,
        },
        orient="row",
    )


@dataclass
class ClaimAnalytics:
    """Paid, unflagged claims (:func:`paid_claims`) in ``[start, end)``; flagged ones apart."""

    total_claims: int
    total_amount: int
    uncovered: int
    by: dict[str, list[dict[str, Any]]]
    ratio: list[dict[str, Any]]
    lag: dict[str, int | None]
    in_process: int = 0  # unflagged claims without a payment date (any time)
    flagged_claims: int = 0
    flagged_amount: int = 0
    flags: list[FlagTotal] = field(default_factory=list)


def analytics(user: Any, start: date | None = None, end: date | None = None) -> ClaimAnalytics:
    scoped = claims_for(user)
    paid = _paid_between(scoped, start, end)
    ids = list(paid.filter(flagged=False).values_list("pk", flat=True))
    frame = claims_frame().filter(pl.col("claim_id").is_in(ids))
    frame = cc.with_month(frame).with_columns(pl.col("district", "occupation").fill_null("(tidak diketahui)"))
    by = {d: list(cc.by_dimension(frame, d).iter_rows(named=True)) for d in ("type", "month", "district", "occupation")}
    by["month"] = sorted(by["month"], key=lambda r: r["month"])
    pays = list(Payment.objects.values_list("paid_on", "amount"))
    contributions = pl.DataFrame(
        {"year": [p[0].year for p in pays], "amount": [p[1] for p in pays]},
        schema={"year": pl.Int32, "amount": pl.Int64},
    )
    flagged = list(paid.filter(flagged=True).values_list("flags", "amount"))
    return ClaimAnalytics(
        total_claims=frame.height,
        total_amount=int(frame["amount"].fill_null(0).sum()) if frame.height else 0,
        uncovered=int(frame["uncovered"].sum()) if frame.height else 0,
        by=by,
        ratio=list(cc.claims_ratio(frame, contributions).iter_rows(named=True)),
        lag=cc.payment_lag(frame),
        in_process=scoped.filter(flagged=False, paid_on__isnull=True).count(),
        flagged_claims=len(flagged),
        flagged_amount=sum(int(a or 0) for _, a in flagged),
        flags=flag_totals(flagged),
    )


def flagged_rows(user: Any, limit: int = 500) -> list[dict[str, Any]]:
    """Every flagged claim (paid or not) with its file and row and the flags' labels, NIK and
    name shown as the role may see them."""
    return [
        {
            "source": c.source_name,
            "row": c.source_row,
            "nik": display_nik(user, c.nik),
            "name": display_name_in_list(user, c.person.name) if c.person else "",
            "type": c.type,
            "incident_date": c.incident_date,
            "paid_on": c.paid_on,
            "amount": c.amount,
            "flags": [cc.FLAG_LABELS.get(f, f) for f in c.flags],
        }
        for c in claims_for(user).filter(flagged=True).order_by("source_name", "source_row", "pk")[:limit]
    ]


def claim_list(user: Any, kind: str = "") -> QuerySet[Claim]:
    """Every claim in ``user``'s scope (of one type when ``kind`` is a type), latest incident first."""
    qs = claims_for(user).order_by("-incident_date", "-pk")
    return qs.filter(type=kind) if kind in Claim.Type.values else qs


def claim_types() -> list[tuple[str, str]]:
    """The claim types (JKK, JKM, beasiswa) for the list's filter."""
    return [(str(v), str(label)) for v, label in Claim.Type.choices]


def claim_rows(user: Any, claims: Iterable[Claim]) -> list[dict[str, Any]]:
    """Claims as the list shows them: NIK and name as the role may see them."""
    return [
        {
            "nik": display_nik(user, c.nik),
            "name": display_name_in_list(user, c.person.name) if c.person else "",
            "type": c.type,
            "incident_date": c.incident_date,
            "paid_on": c.paid_on,
            "amount": c.amount,
            "status": c.status,
            "uncovered": c.uncovered,
            "flagged": c.flagged,
        }
        for c in claims
    ]


def recent_claims(user: Any, limit: int = 200) -> list[dict[str, Any]]:
    """The latest claims by incident date, NIK and name shown as the role may see them."""
    return claim_rows(user, claim_list(user)[:limit])


def claim_history(as_of: date | None = None) -> list[ClaimExperience]:
    """The programme's own claim experience (the budget pages' claims outlook): paid claims per
    type over the participant-months of covered enrollments (``registry.COVERED_STATUSES``: a
    person registered but not yet accepted by BPJS cannot claim, so is no exposure). A flagged
    claim (a duplicate…) is no experience."""
    as_of = as_of or date.today()
    rows = list(Claim.objects.filter(amount__gt=0, flagged=False).values_list("type", "amount"))
    if not rows:
        return []
    coverages = list(
        Enrollment.objects.filter(status__in=COVERED_STATUSES).values_list("coverage_start", "coverage_end")
    )
    exposure = exposure_months(pl.DataFrame(coverages, schema={"start": pl.Date, "end": pl.Date}, orient="row"), as_of)
    claims = pl.DataFrame(rows, schema={"claim_type": pl.Utf8, "amount": pl.Int64}, orient="row")
    return claim_experience(claims, exposure)

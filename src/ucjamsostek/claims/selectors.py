"""Claim reads: lists and analytics (count and rupiah by type, month, kecamatan, occupation;
claims ratio per year; time from incident to payment)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl
from django.db.models import Q, QuerySet

from ucjamsostek.accounts import permissions as perm
from ucjamsostek.billing.models import Payment
from ucjamsostek.claims.models import Claim
from ucjamsostek.core import claims as cc
from ucjamsostek.core.projection import ClaimExperience, claim_experience, exposure_months
from ucjamsostek.registry.models import COVERED_STATUSES, Enrollment
from ucjamsostek.registry.selectors import display_name_in_list, display_nik


def claims_for(user: Any) -> QuerySet[Claim]:
    return perm.scope_people(user, Claim.objects.select_related("person", "person__village"), prefix="person__")


def claims_frame(person_ids: list[int] | None = None) -> pl.DataFrame:
    """``claim_id, person_id, type, incident_date, paid_date, amount, district, occupation, uncovered``."""
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
        },
        orient="row",
    )


@dataclass
class ClaimAnalytics:
    total_claims: int
    total_amount: int
    uncovered: int
    by: dict[str, list[dict[str, Any]]]
    ratio: list[dict[str, Any]]
    lag: dict[str, int | None]


def analytics(user: Any) -> ClaimAnalytics:
    ids = None if perm.people_q(user) == Q() else list(claims_for(user).values_list("pk", flat=True))
    frame = claims_frame()
    if ids is not None:
        frame = frame.filter(pl.col("claim_id").is_in(ids))
    frame = cc.with_month(frame).with_columns(pl.col("district", "occupation").fill_null("(tidak diketahui)"))
    by = {d: list(cc.by_dimension(frame, d).iter_rows(named=True)) for d in ("type", "month", "district", "occupation")}
    by["month"] = sorted(by["month"], key=lambda r: r["month"])
    pays = list(Payment.objects.values_list("paid_on", "amount"))
    contributions = pl.DataFrame(
        {"year": [p[0].year for p in pays], "amount": [p[1] for p in pays]},
        schema={"year": pl.Int32, "amount": pl.Int64},
    )
    return ClaimAnalytics(
        total_claims=frame.height,
        total_amount=int(frame["amount"].fill_null(0).sum()) if frame.height else 0,
        uncovered=int(frame["uncovered"].sum()) if frame.height else 0,
        by=by,
        ratio=list(cc.claims_ratio(frame, contributions).iter_rows(named=True)),
        lag=cc.payment_lag(frame),
    )


def recent_claims(user: Any, limit: int = 200) -> list[dict[str, Any]]:
    """The latest claims by incident date, NIK and name shown as the role may see them."""

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
        }
        for c in claims_for(user).order_by("-incident_date")[:limit]
    ]


def claim_history(as_of: date | None = None) -> list[ClaimExperience]:
    """The programme's own claim experience (the budget pages' claims outlook): paid claims per
    type over the participant-months of covered enrollments (``registry.COVERED_STATUSES``: a
    person registered but not yet accepted by BPJS cannot claim, so is no exposure)."""
    as_of = as_of or date.today()
    rows = list(Claim.objects.filter(amount__gt=0).values_list("type", "amount"))
    if not rows:
        return []
    coverages = list(
        Enrollment.objects.filter(status__in=COVERED_STATUSES).values_list("coverage_start", "coverage_end")
    )
    exposure = exposure_months(pl.DataFrame(coverages, schema={"start": pl.Date, "end": pl.Date}, orient="row"), as_of)
    claims = pl.DataFrame(rows, schema={"claim_type": pl.Utf8, "amount": pl.Int64}, orient="row")
    return claim_experience(claims, exposure)

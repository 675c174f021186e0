"""Agreement reads: lists, detail with addenda, warnings, and the coverage gap report."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import polars as pl
from django.db.models import Count, IntegerField, Min, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy

from ucjamsostek.accounts import permissions as perm
from ucjamsostek.agreements.models import TRANSITIONS, Agreement, AgreementDocument, Amendment, Coverage
from ucjamsostek.claims.selectors import claims_frame
from ucjamsostek.core import coverage as cov
from ucjamsostek.core.money import format_number, format_rupiah
from ucjamsostek.core.rates import add_months
from ucjamsostek.registry.models import COVERED_STATUSES, ENROLLED_STATUSES, Enrollment, Person
from ucjamsostek.registry.selectors import display_name_in_list, display_nik
from ucjamsostek.screening.selectors import death_dates


def _may_read(user: Any) -> bool:
    return perm.has_role(user)


def agreements(user: Any) -> QuerySet[Agreement]:
    if not _may_read(user):
        return Agreement.objects.none()
    # A correlated count on the coverage index: a join + GROUP BY over every agreement column
    # took a second on SQLite with 25.000 coverages.
    participants = (
        Coverage.objects.filter(agreement=OuterRef("pk")).order_by().values("agreement").annotate(n=Count("pk"))
    )
    return Agreement.objects.select_related("funder", "predecessor").annotate(
        participants=Coalesce(Subquery(participants.values("n"), output_field=IntegerField()), 0)
    )


def get_agreement(user: Any, pk: Any) -> Agreement | None:
    return agreements(user).filter(pk=pk).first()


def get_agreement_by_number(number: str) -> Agreement | None:
    return Agreement.objects.filter(number=number).first()


def amendments(agreement: Agreement) -> QuerySet[Amendment]:
    return agreement.amendments.order_by("seq")


_CHANGE_LABELS = {
    "value": gettext_lazy("Nilai"),
    "quota": gettext_lazy("Kuota"),
    "start": gettext_lazy("Mulai"),
    "end": gettext_lazy("Hari terakhir"),
}


def _show_change(field: str, value: Any) -> str:
    if value is None:
        return "—"
    if field == "value":
        return format_rupiah(int(value))
    if field == "quota":
        return format_number(int(value))
    day = date.fromisoformat(str(value))
    return f"{(day - timedelta(days=1) if field == 'end' else day):%d-%m-%Y}"


def amendment_rows(agreement: Agreement) -> list[dict[str, Any]]:
    """Addenda for people: each change as ``label: before → after`` (end shown as the last day)."""
    return [
        {
            "seq": m.seq,
            "number": m.number,
            "signed_on": m.signed_on,
            "reason": m.reason,
            "created_at": m.created_at,
            "changes": [
                (str(_CHANGE_LABELS.get(f, f)), _show_change(f, v[0]), _show_change(f, v[1]))
                for f, v in m.changes.items()
            ],
        }
        for m in amendments(agreement)
    ]


def status_choices(agreement: Agreement) -> list[tuple[str, str]]:
    return [(s, str(Agreement.Status(s).label)) for s in TRANSITIONS.get(agreement.status, ())]


def documents(agreement: Agreement) -> QuerySet[AgreementDocument]:
    return agreement.documents.order_by("uploaded_at")


def get_document(user: Any, pk: Any) -> AgreementDocument | None:
    if not _may_read(user):
        return None
    return AgreementDocument.objects.filter(pk=pk).first()


def can_export(user: Any) -> bool:
    return perm.can_export(user)


def can_manage(user: Any) -> bool:
    return perm.can_manage_agreements(user)


def agreement_in_force(day: date) -> Agreement | None:
    """The signed/active/ended agreement whose period contains ``day`` (latest start wins)."""
    return (
        Agreement.objects.filter(start__lte=day, end__gt=day, status__in=cov.VALID_AGREEMENT_STATUSES)
        .order_by("-start")
        .first()
    )


def agreement_for_month(month: date) -> Agreement | None:
    """The valid agreement covering any day of the calendar month of ``month`` (a PKS that starts
    on 14 July still covers the July bill); the one in force on the 1st, else the latest start."""
    first = month.replace(day=1)
    nxt = add_months(first, 1)
    return agreement_in_force(first) or (
        Agreement.objects.filter(start__lt=nxt, end__gt=first, status__in=cov.VALID_AGREEMENT_STATUSES)
        .order_by("-start")
        .first()
    )


# ------------------------------------------------------------------------------------ warnings
@dataclass
class Warnings:
    #: id, number, end, last_day, days_left (from today to ``end``, exclusive: negative once it has
    #: passed), ended (the last day is behind us) and days_ago (days since the last day, else 0)
    ending: list[dict[str, Any]] = field(default_factory=list)
    #: a PKS whose successor starts later than the day after it ends: id, number, last_day,
    #: successor (number), successor_start, gap_days (the uncovered days between them)
    late_successor: list[dict[str, Any]] = field(default_factory=list)
    without_agreement: dict[str, int] = field(default_factory=dict)  # problem → count


def _agreement_frame(rows: list[Any]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "id": [r["id"] for r in rows],
            "number": [r["number"] for r in rows],
            "start": [r["start"] for r in rows],
            "end": [r["end"] for r in rows],
            "status": [r["status"] for r in rows],
            "successor_id": [r["successor"] for r in rows],
        },
        schema_overrides={"successor_id": pl.Int64, "start": pl.Date, "end": pl.Date},
    )


def _agreements_frame() -> pl.DataFrame | None:
    """Every agreement (``id, number, start, end, status, successor_id``); None when there is none."""
    rows = list(Agreement.objects.values("id", "number", "start", "end", "status", "successor"))
    return _agreement_frame(rows) if rows else None


def gaps_between_agreements() -> list[dict[str, Any]]:
    """The days no PKS covered between an agreement and its late successor (regency-wide, no
    personal data): number, successor, ``start`` (its first uncovered day), ``end`` (the
    successor's first day, exclusive) and ``days`` — the gaps of the PKS warnings and gap report."""
    rows = list(Agreement.objects.values("id", "number", "start", "end", "status", "successor"))
    if not rows:
        return []
    numbers = {r["id"]: r["number"] for r in rows}
    return [
        {
            "number": r["number"],
            "successor": numbers[r["successor_id"]],
            "start": r["end"],
            "end": r["successor_start"],
            "days": r["gap_days"],
        }
        for r in cov.agreements_with_late_successor(_agreement_frame(rows)).iter_rows(named=True)
    ]


def _ending(frame: pl.DataFrame, today: date, within_days: int) -> list[dict[str, Any]]:
    ending = cov.agreements_ending_without_successor(frame, today, within_days=within_days)
    return [
        r
        | {
            "last_day": cov.last_day(r["end"]),
            "ended": r["days_left"] <= 0,
            "days_ago": max(0, 1 - r["days_left"]),
        }
        for r in ending.select("id", "number", "end", "days_left").iter_rows(named=True)
    ]


def _without_agreement(agreements: pl.DataFrame | None) -> dict[str, int]:
    """Enrollments whose period lies outside a valid agreement, per problem
    (:func:`ucjamsostek.core.coverage.enrollments_without_agreement`). The rule reads only the
    period and the agreement, so the database groups the enrollments by period and agreement id
    and the rule runs once per group, weighted by its size (a few dozen groups, not every row)."""
    groups = pl.DataFrame(
        list(
            Enrollment.objects.filter(status__in=ENROLLED_STATUSES)
            .order_by()
            .values_list("coverage_start", "coverage_end", "coverage__agreement_id")
            .annotate(enrollment_id=Min("pk"), n=Count("pk"))
        ),
        schema={"start": pl.Date, "end": pl.Date, "agreement_id": pl.Int64, "enrollment_id": pl.Int64, "n": pl.Int64},
        orient="row",
    )
    if groups.is_empty():
        return {}
    names = {"id": "agreement_id", "start": "agreement_start", "end": "agreement_end", "status": "agreement_status"}
    if agreements is None:  # no agreement: every enrollment is unlinked
        agreements = pl.DataFrame(schema={"id": pl.Int64, "start": pl.Date, "end": pl.Date, "status": pl.Utf8})
    linked = agreements.select(list(names)).rename(names)
    problems = cov.enrollments_without_agreement(groups.join(linked, on="agreement_id", how="left"))
    return {str(k): int(v) for k, v in problems.group_by("problem").agg(pl.col("n").sum()).iter_rows()}


def warnings(user: Any, today: date | None = None, *, within_days: int = 60, enrollments: bool = True) -> Warnings:
    """The PKS warnings on ``today``. ``enrollments=False`` leaves :attr:`Warnings.without_agreement`
    empty: the agreements alone answer the rest, for pages that show only those (dashboard alerts,
    the task list) without a pass over every enrollment."""
    today = today or date.today()
    out = Warnings()
    if not _may_read(user):
        return out
    frame = _agreements_frame()
    if frame is not None:
        numbers = dict(zip(frame["id"].to_list(), frame["number"].to_list(), strict=True))
        out.late_successor = [
            {
                "id": r["id"],
                "number": r["number"],
                "last_day": cov.last_day(r["end"]),
                "successor": numbers[r["successor_id"]],
                "successor_start": r["successor_start"],
                "gap_days": r["gap_days"],
            }
            for r in cov.agreements_with_late_successor(frame).iter_rows(named=True)
        ]
        out.ending = _ending(frame, today, within_days)
    if enrollments:
        out.without_agreement = _without_agreement(frame)
    return out


# ------------------------------------------------------------------------------------ gap report
def periods_frame(person_ids: list[int] | None = None) -> pl.DataFrame:
    """Covered periods (enrollments BPJS accepted): ``person_id, enrollment_id, start, end``."""
    qs = Enrollment.objects.filter(status__in=COVERED_STATUSES)
    if person_ids is not None:
        qs = qs.filter(person_id__in=person_ids)
    rows = list(qs.values_list("person_id", "pk", "coverage_start", "coverage_end"))
    return pl.DataFrame(
        rows,
        schema={"person_id": pl.Int64, "enrollment_id": pl.Int64, "start": pl.Date, "end": pl.Date},
        orient="row",
    )


@dataclass
class GapRow:
    person_id: int
    nik: str
    name: str
    village: str
    district: str
    gap_start: date
    last_day: date
    days: int
    open: bool


@dataclass
class EndedRow:
    """Someone whose cover ended and never resumed (``days`` uncovered since, up to the report's
    date or ``died``)."""

    person_id: int
    nik: str
    name: str
    village: str
    district: str
    last_day: date
    days: int
    died: date | None


@dataclass
class GapReport:
    as_of: date | None
    rows: list[GapRow]
    by_village: list[dict[str, Any]]
    people: int
    person_days: int
    claims_in_gap: list[dict[str, Any]]
    #: people whose cover ended on or before ``ended_as_of`` and never resumed, apart (issue 9 §4)
    ended: list[EndedRow] = field(default_factory=list)
    ended_people: int = 0
    ended_as_of: date | None = None


def coverage_gaps(
    user: Any, *, as_of: date | None = None, limit: int | None = None, today: date | None = None
) -> GapReport:
    """Per person, the uncovered days between agreements (and, with ``as_of``, the days since the
    last period ended), with counts per desa and the claims whose incident falls in a gap, open
    or not, up to ``as_of`` (default ``today``) — a death in a gap or on its first uncovered day
    included (a JKM claim's incident is the day of death, the day the gap stops). Apart: the
    people whose cover ended by then and never resumed."""
    if not _may_read(user):
        return GapReport(as_of, [], [], 0, 0, [])
    deaths = death_dates().select("person_id", "death_date")  # known anywhere (issue 9 §2)
    periods = periods_frame()
    gaps = cov.person_gaps(periods, as_of=as_of, deaths=deaths)
    people_qs = Person.objects.filter(enrollments__status__in=COVERED_STATUSES).distinct()
    people_qs = perm.scope_people(user, people_qs)
    people = pl.DataFrame(
        list(people_qs.values_list("pk", "nik", "name", "village__name", "village__parent__name")),
        schema={"person_id": pl.Int64, "nik": pl.Utf8, "name": pl.Utf8, "desa": pl.Utf8, "district": pl.Utf8},
        orient="row",
    ).with_columns(
        pl.when(pl.col("district").is_not_null())
        .then(pl.format("{} ({})", pl.col("desa"), pl.col("district")))
        .otherwise(pl.col("desa"))
        .alias("village")
    )
    gaps = gaps.join(people.select("person_id"), on="person_id", how="semi")
    counts = cov.gap_counts(gaps, people)
    shown = gaps.sort(["gap_start", "person_id"]).head(limit or gaps.height).join(people, on="person_id", how="left")
    rows = [
        GapRow(
            person_id=r["person_id"],
            nik=display_nik(user, r["nik"]),
            name=display_name_in_list(user, r["name"]),
            village=r["desa"],
            district=r["district"] or "",
            gap_start=r["gap_start"],
            last_day=r["gap_end"] - timedelta(days=1),
            days=r["days"],
            open=r["open"],
        )
        for r in shown.iter_rows(named=True)
    ]

    # claims: the gaps before death is taken into account (the death is the uncovered event), and
    # the open gap of whoever never resumed (a death after the cover ended is a claim in the gap
    # whether or not the report counts open gaps)
    until = as_of or today or date.today()
    claims = claims_frame().drop_nulls("person_id").rename({"incident_date": "day"})
    raw = cov.person_gaps(periods, as_of=until).join(people.select("person_id"), on="person_id", how="semi")
    in_gap = cov.events_in_gaps(claims, raw, deaths=deaths).join(people, on="person_id", how="left")
    claim_rows = [
        {
            "claim_id": r["claim_id"],
            "type": r["type"],
            "incident_date": r["day"],
            "amount": r["amount"],
            "nik": display_nik(user, r["nik"]),
            "name": display_name_in_list(user, r["name"]),
        }
        for r in in_gap.sort("day").iter_rows(named=True)
    ]
    ended = cov.ended_not_resumed(periods, as_of=until, deaths=deaths).join(
        people.select("person_id"), on="person_id", how="semi"
    )
    ended_rows = [
        EndedRow(
            person_id=r["person_id"],
            nik=display_nik(user, r["nik"]),
            name=display_name_in_list(user, r["name"]),
            village=r["desa"],
            district=r["district"] or "",
            last_day=r["last_day"],
            days=r["days"],
            died=r["died"],
        )
        for r in ended.head(limit or ended.height)
        .join(people, on="person_id", how="left", maintain_order="left")
        .iter_rows(named=True)
    ]
    return GapReport(
        as_of=as_of,
        rows=rows,
        by_village=list(counts.iter_rows(named=True)),
        people=gaps["person_id"].n_unique(),
        person_days=int(gaps["days"].sum()) if gaps.height else 0,
        claims_in_gap=claim_rows,
        ended=ended_rows,
        ended_people=ended.height,
        ended_as_of=until,
    )

"""Registry reads, scoped to what the user may see, with NIK and names masked where required.

Every function takes the requesting user first; a person outside the user's scope is simply not
found (pages answer 404, so a desa operator cannot even learn that a NIK exists elsewhere).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import polars as pl
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ucjamsostek.accounts import permissions as perm
from ucjamsostek.accounts.models import Organisation
from ucjamsostek.core.coverage import Period
from ucjamsostek.core.names import mask_name, mask_name_expr
from ucjamsostek.core.nik import clean_nik, mask_nik, mask_nik_expr
from ucjamsostek.regions.models import Region
from ucjamsostek.registry.models import ChangeLog, Enrollment, Funder, Occupation, Person, Segment, Sex

SEARCH_LIMIT = 50
_MIN_NAME = 2


def display_nik(user: Any, nik: str) -> str:
    return nik if perm.can_see_full_nik(user) else mask_nik(nik)


def display_name_in_list(user: Any, name: str) -> str:
    return name if perm.can_see_full_name(user) else mask_name(name)


def display_frame(user: Any, frame: pl.DataFrame) -> pl.DataFrame:
    """:func:`display_nik` and :func:`display_name_in_list` on a frame's ``nik``/``name`` columns."""
    return mask_frame(frame, nik=not perm.can_see_full_nik(user), name=not perm.can_see_full_name(user))


def mask_frame(frame: pl.DataFrame, *, nik: bool = True, name: bool = True) -> pl.DataFrame:
    """The frame with its ``nik`` (and ``name``) column masked by the one mask of each (core)."""
    out = frame
    if nik and "nik" in out.columns:
        out = out.with_columns(mask_nik_expr(pl.col("nik")).alias("nik"))
    if name and "name" in out.columns and out.height:
        out = out.with_columns(mask_name_expr(pl.col("name")).alias("name"))
    return out


# ---------------------------------------------------------------------------------------------
# people


def people_for(user: Any) -> QuerySet[Person]:
    """All people ``user`` may read."""
    return perm.scope_people(user, Person.objects.all())


def visible_niks(user: Any) -> frozenset[str] | None:
    """The NIKs of the people ``user`` may read, for rows known only by their NIK (bill and
    reconciliation lines, aid recipients BPJS sent): ``None`` when the user reads everyone. A NIK
    the registry does not hold lies in no area (``accounts.permissions``: area scoping)."""
    if perm.sees_everyone(user):
        return None
    return frozenset(people_for(user).values_list("nik", flat=True))


def scope_nik_frame(user: Any, frame: pl.DataFrame, column: str = "nik") -> pl.DataFrame:
    """``frame`` limited to the rows whose ``column`` is the NIK of a person ``user`` may read."""
    niks = visible_niks(user)
    if niks is None:
        return frame
    return frame.filter(pl.col(column).is_in(list(niks)))


def get_person(user: Any, pk: Any) -> Person | None:
    """The person with ``pk`` if ``user`` may read it, else ``None`` (also for a bad ``pk``)."""
    try:
        key = int(pk)
    except (TypeError, ValueError):
        return None
    return people_for(user).select_related("village__parent", "occupation", "organisation").filter(pk=key).first()


@dataclass(frozen=True)
class PersonRow:
    pk: int
    nik: str
    name: str
    sex: str
    birth_date: date
    village_code: str
    village_name: str
    district_name: str
    occupation: str
    deceased: bool
    status: str


@dataclass(frozen=True)
class SearchResult:
    query: str
    kind: str  # "nik", "name" or "" (nothing searched)
    rows: list[PersonRow]
    total: int
    message: str = ""
    echo: str = ""  # what the search box shows again (empty for a NIK the role may not see)

    @property
    def truncated(self) -> bool:
        return self.total > len(self.rows)


def _latest_status(person_ids: Iterable[int]) -> dict[int, str]:
    labels = dict(Enrollment.Status.choices)
    out: dict[int, str] = {}
    for pid, status in (
        Enrollment.objects.filter(person_id__in=list(person_ids))
        .order_by("person_id", "-coverage_start", "-pk")
        .values_list("person_id", "status")
    ):
        out.setdefault(pid, str(labels.get(status, status)))
    return out


def _rows(user: Any, people: Iterable[Person]) -> list[PersonRow]:
    people = list(people)
    status = _latest_status(p.pk for p in people)
    return [
        PersonRow(
            pk=p.pk,
            nik=display_nik(user, p.nik),
            name=display_name_in_list(user, p.name),
            sex=p.sex,
            birth_date=p.birth_date,
            village_code=p.village_id,
            village_name=p.village.name,
            district_name=p.village.parent.name if p.village.parent else "",
            occupation=p.occupation.name if p.occupation else p.occupation_text,
            deceased=p.is_deceased,
            status=status.get(p.pk, ""),
        )
        for p in people
    ]


def search_people(user: Any, query: str, *, limit: int = SEARCH_LIMIT) -> SearchResult:
    """Search by a whole NIK (exact) or by name.

    NIKs are stored encrypted (``nikcrypt``): the stored value is a keyed index of the whole
    NIK, so a prefix of digits cannot be searched; a partial NIK is answered with a request for
    all 16 digits (for every role: roles that see masked NIKs were never allowed a prefix,
    which would let them rebuild hidden digits one at a time).
    """
    text = " ".join((query or "").split())
    if not text:
        return SearchResult("", "", [], 0)
    qs = people_for(user).select_related("village__parent", "occupation")
    digits = clean_nik(text)
    if digits.isdigit():
        if len(digits) != 16:
            shown = text if perm.can_see_full_nik(user) else mask_nik(digits)
            return SearchResult(shown, "nik", [], 0, _("Masukkan NIK lengkap 16 digit."))
        qs = qs.filter(nik=digits)
        kind = "nik"
    else:
        if len(text) < _MIN_NAME:
            return SearchResult(text, "name", [], 0, _("Masukkan sekurang-kurangnya 2 huruf nama."))
        for word in text.split()[:5]:  # every word, in any order
            qs = qs.filter(name__icontains=word)
        kind = "name"
    total = qs.count()
    rows = _rows(user, qs.order_by("name", "pk")[:limit])
    message = "" if total else _("Tidak ada penduduk yang cocok di wilayah Anda.")
    if kind == "nik" and not perm.can_see_full_nik(user):
        return SearchResult(mask_nik(digits), kind, rows, total, message, echo="")
    return SearchResult(text, kind, rows, total, message, echo=text)


def people_in_region(user: Any, region_code: str, *, limit: int = SEARCH_LIMIT) -> SearchResult:
    """People living inside a region (for the region browser), scoped to the user."""
    qs = (
        people_for(user)
        .filter(perm.area_q("village__code", region_code))
        .select_related("village__parent", "occupation")
        .order_by("name", "pk")
    )
    total = qs.count()
    return SearchResult(region_code, "region", _rows(user, qs[:limit]), total)


# ---------------------------------------------------------------------------------------------
# detail and history


@dataclass(frozen=True)
class HistoryChange:
    field: str
    old: str
    new: str
    name: str = ""  # the field's code, for the tooltip


@dataclass(frozen=True)
class HistoryRow:
    pk: int
    at: datetime
    actor: str
    action: str
    action_label: str
    model: str
    model_label: str
    object_id: str
    person_id: int | None
    count: int | None
    reason: str
    changes: list[HistoryChange] = field(default_factory=list)


@dataclass(frozen=True)
class EnrollmentRow:
    pk: int
    segment: str
    funder: str
    programmes: str
    kpj_number: str
    coverage_start: date
    coverage_end: date | None
    status: str
    status_label: str
    reason: str

    @property
    def last_day(self) -> date | None:
        """The last covered day (``coverage_end`` is the first day without cover): 31-12-2024."""
        return Period(self.coverage_start, self.coverage_end).last_day


@dataclass(frozen=True)
class PersonDetail:
    person: Person
    nik: str
    nik_masked: bool
    lineage: list[tuple[str, str]]
    enrollments: list[EnrollmentRow]
    history: list[HistoryRow]
    can_edit: bool
    can_edit_enrollment: bool
    can_update_enrollment: bool  # full edit, or BPJS staff recording KPJ number and status


#: Entries of the change log that name no model of their own: their label, and the model whose
#: field names they use (a BPU lapse ends enrollments: ``coverage_end``).
_LOG_ONLY: dict[str, tuple[Any, type[Any]]] = {
    "billing.lapse": (gettext_lazy("kepesertaan BPU berakhir (tunggakan tagihan)"), Enrollment),
}


def _model_class(model: str) -> type[Any] | None:
    """The model a change-log entry names (``billing.payment``; any app's), if it still exists."""
    if model in _LOG_ONLY:
        return _LOG_ONLY[model][1]
    try:
        return apps.get_model(model)
    except (LookupError, ValueError):
        return None


def _model_label(model: str) -> str:
    """What the entry is about in words (``pembayaran``, not ``billing.payment``: no code on screen)."""
    if model in _LOG_ONLY:
        return str(_LOG_ONLY[model][0])
    cls = _model_class(model)
    return str(cls._meta.verbose_name) if cls is not None else model


def _field_label(model: str, name: str) -> str:
    cls = _model_class(model)
    if cls is not None:
        try:
            return str(getattr(cls._meta.get_field(name), "verbose_name", name))
        except Exception:  # noqa: BLE001 - an old field name in the history
            return name
    return name


class _Labels:
    """Readable values for codes in the history (village name, occupation name, choice labels)."""

    def __init__(self, entries: list[ChangeLog]) -> None:
        codes: dict[str, set[Any]] = {"village": set(), "occupation": set(), "organisation": set()}
        for e in entries:
            for name, pair in (e.changes or {}).items():
                if name in codes and isinstance(pair, list):
                    codes[name].update(v for v in pair if v not in (None, ""))
        self.maps: dict[str, dict[str, str]] = {
            "village": {
                c: f"{n} ({c})" for c, n in Region.objects.filter(code__in=codes["village"]).values_list("code", "name")
            },
            "occupation": dict(Occupation.objects.filter(code__in=codes["occupation"]).values_list("code", "name")),
            "organisation": {
                str(pk): n
                for pk, n in Organisation.objects.filter(pk__in=codes["organisation"]).values_list("pk", "name")
            },
            "sex": {k: str(v) for k, v in Sex.choices},
            "status": {k: str(v) for k, v in Enrollment.Status.choices},
            "segment": dict(Segment.objects.values_list("code", "name")),
            "funder": dict(Funder.objects.values_list("code", "name")),
        }

    def show(self, user: Any, name: str, value: Any) -> str:
        if value is None or value == "":
            return "–"
        if isinstance(value, bool):
            return _("Ya") if value else _("Tidak")
        if name == "nik":
            return display_nik(user, str(value))
        if name == "name":
            return display_name_in_list(user, str(value))
        if name == "phone" and not perm.can_see_full_nik(user):
            return "••••"
        return self.maps.get(name, {}).get(str(value), str(value))


def _history_rows(user: Any, entries: Iterable[ChangeLog]) -> list[HistoryRow]:
    actions = dict(ChangeLog.Action.choices)
    entries = list(entries)
    labels = _Labels(entries)
    out = []
    for e in entries:
        changes = []
        for name, pair in (e.changes or {}).items():
            if isinstance(pair, list) and len(pair) == 2:
                old, new = pair
            else:
                old, new = None, pair
            changes.append(
                HistoryChange(
                    _field_label(e.model, name), labels.show(user, name, old), labels.show(user, name, new), name
                )
            )
        out.append(
            HistoryRow(
                pk=e.pk,
                at=e.at,
                actor=e.actor_username,
                action=e.action,
                action_label=str(actions.get(e.action, e.action)),
                model=e.model,
                model_label=_model_label(e.model),
                object_id=e.object_id,
                person_id=e.person_id,
                count=e.count,
                reason=e.reason,
                changes=changes,
            )
        )
    return out


def _enrollment_rows(person: Person) -> list[EnrollmentRow]:
    labels = dict(Enrollment.Status.choices)
    return [
        EnrollmentRow(
            pk=e.pk,
            segment=e.segment.name,
            funder=e.funder.name,
            programmes=", ".join(e.programmes),
            kpj_number=e.kpj_number,
            coverage_start=e.coverage_start,
            coverage_end=e.coverage_end,
            status=e.status,
            status_label=str(labels.get(e.status, e.status)),
            reason=e.reason,
        )
        for e in person.enrollments.select_related("segment", "funder").order_by("-coverage_start", "-pk")
    ]


def person_history(user: Any, person: Person) -> list[HistoryRow]:
    if not perm.can_view_person(user, person):
        raise PermissionDenied(perm.MSG_OUT_OF_AREA)
    return _history_rows(user, ChangeLog.objects.filter(person_id=person.pk).order_by("-at", "-pk"))


def person_detail(user: Any, pk: Any) -> PersonDetail | None:
    """Everything the person page shows, or ``None`` when the user may not read this person."""
    person = get_person(user, pk)
    if person is None:
        return None
    region: Region | None = person.village
    chain: list[tuple[str, str]] = []
    while region is not None:
        chain.append((region.code, region.name))
        region = region.parent if region.level > 1 else None
    return PersonDetail(
        person=person,
        nik=display_nik(user, person.nik),
        nik_masked=not perm.can_see_full_nik(user),
        lineage=list(reversed(chain)),
        enrollments=_enrollment_rows(person),
        history=person_history(user, person),
        can_edit=perm.can_edit_person(user, person),
        can_edit_enrollment=perm.can_edit_enrollment(user, person),
        can_update_enrollment=perm.can_edit_enrollment(user, person, set(perm.BPJS_ENROLLMENT_FIELDS)),
    )


def audit_entries(user: Any, *, action: str = "", model: str = "", text: str = "") -> QuerySet[ChangeLog]:
    """The whole history, newest first (admin and auditor only), narrowed to an action, a model
    and a text in the user name or the reason; the page draws one page of it (:func:`history_rows`)."""
    perm.require(perm.can_view_audit_log(user))
    qs = ChangeLog.objects.all().order_by("-at", "-pk")
    if action:
        qs = qs.filter(action=action)
    if model:
        qs = qs.filter(model=model)
    if text:
        qs = qs.filter(Q(actor_username__icontains=text) | Q(reason__icontains=text))
    return qs


def history_rows(user: Any, entries: Iterable[ChangeLog]) -> list[HistoryRow]:
    """Entries of the change log as the history table shows them (labels, masked values)."""
    perm.require(perm.can_view_audit_log(user))
    return _history_rows(user, entries)


def audit_log(user: Any, *, action: str = "", model: str = "", limit: int = 200) -> list[HistoryRow]:
    """The latest ``limit`` entries of the whole history, newest first (admin and auditor only)."""
    return _history_rows(user, audit_entries(user, action=action, model=model)[:limit])


# ---------------------------------------------------------------------------------------------
# summaries and choices for forms


def registry_summary(user: Any) -> dict[str, int]:
    """Counts for the home page, within the user's scope."""
    people = people_for(user)
    enr = perm.scope_people(user, Enrollment.objects.all(), prefix="person__")
    by_status = dict(enr.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    return {
        "people": people.count(),
        "deceased": people.filter(is_deceased=True).count(),
        "enrollments_active": by_status.get(Enrollment.Status.ACTIVE, 0),
        "enrollments_proposed": by_status.get(Enrollment.Status.PROPOSED, 0)
        + by_status.get(Enrollment.Status.SUBMITTED, 0),
    }


def village_choices(user: Any, area_code: str) -> list[tuple[str, str]]:
    """Villages the user may register people in: ``(code, "Kecamatan — Desa")``."""
    qs = Region.objects.filter(level=Region.Level.VILLAGE).filter(perm.area_q("code", area_code))
    qs = perm.scope_regions(user, qs)
    return [(r.code, f"{r.parent.name if r.parent else ''} — {r.name}") for r in qs.select_related("parent")]


def occupation_choices() -> list[tuple[str, str]]:
    return list(Occupation.objects.filter(active=True).values_list("code", "name"))


def segment_choices() -> list[tuple[str, str]]:
    return list(Segment.objects.filter(active=True).values_list("code", "name"))


def funder_choices() -> list[tuple[str, str]]:
    return list(Funder.objects.filter(active=True).values_list("code", "name"))


def organisation_choices(user: Any) -> list[tuple[str, str]]:
    qs = Organisation.objects.all()
    own = perm.own_organisation(user)
    if own is not None:
        qs = qs.filter(pk=own.pk)
    return [(str(pk), name) for pk, name in qs.values_list("pk", "name")]


def enrollment_status_choices() -> list[tuple[str, str]]:
    return [(k, str(v)) for k, v in Enrollment.Status.choices]


def get_enrollment(user: Any, pk: Any) -> Enrollment | None:
    try:
        key = int(pk)
    except (TypeError, ValueError):
        return None
    qs = perm.scope_people(user, Enrollment.objects.select_related("person", "segment", "funder"), prefix="person__")
    return qs.filter(pk=key).first()


def region_people_counts(user: Any, codes: Iterable[str]) -> dict[str, int]:
    """People per region code (prefix match) within the user's scope, for the region browser."""
    people = people_for(user)
    return {c: people.filter(perm.area_q("village__code", c)).count() for c in codes}


def changelog_action_choices() -> list[tuple[str, str]]:
    return [(k, str(v)) for k, v in ChangeLog.Action.choices]

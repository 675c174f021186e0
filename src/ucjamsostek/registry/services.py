"""Registry writes: people, enrollments, master data, imports. Every change is logged.

Rules kept here (not in views or templates):

* the actor's permission is checked inside each service (:mod:`ucjamsostek.accounts.permissions`);
* each write runs in a transaction together with its :class:`ChangeLog` entry;
* interactive edits are logged per record with a field diff ``{field: [old, new]}``; bulk imports
  write one entry per batch (action ``import`` with the count);
* bad input raises :class:`django.core.exceptions.ValidationError` with Indonesian messages per
  field; no message carries a NIK or a name (they are personal data and messages end up in logs).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ucjamsostek.accounts import permissions as perm
from ucjamsostek.accounts.models import Organisation
from ucjamsostek.core.nik import NIK_PROBLEM_TEXT, parse_nik
from ucjamsostek.core.occupations import classify_occupation
from ucjamsostek.regions.models import Region
from ucjamsostek.registry import masterdata
from ucjamsostek.registry.models import ChangeLog, Enrollment, Funder, Occupation, Person, Segment, Sex

PERSON_MODEL = "registry.person"
ENROLLMENT_MODEL = "registry.enrollment"
SYSTEM_ACTOR = "sistem"

# Editable person fields; foreign keys by their key: village (region code), occupation (code),
# organisation (id).
PERSON_FIELDS: tuple[str, ...] = (
    "nik",
    "name",
    "sex",
    "birth_place",
    "birth_date",
    "village",
    "address",
    "occupation",
    "occupation_text",
    "phone",
    "organisation",
    "dtks_decile",
    "extreme_poor",
    "is_deceased",
    "death_date",
)
PERSON_REQUIRED: tuple[str, ...] = ("nik", "name", "sex", "birth_date", "village")
ENROLLMENT_FIELDS: tuple[str, ...] = (
    "segment",
    "funder",
    "jkk",
    "jkm",
    "jht",
    "kpj_number",
    "coverage_start",
    "coverage_end",
    "status",
    "reason",
)
_FK_ATTR = {
    "village": "village_id",
    "occupation": "occupation_id",
    "organisation": "organisation_id",
    "segment": "segment_id",
    "funder": "funder_id",
}
OPEN_STATUSES = (Enrollment.Status.PROPOSED, Enrollment.Status.SUBMITTED, Enrollment.Status.ACTIVE)

_PHONE = re.compile(r"^\+?\d{8,15}$")
_KPJ = re.compile(r"^[0-9A-Za-z]{5,20}$")
_SEX_WORDS = {
    "l": "L",
    "lk": "L",
    "laki-laki": "L",
    "laki laki": "L",
    "pria": "L",
    "m": "L",
    "p": "P",
    "pr": "P",
    "perempuan": "P",
    "wanita": "P",
    "f": "P",
}
_TRUE = {"1", "true", "ya", "y", "yes", "on"}
_FALSE = {"0", "false", "tidak", "t", "n", "no", "off", ""}


# ---------------------------------------------------------------------------------------------
# helpers


def _actor_name(actor: Any) -> str:
    return str(getattr(actor, "username", "") or SYSTEM_ACTOR)


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def log_change(
    actor: Any,
    action: str,
    model: str,
    object_id: Any = "",
    *,
    person_id: int | None = None,
    changes: Mapping[str, Any] | None = None,
    count: int | None = None,
    reason: str = "",
) -> ChangeLog:
    """Write one history entry (other apps may use it for their own attributable changes)."""
    return ChangeLog.objects.create(
        actor=perm.recorded_user(actor),
        actor_username=_actor_name(actor),
        action=action,
        model=model,
        object_id="" if object_id is None else str(object_id),
        person_id=person_id,
        changes={
            k: [_jsonable(a) for a in v] if isinstance(v, list | tuple) else _jsonable(v)
            for k, v in (changes or {}).items()
        },
        count=count,
        reason=(reason or "")[:255],
    )


def _to_date(value: Any, field: str, errors: dict[str, str]) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    errors[field] = "Tanggal tidak dapat dibaca (gunakan format HH-BB-TTTT atau TTTT-BB-HH)."
    return None


def _to_bool(value: Any, field: str, errors: dict[str, str]) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value if value is not None else "").strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    errors[field] = "Nilai harus ya atau tidak."
    return False


def _text(value: Any, limit: int) -> str:
    return " ".join(str(value if value is not None else "").split())[:limit]


def _pk(value: Any) -> Any:
    return getattr(value, "pk", value)


def area_code() -> str:
    return str(settings.AREA_CODE)


# ---------------------------------------------------------------------------------------------
# people


def _clean_person(data: Mapping[str, Any], *, current: Person | None) -> dict[str, Any]:
    """Validate person input; returns ``{field: value}`` for the keys given (FKs as keys/ids)."""
    unknown = set(data) - set(PERSON_FIELDS)
    if unknown:
        raise ValidationError(f"Kolom tidak dikenal: {', '.join(sorted(unknown))}.")
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    if current is None:
        for f in PERSON_REQUIRED:
            if data.get(f) in (None, ""):
                errors[f] = "Wajib diisi."
    if "name" in data:
        out["name"] = _text(data["name"], 150)
        if not out["name"] and "name" not in errors:
            errors["name"] = "Wajib diisi."
    if "sex" in data and "sex" not in errors:
        sex = _SEX_WORDS.get(str(data["sex"] or "").strip().lower())
        if sex is None:
            errors["sex"] = "Jenis kelamin harus L (laki-laki) atau P (perempuan)."
        out["sex"] = sex
    if "birth_date" in data and "birth_date" not in errors:
        out["birth_date"] = _to_date(data["birth_date"], "birth_date", errors)
        if out["birth_date"] and out["birth_date"] > timezone.localdate():
            errors["birth_date"] = "Tanggal lahir tidak boleh di masa depan."
    if "nik" in data and "nik" not in errors:
        stated = out.get("birth_date") or (current.birth_date if current else None)
        result = parse_nik(data["nik"], stated_birth_date=stated)
        if result.problem is not None:
            errors["nik"] = NIK_PROBLEM_TEXT[result.problem] + "."
        else:
            out["nik"] = result.cleaned
            others = Person.objects.filter(nik=result.cleaned)
            if current is not None:
                others = others.exclude(pk=current.pk)
            if others.exists():
                errors["nik"] = "NIK ini sudah terdaftar pada penduduk lain."
    if "village" in data and "village" not in errors:
        code = str(_pk(data["village"]) or "").strip()
        village = Region.objects.filter(pk=code).only("code", "level").first()
        if village is None or village.level != Region.Level.VILLAGE:
            errors["village"] = "Desa/kelurahan tidak ditemukan (gunakan kode Kemendagri, mis. 74.13.01.2001)."
        elif not perm.in_area(code, area_code()):
            errors["village"] = f"Desa/kelurahan berada di luar wilayah {area_code()}."
        out["village"] = code
    if "occupation" in data:
        occ_code = _pk(data["occupation"]) or None
        if occ_code is not None and not Occupation.objects.filter(pk=occ_code).exists():
            errors["occupation"] = "Kode pekerjaan tidak dikenal."
        out["occupation"] = occ_code
    if "occupation_text" in data:
        out["occupation_text"] = _text(data["occupation_text"], 120)
        if current is None and "occupation" not in data and out["occupation_text"]:
            guess = classify_occupation(out["occupation_text"])
            if guess and Occupation.objects.filter(pk=guess).exists():
                out["occupation"] = guess
    for f, limit in (("birth_place", 100), ("address", 255)):
        if f in data:
            out[f] = _text(data[f], limit)
    if "phone" in data:
        phone = re.sub(r"[\s.\-()]", "", str(data["phone"] or ""))
        if phone and not _PHONE.match(phone):
            errors["phone"] = "Nomor HP hanya angka (boleh diawali +), 8–15 digit."
        out["phone"] = phone
    if "organisation" in data:
        org = _pk(data["organisation"]) or None
        if org is not None and not Organisation.objects.filter(pk=org).exists():
            errors["organisation"] = "OPD tidak ditemukan."
        out["organisation"] = org
    if "dtks_decile" in data:
        raw = data["dtks_decile"]
        if raw in (None, ""):
            out["dtks_decile"] = None
        else:
            try:
                decile = int(raw)
            except (TypeError, ValueError):
                decile = 0
            if not 1 <= decile <= 10:
                errors["dtks_decile"] = "Desil DTKS harus bilangan 1 sampai 10."
            out["dtks_decile"] = decile
    for f in ("extreme_poor", "is_deceased"):
        if f in data:
            out[f] = _to_bool(data[f], f, errors)
    if "death_date" in data:
        out["death_date"] = _to_date(data["death_date"], "death_date", errors)
    # cross-field rules on the resulting record
    deceased = out.get("is_deceased", current.is_deceased if current else False)
    death = out.get("death_date", current.death_date if current else None)
    born = out.get("birth_date", current.birth_date if current else None)
    if death and not deceased:
        errors.setdefault("death_date", "Tanggal meninggal hanya diisi bila penduduk meninggal dunia.")
    if death and born and death < born:
        errors.setdefault("death_date", "Tanggal meninggal sebelum tanggal lahir.")
    if death and death > timezone.localdate():
        errors.setdefault("death_date", "Tanggal meninggal tidak boleh di masa depan.")
    if errors:
        raise ValidationError(errors)
    return out


def _person_value(person: Person, field: str) -> Any:
    return getattr(person, _FK_ATTR.get(field, field))


def _set_person(person: Person, field: str, value: Any) -> None:
    setattr(person, _FK_ATTR.get(field, field), value)


def create_person(actor: Any, data: Mapping[str, Any], *, reason: str = "") -> Person:
    """Register a person. ``data`` keys: :data:`PERSON_FIELDS` (village = region code)."""
    perm.require(perm.can_edit(actor), perm.MSG_READ_ONLY if perm.role_of(actor) else perm.MSG_FORBIDDEN)
    values = dict(data)
    own = perm.own_organisation(actor)
    if own is not None and not values.get("organisation"):
        values["organisation"] = own.pk  # OPD operators register their own staff
    cleaned = _clean_person(values, current=None)
    perm.require(
        perm.can_create_person(actor, cleaned.get("village"), cleaned.get("organisation")),
        perm.MSG_OUT_OF_AREA,
    )
    with transaction.atomic():
        person = Person(created_by=perm.recorded_user(actor), updated_by=perm.recorded_user(actor))
        for f, v in cleaned.items():
            _set_person(person, f, v)
        person.save()
        log_change(
            actor,
            ChangeLog.Action.CREATE,
            PERSON_MODEL,
            person.pk,
            person_id=person.pk,
            changes={f: [None, v] for f, v in cleaned.items() if v not in (None, "", False)},
            reason=reason,
        )
    return person


def update_person(actor: Any, person: Person | int, data: Mapping[str, Any], *, reason: str = "") -> Person:
    """Change a person; logs ``{field: [old, new]}`` for the fields that really changed."""
    pk = _pk(person)
    with transaction.atomic():
        current = Person.objects.select_for_update().filter(pk=pk).first()
        if current is None or not perm.can_view_person(actor, current):
            raise PermissionDenied(perm.MSG_OUT_OF_AREA if current is not None else perm.MSG_FORBIDDEN)
        perm.require(perm.can_edit_person(actor, current), perm.MSG_READ_ONLY)
        cleaned = _clean_person(data, current=current)
        diff = {f: [_person_value(current, f), v] for f, v in cleaned.items() if _person_value(current, f) != v}
        if not diff:
            return current
        new_village = cleaned.get("village", current.village_id)
        new_org = cleaned.get("organisation", current.organisation_id)
        perm.require(perm.can_create_person(actor, new_village, new_org), perm.MSG_OUT_OF_AREA)
        for f, (_, v) in diff.items():
            _set_person(current, f, v)
        current.updated_by = perm.recorded_user(actor)
        current.updated_at = timezone.now()
        current.save()
        log_change(
            actor, ChangeLog.Action.UPDATE, PERSON_MODEL, current.pk, person_id=current.pk, changes=diff, reason=reason
        )
    return current


# ---------------------------------------------------------------------------------------------
# enrollments


def _clean_enrollment(data: Mapping[str, Any], *, current: Enrollment | None) -> dict[str, Any]:
    unknown = set(data) - set(ENROLLMENT_FIELDS)
    if unknown:
        raise ValidationError(f"Kolom tidak dikenal: {', '.join(sorted(unknown))}.")
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    if current is None:
        for f in ("segment", "funder", "coverage_start"):
            if data.get(f) in (None, ""):
                errors[f] = "Wajib diisi."
    if "segment" in data and "segment" not in errors:
        out["segment"] = _pk(data["segment"])
        if not Segment.objects.filter(pk=out["segment"]).exists():
            errors["segment"] = "Segmen tidak dikenal."
    if "funder" in data and "funder" not in errors:
        out["funder"] = _pk(data["funder"])
        if not Funder.objects.filter(pk=out["funder"]).exists():
            errors["funder"] = "Sumber dana tidak dikenal."
    for f in ("jkk", "jkm", "jht"):
        if f in data:
            out[f] = _to_bool(data[f], f, errors)
    if "kpj_number" in data:
        kpj = re.sub(r"\s", "", str(data["kpj_number"] or ""))
        if kpj and not _KPJ.match(kpj):
            errors["kpj_number"] = "Nomor KPJ hanya huruf dan angka, 5–20 karakter."
        out["kpj_number"] = kpj
    for f in ("coverage_start", "coverage_end"):
        if f in data and f not in errors:
            out[f] = _to_date(data[f], f, errors)
    if "status" in data:
        if data["status"] not in Enrollment.Status.values:
            errors["status"] = "Status kepesertaan tidak dikenal."
        out["status"] = data["status"]
    if "reason" in data:
        out["reason"] = _text(data["reason"], 255)
    start = out.get("coverage_start", current.coverage_start if current else None)
    end = out.get("coverage_end", current.coverage_end if current else None)
    if start and end and end <= start:
        errors.setdefault("coverage_end", "Akhir perlindungan harus sesudah mulai perlindungan.")
    programmes = [
        out.get(p, getattr(current, p) if current else d) for p, d in (("jkk", True), ("jkm", True), ("jht", False))
    ]
    if not any(programmes):
        errors.setdefault("jkk", "Pilih sekurang-kurangnya satu program (JKK, JKM atau JHT).")
    if errors:
        raise ValidationError(errors)
    return out


def _check_overlap(person_id: int, start: date, end: date | None, status: str, exclude: int | None) -> None:
    if status not in OPEN_STATUSES:
        return
    others = Enrollment.objects.filter(person_id=person_id, status__in=OPEN_STATUSES)
    if exclude is not None:
        others = others.exclude(pk=exclude)
    others = others.filter(Q(coverage_end__isnull=True) | Q(coverage_end__gt=start))
    if end is not None:
        others = others.filter(coverage_start__lt=end)
    if others.exists():
        raise ValidationError({"coverage_start": "Periode ini bertumpuk dengan kepesertaan lain yang masih berjalan."})


def _enrollment_value(enr: Enrollment, field: str) -> Any:
    return getattr(enr, _FK_ATTR.get(field, field))


def create_enrollment(actor: Any, person: Person | int, data: Mapping[str, Any], *, reason: str = "") -> Enrollment:
    """Add an enrollment to a person (Dinas and admin)."""
    with transaction.atomic():
        target = Person.objects.select_for_update().filter(pk=_pk(person)).first()
        if target is None or not perm.can_view_person(actor, target):
            raise PermissionDenied(perm.MSG_OUT_OF_AREA if target is not None else perm.MSG_FORBIDDEN)
        perm.require(perm.can_edit_enrollment(actor, target), perm.MSG_FORBIDDEN)
        cleaned = _clean_enrollment(data, current=None)
        cleaned.setdefault("status", Enrollment.Status.PROPOSED)
        _check_overlap(target.pk, cleaned["coverage_start"], cleaned.get("coverage_end"), cleaned["status"], None)
        enr = Enrollment(person=target, created_by=perm.recorded_user(actor), updated_by=perm.recorded_user(actor))
        for f, v in cleaned.items():
            setattr(enr, _FK_ATTR.get(f, f), v)
        enr.save()
        log_change(
            actor,
            ChangeLog.Action.CREATE,
            ENROLLMENT_MODEL,
            enr.pk,
            person_id=target.pk,
            changes={f: [None, v] for f, v in cleaned.items() if v not in (None, "")},
            reason=reason,
        )
    return enr


def update_enrollment(
    actor: Any, enrollment: Enrollment | int, data: Mapping[str, Any], *, reason: str = ""
) -> Enrollment:
    """Change an enrollment; BPJS staff may change only the KPJ number, status and reason."""
    with transaction.atomic():
        current = Enrollment.objects.select_for_update().select_related("person").filter(pk=_pk(enrollment)).first()
        if current is None or not perm.can_view_person(actor, current.person):
            raise PermissionDenied(perm.MSG_OUT_OF_AREA if current is not None else perm.MSG_FORBIDDEN)
        perm.require(perm.can_edit_enrollment(actor, current.person, set(data)), perm.MSG_FORBIDDEN)
        cleaned = _clean_enrollment(data, current=current)
        diff = {f: [_enrollment_value(current, f), v] for f, v in cleaned.items() if _enrollment_value(current, f) != v}
        if not diff:
            return current
        start = cleaned.get("coverage_start", current.coverage_start)
        end = cleaned.get("coverage_end", current.coverage_end)
        _check_overlap(current.person_id, start, end, cleaned.get("status", current.status), current.pk)
        for f, (_, v) in diff.items():
            setattr(current, _FK_ATTR.get(f, f), v)
        current.updated_by = perm.recorded_user(actor)
        current.updated_at = timezone.now()
        current.save()
        log_change(
            actor,
            ChangeLog.Action.UPDATE,
            ENROLLMENT_MODEL,
            current.pk,
            person_id=current.person_id,
            changes=diff,
            reason=reason,
        )
    return current


# ---------------------------------------------------------------------------------------------
# bulk import


@dataclass(frozen=True)
class ImportResult:
    people_created: int
    people_skipped: int
    enrollments_created: int


_MAX_ERRORS = 20
_QUERY_CHUNK = 900  # stays under SQLite's bound-parameter limit


def bulk_import_people(
    rows: Iterable[Mapping[str, Any]],
    enrollments: Iterable[Mapping[str, Any]],
    actor: Any,
    *,
    batch_size: int = 1000,
    skip_existing: bool = False,
    reason: str = "",
) -> ImportResult:
    """Load many people and enrollments at once (demo, migration from spreadsheets).

    ``rows``: mappings with :data:`PERSON_FIELDS` keys (``village`` = region code, ``occupation``
    = code, ``organisation`` = id). ``enrollments``: mappings with ``nik`` plus
    :data:`ENROLLMENT_FIELDS` keys (``segment``/``funder`` = codes); the NIK may belong to a
    person in ``rows`` or one already registered. ``actor`` must be admin or Dinas (the command
    line and the demo pass ``permissions.SYSTEM``). All rows are validated first; any error raises a
    ``ValidationError`` listing row numbers (1-based) and nothing is written. One history entry is
    written per batch rather than per row. With ``skip_existing`` a NIK already registered is
    skipped instead of being an error.
    """
    perm.require(perm.can_edit_enrollment(actor), perm.MSG_FORBIDDEN)
    rows = list(rows)
    enrollments = list(enrollments)
    area = area_code()
    villages = set(
        Region.objects.filter(level=Region.Level.VILLAGE)
        .filter(perm.area_q("code", area))
        .values_list("code", flat=True)
    )
    occupations = set(Occupation.objects.values_list("code", flat=True))
    organisations = set(Organisation.objects.values_list("pk", flat=True))
    segments = set(Segment.objects.values_list("code", flat=True))
    funders = set(Funder.objects.values_list("code", flat=True))
    today = timezone.localdate()
    errors: list[str] = []

    def err(n: int, what: str, msg: str) -> None:
        if len(errors) < _MAX_ERRORS:
            errors.append(f"{what} baris {n}: {msg}")

    people: list[Person] = []
    seen: set[str] = set()
    for n, row in enumerate(rows, start=1):
        unknown = set(row) - set(PERSON_FIELDS)
        if unknown:
            err(n, "penduduk", f"kolom tidak dikenal {', '.join(sorted(unknown))}")
            continue
        rec: dict[str, str] = {}
        birth = _to_date(row.get("birth_date"), "birth_date", rec)
        result = parse_nik(row.get("nik"), stated_birth_date=birth, today=today)
        if result.problem is not None:
            err(n, "penduduk", NIK_PROBLEM_TEXT[result.problem])
            continue
        nik = result.cleaned
        if nik in seen:
            err(n, "penduduk", "NIK ganda di dalam data impor")
            continue
        seen.add(nik)
        name = _text(row.get("name"), 150)
        sex = _SEX_WORDS.get(str(row.get("sex") or "").strip().lower())
        village = str(row.get("village") or "").strip()
        occ = row.get("occupation") or None
        org = row.get("organisation") or None
        decile = row.get("dtks_decile")
        problems = list(rec.values())
        if not name:
            problems.append("nama kosong")
        if sex is None:
            problems.append("jenis kelamin harus L atau P")
        if birth is None and not rec:
            problems.append("tanggal lahir kosong")
        if village not in villages:
            problems.append(f"desa/kelurahan tidak dikenal atau di luar wilayah {area}")
        if occ is not None and occ not in occupations:
            problems.append("kode pekerjaan tidak dikenal")
        if org is not None and org not in organisations:
            problems.append("OPD tidak ditemukan")
        if decile not in (None, "") and not (str(decile).isdigit() and 1 <= int(decile) <= 10):
            problems.append("desil DTKS harus 1–10")
        if problems:
            err(n, "penduduk", "; ".join(problems))
            continue
        occ_text = _text(row.get("occupation_text"), 120)
        if occ is None and occ_text:
            guess = classify_occupation(occ_text)
            occ = guess if guess in occupations else None
        assert birth is not None  # checked above
        flags: dict[str, str] = {}
        person = Person(
            nik=nik,
            name=name,
            sex=sex or Sex.MALE,
            birth_place=_text(row.get("birth_place"), 100),
            birth_date=birth,
            village_id=village,
            address=_text(row.get("address"), 255),
            occupation_id=occ,
            occupation_text=occ_text,
            phone=re.sub(r"[\s.\-()]", "", str(row.get("phone") or ""))[:20],
            organisation_id=org,
            dtks_decile=int(decile) if decile not in (None, "") else None,
            extreme_poor=_to_bool(row.get("extreme_poor", False), "extreme_poor", flags),
            is_deceased=_to_bool(row.get("is_deceased", False), "is_deceased", flags),
            death_date=_to_date(row.get("death_date"), "death_date", flags),
            created_by=perm.recorded_user(actor),
            updated_by=perm.recorded_user(actor),
        )
        if flags:
            err(n, "penduduk", "; ".join(flags.values()))
            continue
        people.append(person)

    # NIKs already in the database
    existing: set[str] = set()
    niks = [p.nik for p in people]
    for i in range(0, len(niks), _QUERY_CHUNK):
        existing.update(Person.objects.filter(nik__in=niks[i : i + _QUERY_CHUNK]).values_list("nik", flat=True))
    if existing and not skip_existing:
        for n, p in enumerate(people, start=1):
            if p.nik in existing:
                err(n, "penduduk", "NIK sudah terdaftar")
    new_people = [p for p in people if p.nik not in existing]

    # enrollments may point to people registered earlier: look their NIKs up in one pass
    enr_niks = [parse_nik(row.get("nik")).cleaned for row in enrollments]
    elsewhere = sorted({k for k in enr_niks if k not in seen and len(k) == 16})
    known = set(seen)
    for i in range(0, len(elsewhere), _QUERY_CHUNK):
        known.update(Person.objects.filter(nik__in=elsewhere[i : i + _QUERY_CHUNK]).values_list("nik", flat=True))

    parsed_enrollments: list[tuple[str, Enrollment]] = []
    for n, (row, nik) in enumerate(zip(enrollments, enr_niks, strict=True), start=1):
        data = {k: v for k, v in row.items() if k != "nik"}
        if nik not in known:
            err(n, "kepesertaan", "NIK tidak ada di data penduduk")
            continue
        try:
            unknown = set(data) - set(ENROLLMENT_FIELDS)
            if unknown:
                raise ValidationError(f"kolom tidak dikenal {', '.join(sorted(unknown))}")
            rec = {}
            start = _to_date(data.get("coverage_start"), "coverage_start", rec)
            end = _to_date(data.get("coverage_end"), "coverage_end", rec)
            status = data.get("status") or Enrollment.Status.PROPOSED
            problems = list(rec.values())
            if start is None and not rec:
                problems.append("mulai perlindungan kosong")
            if start and end and end <= start:
                problems.append("akhir perlindungan harus sesudah mulai")
            if data.get("segment") not in segments:
                problems.append("segmen tidak dikenal")
            if data.get("funder") not in funders:
                problems.append("sumber dana tidak dikenal")
            if status not in Enrollment.Status.values:
                problems.append("status tidak dikenal")
            jkk = _to_bool(data.get("jkk", True), "jkk", rec)
            jkm = _to_bool(data.get("jkm", True), "jkm", rec)
            jht = _to_bool(data.get("jht", False), "jht", rec)
            if not (jkk or jkm or jht):
                problems.append("tidak ada program")
            if problems:
                raise ValidationError("; ".join(problems))
        except ValidationError as exc:
            err(n, "kepesertaan", "; ".join(exc.messages))
            continue
        assert start is not None  # checked above
        enr = Enrollment(
            segment_id=data["segment"],
            funder_id=data["funder"],
            jkk=jkk,
            jkm=jkm,
            jht=jht,
            kpj_number=re.sub(r"\s", "", str(data.get("kpj_number") or ""))[:20],
            coverage_start=start,
            coverage_end=end,
            status=status,
            reason=_text(data.get("reason"), 255),
            created_by=perm.recorded_user(actor),
            updated_by=perm.recorded_user(actor),
        )
        parsed_enrollments.append((nik, enr))

    if errors:
        raise ValidationError(errors)

    enrollments_created = 0
    with transaction.atomic():
        for i in range(0, len(new_people), batch_size):
            batch = Person.objects.bulk_create(new_people[i : i + batch_size], batch_size=batch_size)
            log_change(
                actor,
                ChangeLog.Action.IMPORT,
                PERSON_MODEL,
                count=len(batch),
                reason=reason,
                changes={"ids": [batch[0].pk, batch[-1].pk]} if batch and batch[0].pk else {},
            )
        if parsed_enrollments:
            wanted = sorted({nik for nik, _ in parsed_enrollments})
            ids: dict[str, int] = {}
            for i in range(0, len(wanted), _QUERY_CHUNK):
                ids.update(Person.objects.filter(nik__in=wanted[i : i + _QUERY_CHUNK]).values_list("nik", "pk"))
            objs = []
            for nik, enr in parsed_enrollments:
                enr.person_id = ids[nik]
                objs.append(enr)
            for i in range(0, len(objs), batch_size):
                batch_e = Enrollment.objects.bulk_create(objs[i : i + batch_size], batch_size=batch_size)
                enrollments_created += len(batch_e)
                log_change(
                    actor,
                    ChangeLog.Action.IMPORT,
                    ENROLLMENT_MODEL,
                    count=len(batch_e),
                    reason=reason,
                    changes={"ids": [batch_e[0].pk, batch_e[-1].pk]} if batch_e and batch_e[0].pk else {},
                )
    return ImportResult(len(new_people), len(people) - len(new_people), enrollments_created)


# ---------------------------------------------------------------------------------------------
# exports and master data


def record_export(actor: Any, what: str, count: int, *, reason: str = "") -> ChangeLog:
    """Check that ``actor`` may export personal data and record the export (DESIGN §6)."""
    perm.require(perm.can_export(actor), "Peran Anda tidak boleh mengekspor data pribadi.")
    return log_change(actor, ChangeLog.Action.EXPORT, what, count=count, reason=reason)


def seed_master_data() -> dict[str, int]:
    """Create or update segments, funders and occupations from the shipped lists (idempotent).

    Only rows whose shipped values differ are written; returns how many were created and updated
    (both 0 on a second run). Rows edited in the admin keep their ``active`` flag.
    """
    with transaction.atomic():
        return masterdata.seed(Segment, Funder, Occupation)

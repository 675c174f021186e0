"""Agreement (PKS) writes: create, status, addenda, renewal, documents, enrolling a frozen list,
and the registration batch to BPJS and its answer (DESIGN.md §5.4).

Every actor is checked against :mod:`ucjamsostek.accounts.permissions`; the server's console
passes ``permissions.SYSTEM``, and no actor (``None``) may do nothing. Every write is logged in the registry's
change history; nothing is half-written (one transaction per call).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any

import polars as pl
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ucjamsostek.accounts import permissions as perm
from ucjamsostek.agreements.models import TRANSITIONS, Agreement, AgreementDocument, Amendment, Coverage
from ucjamsostek.budget import selectors as budget
from ucjamsostek.core import bpjsfiles
from ucjamsostek.core.money import MoneyError, parse_rupiah
from ucjamsostek.core.xlsxout import Sheet, write_workbook
from ucjamsostek.registry.models import ChangeLog, Enrollment, Funder, Person, Segment
from ucjamsostek.registry.services import log_change

AGREEMENT_MODEL = "agreements.agreement"
MAX_PDF_BYTES = 20 * 1024 * 1024
PDF_MAGIC = b"%PDF-"

AMENDABLE = ("value", "quota", "start", "end")


def _check(actor: Any, allowed: Callable[[Any], bool]) -> None:
    if not allowed(actor):
        raise PermissionDenied(perm.MSG_FORBIDDEN)


def _int(value: Any, label: str, errors: dict[str, str]) -> int | None:
    if value in (None, ""):
        return None
    try:
        out = parse_rupiah(value) if isinstance(value, str) else int(value)
    except MoneyError as exc:
        errors[label] = str(exc)
        return None
    except (ValueError, TypeError):
        errors[label] = "Harus bilangan bulat Rupiah (contoh 2.016.000.000)."
        return None
    if out < 0:
        errors[label] = "Tidak boleh negatif."
    return out


def _date(value: Any, label: str, errors: dict[str, str]) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        errors[label] = "Tanggal harus YYYY-MM-DD."
        return None


def _clean(data: Mapping[str, Any], current: Agreement | None) -> dict[str, Any]:
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    for f in ("number", "title", "parties", "notes"):
        if f in data:
            out[f] = str(data[f] or "").strip()
    if current is None and not out.get("number"):
        errors["number"] = "Nomor PKS wajib diisi."
    for f in ("signed_on", "start", "end"):
        if f in data:
            out[f] = _date(data[f], f, errors)
    for f in ("value", "quota", "wage_base"):
        if f in data:
            out[f] = _int(data[f], f, errors)
    if "funder" in data:
        funder = Funder.objects.filter(pk=data["funder"]).first()
        if funder is None:
            errors["funder"] = f"Sumber dana {data['funder']!r} tidak dikenal."
        out["funder"] = funder
    if "programmes" in data:
        progs = {p.strip().upper() for p in str(data["programmes"]).replace(",", "+").split("+") if p.strip()}
        unknown = progs - {"JKK", "JKM", "JHT"}
        if unknown or not progs:
            errors["programmes"] = "Program harus JKK, JKM dan/atau JHT."
        out.update(jkk="JKK" in progs, jkm="JKM" in progs, jht="JHT" in progs)
    start = out.get("start", current.start if current else None)
    end = out.get("end", current.end if current else None)
    if current is None:
        for f, label in (("start", "Tanggal mulai"), ("end", "Tanggal akhir"), ("funder", "Sumber dana")):
            if out.get(f) is None and f not in errors:
                errors[f] = f"{label} wajib diisi."
    if start and end and end <= start:
        errors["end"] = "Akhir PKS harus setelah mulai."
    if out.get("value") is None:
        out.pop("value", None)
    if out.get("quota") is None:
        out.pop("quota", None)
    if errors:
        raise ValidationError(errors)
    return out


def create_agreement(actor: Any, data: Mapping[str, Any], *, predecessor: Agreement | None = None) -> Agreement:
    """A new agreement in ``draft``; ``data`` keys as the model's fields (``programmes`` as ``JKK+JKM``)."""
    _check(actor, perm.can_manage_agreements)
    with transaction.atomic():
        cleaned = _clean(data, None)
        if Agreement.objects.filter(number=cleaned["number"]).exists():
            raise ValidationError({"number": f"PKS nomor {cleaned['number']} sudah ada."})
        if predecessor is not None:
            predecessor = Agreement.objects.select_for_update().get(pk=predecessor.pk)
            if Agreement.objects.filter(predecessor=predecessor).exists():
                raise ValidationError({"predecessor": "PKS ini sudah diperpanjang dengan PKS lain."})
            if cleaned["start"] < predecessor.end:
                raise ValidationError(
                    {"start": f"PKS lanjutan tidak boleh mulai sebelum PKS sebelumnya berakhir ({predecessor.end})."}
                )
        agreement = Agreement(created_by=perm.recorded_user(actor), predecessor=predecessor, **cleaned)
        agreement.save()
        log_change(
            actor,
            ChangeLog.Action.CREATE,
            AGREEMENT_MODEL,
            agreement.pk,
            changes={
                "number": [None, agreement.number],
                "start": [None, agreement.start],
                "end": [None, agreement.end],
                "predecessor": [None, predecessor.number if predecessor else None],
            },
        )
    return agreement


def renew_agreement(actor: Any, previous: Agreement, data: Mapping[str, Any]) -> Agreement:
    """Renewal: a new agreement linked to ``previous``; unset fields are taken from it."""
    base = {
        "funder": previous.funder_id,
        "programmes": "+".join(previous.programmes),
        "parties": previous.parties,
        "wage_base": previous.wage_base,
        "quota": previous.quota,
    }
    return create_agreement(
        actor, {**base, **{k: v for k, v in data.items() if v not in (None, "")}}, predecessor=previous
    )


def set_status(actor: Any, agreement: Agreement, status: str, *, reason: str = "") -> Agreement:
    _check(actor, perm.can_manage_agreements)
    with transaction.atomic():
        agr = Agreement.objects.select_for_update().get(pk=agreement.pk)
        if status not in TRANSITIONS.get(agr.status, ()):
            allowed = ", ".join(TRANSITIONS.get(agr.status, ())) or "tidak ada"
            raise ValidationError(
                {"status": f"Status {agr.status} tidak dapat diubah menjadi {status} (yang boleh: {allowed})."}
            )
        if status == Agreement.Status.SIGNED and agr.signed_on is None:
            raise ValidationError({"signed_on": "Isi tanggal tanda tangan sebelum menandai PKS ditandatangani."})
        old = agr.status
        agr.status = status
        agr.save(update_fields=["status"])
        log_change(
            actor, ChangeLog.Action.UPDATE, AGREEMENT_MODEL, agr.pk, changes={"status": [old, status]}, reason=reason
        )
    return agr


def amend(
    actor: Any,
    agreement: Agreement,
    changes: Mapping[str, Any],
    *,
    reason: str,
    number: str = "",
    signed_on: date | None = None,
) -> Amendment:
    """Record an addendum changing ``value``, ``quota``, ``start`` and/or ``end``; the agreement
    takes the new values, the addendum keeps ``{field: [before, after]}``. Extending or shortening
    the period moves the end of the coverage periods that ended with the agreement."""
    _check(actor, perm.can_manage_agreements)
    unknown = set(changes) - set(AMENDABLE)
    if unknown:
        raise ValidationError(
            {"changes": f"Addendum hanya dapat mengubah nilai, kuota atau periode: {sorted(unknown)}"}
        )
    if not reason.strip():
        raise ValidationError({"reason": "Alasan addendum wajib diisi."})
    with transaction.atomic():
        agr = Agreement.objects.select_for_update().get(pk=agreement.pk)
        cleaned = _clean(changes, agr)
        diff = {f: [getattr(agr, f), v] for f, v in cleaned.items() if getattr(agr, f) != v}
        if not diff:
            raise ValidationError({"changes": "Addendum tidak mengubah apa pun."})
        seq = (agr.amendments.order_by("-seq").values_list("seq", flat=True).first() or 0) + 1
        for f, (_, new) in diff.items():
            setattr(agr, f, new)
        agr.save(update_fields=list(diff))
        if "end" in diff:
            moved = Enrollment.objects.filter(coverage__agreement=agr, coverage_end=diff["end"][0]).update(
                coverage_end=diff["end"][1], updated_at=timezone.now()
            )
            if moved:
                log_change(
                    actor,
                    ChangeLog.Action.IMPORT,
                    "registry.enrollment",
                    "",
                    count=moved,
                    changes={"coverage_end": diff["end"]},
                    reason=f"Addendum {seq} PKS {agr.number}",
                )
        amendment = Amendment.objects.create(
            agreement=agr,
            seq=seq,
            number=number.strip(),
            signed_on=signed_on,
            reason=reason.strip()[:255],
            changes={f: [_json(a), _json(b)] for f, (a, b) in diff.items()},
            created_by=perm.recorded_user(actor),
        )
        log_change(
            actor, ChangeLog.Action.UPDATE, AGREEMENT_MODEL, agr.pk, changes=diff, reason=f"Addendum {seq}: {reason}"
        )
    return amendment


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


# ------------------------------------------------------------------------------------ documents
def attach_document(
    actor: Any, agreement: Agreement, name: str, stream: IO[bytes], *, title: str = ""
) -> AgreementDocument:
    """Attach a PDF: extension ``.pdf``, starts with ``%PDF-``, at most :data:`MAX_PDF_BYTES`."""
    _check(actor, perm.can_manage_agreements)
    if not name.lower().endswith(".pdf"):
        raise ValidationError({"file": "Dokumen PKS harus berkas PDF (.pdf)."})
    data = stream.read(MAX_PDF_BYTES + 1)
    if len(data) > MAX_PDF_BYTES:
        raise ValidationError({"file": f"Berkas terlalu besar (batas {MAX_PDF_BYTES // 1024 // 1024} MB)."})
    if not data.startswith(PDF_MAGIC):
        raise ValidationError({"file": "Isi berkas bukan PDF (tidak diawali %PDF-)."})
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in Path(name).name)[:100]
    with transaction.atomic():
        doc = AgreementDocument(
            agreement=agreement,
            title=(title or Path(name).stem)[:255],
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            uploaded_by=perm.recorded_user(actor),
        )
        doc.file.save(safe, ContentFile(data), save=False)
        doc.save()
        log_change(
            actor,
            ChangeLog.Action.CREATE,
            "agreements.agreementdocument",
            doc.pk,
            changes={"agreement": [None, agreement.number], "title": [None, doc.title]},
        )
    return doc


# ------------------------------------------------------------------------------------ enrolment
@dataclass
class EnrollResult:
    created: int = 0
    already_covered: int = 0
    not_in_registry: int = 0
    over_quota: int = 0
    unknown_segment: int = 0


def enroll_people(
    actor: Any,
    agreement: Agreement,
    people: list[tuple[int, str]],
    *,
    start: date | None = None,
    scenario_id: int | None = None,
    status: str = Enrollment.Status.PROPOSED,
) -> EnrollResult:
    """Create, in one step, one enrollment per ``(person_id, segment_code)`` covering
    ``[max(start, agreement.start), agreement.end)``, linked to the agreement. People already
    holding an open enrollment overlapping that period are skipped; so are people beyond the
    agreement's quota (when set)."""
    _check(actor, perm.can_manage_agreements)
    if agreement.status == Agreement.Status.ENDED:
        raise ValidationError({"agreement": "PKS sudah berakhir; tidak dapat menambah peserta."})
    begin = max(start or agreement.start, agreement.start)
    if begin >= agreement.end:
        raise ValidationError({"start": "Tanggal mulai berada di luar periode PKS."})
    result = EnrollResult()
    segments = set(Segment.objects.values_list("code", flat=True))
    with transaction.atomic():
        Agreement.objects.select_for_update().get(pk=agreement.pk)
        ids = [p for p, _ in people]
        busy = set(
            Enrollment.objects.filter(
                person_id__in=ids,
                status__in=(Enrollment.Status.PROPOSED, Enrollment.Status.SUBMITTED, Enrollment.Status.ACTIVE),
                coverage_start__lt=agreement.end,
            )
            .filter(Q(coverage_end__isnull=True) | Q(coverage_end__gt=begin))
            .values_list("person_id", flat=True)
        )
        existing = set(Person.objects.filter(pk__in=ids).values_list("pk", flat=True))
        room = agreement.quota - agreement.coverages.count() if agreement.quota else None
        now = timezone.now()
        new: list[Enrollment] = []
        seen: set[int] = set()
        for person_id, segment in people:
            if person_id not in existing:
                result.not_in_registry += 1
            elif person_id in busy or person_id in seen:
                result.already_covered += 1
            elif segment not in segments:
                result.unknown_segment += 1
            elif room is not None and len(new) >= room:
                result.over_quota += 1
            else:
                seen.add(person_id)
                new.append(
                    Enrollment(
                        person_id=person_id,
                        segment_id=segment,
                        funder_id=agreement.funder_id,
                        jkk=agreement.jkk,
                        jkm=agreement.jkm,
                        jht=agreement.jht,
                        coverage_start=begin,
                        coverage_end=agreement.end,
                        status=status,
                        created_at=now,
                        updated_at=now,
                        created_by=perm.recorded_user(actor),
                        updated_by=perm.recorded_user(actor),
                    )
                )
        created = Enrollment.objects.bulk_create(new, batch_size=2000)
        if not all(e.pk for e in created):  # backends without RETURNING ids
            created = list(
                Enrollment.objects.filter(
                    person_id__in=[e.person_id for e in new], coverage_start=begin, coverage__isnull=True
                )
            )
        Coverage.objects.bulk_create(
            [Coverage(agreement=agreement, enrollment=e, from_scenario=scenario_id) for e in created], batch_size=2000
        )
        result.created = len(created)
        if created:
            log_change(
                actor,
                ChangeLog.Action.IMPORT,
                "registry.enrollment",
                "",
                count=len(created),
                changes={"agreement": [None, agreement.number], "coverage_start": [None, begin]},
                reason=f"Pendaftaran peserta PKS {agreement.number}"
                + (f" dari skenario {scenario_id}" if scenario_id else ""),
            )
    return result


def enroll_scenario(
    actor: Any, agreement: Agreement, *, year: int | None = None, scenario_id: int | None = None
) -> EnrollResult:
    """Enrol the frozen list of the final budget scenario (of ``year``, or ``scenario_id``)."""

    if scenario_id is not None:
        scenario = budget.scenario(scenario_id)
    else:
        found = budget.final_scenario(year or agreement.start.year)
        if found is None:
            raise ValidationError(
                {"scenario": f"Belum ada skenario anggaran final untuk tahun {year or agreement.start.year}."}
            )
        scenario = found
    if not scenario.is_final:
        raise ValidationError({"scenario": "Hanya daftar skenario final (dibekukan) yang dapat didaftarkan."})
    lines = budget.scenario_lines(scenario.pk)
    people = [(ln.person_id, ln.segment) for ln in lines if ln.person_id is not None]
    result = enroll_people(actor, agreement, people, start=scenario.start, scenario_id=scenario.pk)
    result.not_in_registry += sum(1 for ln in lines if ln.person_id is None)
    return result


# ------------------------------------------------------------------------------- registration
REGISTRATION_HEADERS = ("NIK", "Nama", "Tanggal Lahir", "Alamat", "Desa", "Pekerjaan", "Program", "Tanggal Mulai")


def registration_rows(agreement: Agreement) -> list[list[Any]]:
    enr = (
        Enrollment.objects.filter(coverage__agreement=agreement, status=Enrollment.Status.PROPOSED)
        .select_related("person", "person__village", "person__occupation")
        .order_by("person__village_id", "person__name")
    )
    return [
        [
            e.person.nik,
            e.person.name,
            e.person.birth_date,
            e.person.address,
            e.person.village.name,
            e.person.occupation.name if e.person.occupation else e.person.occupation_text,
            "+".join(e.programmes),
            e.coverage_start,
        ]
        for e in enr
    ]


def export_registration(actor: Any, agreement: Agreement, path: str | Path) -> int:
    """Write the registration sheet of the agreement's enrollments not yet submitted to BPJS. It
    only reads: :func:`submit_registration` marks them submitted once the file was sent. The
    export is recorded (personal data leaves the system)."""
    _check(actor, perm.can_manage_agreements)
    rows = registration_rows(agreement)
    write_workbook(
        path,
        [
            Sheet(
                "Pendaftaran",
                REGISTRATION_HEADERS,
                rows,
                title=f"Pendaftaran peserta PKS {agreement.number}",
                widths=(20, 28, 13, 30, 18, 20, 10, 13),
            )
        ],
    )
    log_change(
        actor,
        ChangeLog.Action.EXPORT,
        "registry.enrollment",
        "",
        count=len(rows),
        reason=f"Berkas pendaftaran BPJS PKS {agreement.number}",
    )
    return len(rows)


def submit_registration(actor: Any, agreement: Agreement) -> int:
    """Mark the agreement's proposed enrollments ``submitted`` (their registration file went to
    BPJS); returns how many. A deliberate step of its own: a download never changes a status."""
    _check(actor, perm.can_manage_agreements)
    with transaction.atomic():
        n = Enrollment.objects.filter(coverage__agreement=agreement, status=Enrollment.Status.PROPOSED).update(
            status=Enrollment.Status.SUBMITTED, updated_at=timezone.now()
        )
        log_change(
            actor,
            ChangeLog.Action.UPDATE,
            "registry.enrollment",
            "",
            count=n,
            changes={"status": [Enrollment.Status.PROPOSED, Enrollment.Status.SUBMITTED]},
            reason=f"Didaftarkan ke BPJS: PKS {agreement.number}",
        )
    return n


@dataclass
class RegistrationResult:
    accepted: int = 0
    rejected: int = 0
    unmatched: list[tuple[int, str]] = field(default_factory=list)  # (row, reason) — no NIK in messages


def import_registration(actor: Any, path: str | Path, *, display_name: str | None = None) -> RegistrationResult:
    """BPJS's answer: NIK → KPJ number, status (diterima/ditolak), reason. Updates the person's
    enrollment that was submitted (or proposed); rows that match none are listed, not applied."""
    _check(actor, perm.can_upload_bpjs_files)
    table = bpjsfiles.read_bpjs_file(path, bpjsfiles.REGISTRATION, display_name=display_name)
    frame = table.frame.with_columns(bpjsfiles.registration_status_expr(pl.col("status")).alias("decision"))
    result = RegistrationResult()
    pending = {
        nik: pk
        for pk, nik in Enrollment.objects.filter(
            status__in=(Enrollment.Status.SUBMITTED, Enrollment.Status.PROPOSED)
        ).values_list("pk", "person__nik")
    }
    updates: list[Enrollment] = []
    now = timezone.now()
    for rec in frame.iter_rows(named=True):
        if rec["decision"] is None:
            result.unmatched.append((rec["row"], f"status '{rec['status']}' tidak dikenal"))
            continue
        pk = pending.pop(rec["nik"], None)
        if pk is None:
            result.unmatched.append((rec["row"], "NIK tidak ada di antara peserta yang didaftarkan"))
            continue
        enr = Enrollment(pk=pk, updated_at=now, updated_by=perm.recorded_user(actor))
        if rec["decision"] == "accepted":
            if not rec["kpj"]:
                pending[rec["nik"]] = pk
                result.unmatched.append((rec["row"], "diterima tanpa nomor KPJ"))
                continue
            enr.status, enr.kpj_number, enr.reason = Enrollment.Status.ACTIVE, rec["kpj"][:20], ""
            result.accepted += 1
        else:
            enr.status, enr.kpj_number = Enrollment.Status.REJECTED, (rec["kpj"] or "")[:20]
            enr.reason = (rec.get("reason") or "Ditolak BPJS")[:255]
            result.rejected += 1
        updates.append(enr)
    with transaction.atomic():
        Enrollment.objects.bulk_update(
            updates, ["status", "kpj_number", "reason", "updated_at", "updated_by"], batch_size=2000
        )
        log_change(
            actor,
            ChangeLog.Action.IMPORT,
            "registry.enrollment",
            "",
            count=len(updates),
            changes={"accepted": [None, result.accepted], "rejected": [None, result.rejected]},
            reason=f"Jawaban pendaftaran BPJS: {table.source}",
        )
    return result


# ------------------------------------------------------------------------------------ gap report
def export_gap_report(actor: Any, report: Any, path: str | Path) -> None:
    """The coverage gap report as xlsx (per person, per desa, claims in a gap). NIKs are as the
    report shows them to the actor; an export with full NIKs is recorded."""
    _check(actor, perm.can_export)
    people = [[r.nik, r.name, r.village, r.district, r.gap_start, r.last_day, r.days, r.open] for r in report.rows]
    desa = [[v["village"], v["people"], v["person_days"]] for v in report.by_village]
    claims = [[c["nik"], c["name"], c["type"], c["incident_date"], c["amount"]] for c in report.claims_in_gap]
    ended = [[r.nik, r.name, r.village, r.district, r.last_day, r.days, r.died] for r in report.ended]
    title = "Celah perlindungan di antara PKS" + (f" (sampai {report.as_of:%d-%m-%Y})" if report.as_of else "")
    write_workbook(
        path,
        [
            Sheet(
                "Per orang",
                ["NIK", "Nama", "Desa", "Kecamatan", "Tidak terlindungi sejak", "Sampai", "Hari", "Masih"],
                people,
                title=title,
                widths=(20, 28, 18, 18, 14, 14, 8, 8),
            ),
            Sheet("Per desa", ["Desa (kecamatan)", "Orang", "Orang-hari"], desa, widths=(36, 10, 12)),
            Sheet(
                "Klaim di masa celah",
                ["NIK", "Nama", "Jenis", "Tanggal kejadian", "Nominal (Rp)"],
                claims,
                widths=(20, 28, 10, 14, 16),
            ),
            Sheet(
                "Berakhir tak dilanjutkan",
                ["NIK", "Nama", "Desa", "Kecamatan", "Terlindungi sampai", "Hari", "Meninggal"],
                ended,
                title=f"Perlindungan berakhir dan tidak dilanjutkan sampai {report.ended_as_of:%d-%m-%Y}"
                if report.ended_as_of
                else None,
                widths=(20, 28, 18, 18, 14, 8, 14),
            ),
        ],
    )
    log_change(actor, ChangeLog.Action.EXPORT, "agreements.gaps", "", count=len(people), reason=title)

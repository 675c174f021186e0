"""Writes of the screening app: reference lists, stored batches, review decisions, column mappings,
and the background upload job.

Every write runs in one transaction: a file that fails leaves nothing half-written. Permission
checks live in :mod:`ucjamsostek.accounts.permissions` and are applied here.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from ucjamsostek.accounts import permissions as perms
from ucjamsostek.accounts.models import User
from ucjamsostek.bulk import insert_frame
from ucjamsostek.core import filelimits, intake
from ucjamsostek.core import normalize as nz
from ucjamsostek.core import verification as tiers
from ucjamsostek.core.intake import IntakeError, file_sha256
from ucjamsostek.core.reasons import DUPLICATE, REASONS
from ucjamsostek.core.reasons import Status as CoreStatus
from ucjamsostek.core.references import read_reference_list
from ucjamsostek.core.replacement import check_replacement
from ucjamsostek.core.screen import ScreeningOptions, screen_file, write_outputs
from ucjamsostek.jobs import services as jobs
from ucjamsostek.jobs.services import JobError, StagedProgress
from ucjamsostek.regions.models import Region
from ucjamsostek.registry.services import record_export
from ucjamsostek.screening.models import (
    ColumnMapping,
    Decision,
    DecisionKind,
    DuplicatePair,
    Finding,
    Nomination,
    NominationBatch,
    ReferenceEntry,
    ReferenceKind,
    ReferenceList,
    ReviewDecision,
    SourceKind,
    Status,
    Verification,
)
from ucjamsostek.screening.queries import final_counts, final_decisions, final_stamp, stored_result
from ucjamsostek.screening.selectors import screening_context
from ucjamsostek.uploads import check_upload, display_name

if TYPE_CHECKING:
    from ucjamsostek.core.screen import ScreeningResult
    from ucjamsostek.jobs.services import JobContext

Progress = Callable[[str, float], None]

BULK_SIZE = 2000


def _noop(stage: str, fraction: float) -> None:
    return None


def source_key(kind: str, name: str) -> str:
    """Normalised key of a source: ``("desa", "Ds. Lailangga")`` → ``desa:ds-lailangga``."""
    slug = re.sub(r"[^0-9a-z]+", "-", name.lower()).strip("-")
    return f"{kind}:{slug}"[:220]


# =========================================================================== reference lists
def load_reference(
    kind: str,
    path: str | Path,
    actor: Any,
    *,
    display_name: str | None = None,
    progress: Progress | None = None,
    replace: bool = False,
) -> ReferenceList:
    """Load a reference list of ``kind`` (enrolled, deaths, asn) as its new active version.

    The file is read by :func:`ucjamsostek.core.references.read_reference_list` (the reader
    screening from files uses too). The previous active version of the kind stays, inactive, for
    audit. A bad file raises :class:`IntakeError` (located, Indonesian) and writes nothing; a list
    much smaller than the active one or mostly repeats raises
    :class:`~ucjamsostek.core.replacement.ReplacementNeedsConfirmation` unless ``replace``.

    The entries are written into a staged, inactive version in chunks of their own transactions
    (a long single write would lock SQLite for every page meanwhile), then one short transaction
    makes it the active one; a failure on the way deletes the staged version.
    """
    report = progress or _noop
    if kind not in ReferenceKind.values:
        raise ValidationError(
            f"Jenis daftar rujukan '{kind}' tidak dikenal; gunakan salah satu: {', '.join(ReferenceKind.values)}."
        )
    if not perms.can_load_reference_lists(actor):
        raise PermissionDenied(perms.MSG_FORBIDDEN)
    p = Path(path)
    display = display_name or p.name
    report(gettext_noop("Membaca berkas"), 0.0)
    frame = read_reference_list(p, display_name=display, today=timezone.localdate())
    digest = file_sha256(p)
    total = frame.height
    report(gettext_noop("Menyimpan"), 0.2)
    with transaction.atomic():
        # Lock the kind's lists so two loads cannot take the same version number.
        previous = list(ReferenceList.objects.select_for_update().filter(kind=kind))
        if not replace:
            check_replacement(
                label=f"daftar {kind}",
                active=sum(r.entry_count for r in previous if r.active),
                rows=total,
                distinct=frame["nik"].n_unique(),
                file=display,
            )
        version = max((r.version for r in previous), default=0) + 1
        # Staged: inactive (screening reads active lists only) and empty until every entry is in.
        ref = ReferenceList.objects.create(
            kind=kind,
            version=version,
            file_name=display[:255],
            sha256=digest,
            entry_count=0,
            active=False,
            loaded_by=perms.recorded_user(actor),
        )
    try:
        done = 0
        for chunk in frame.iter_slices(BULK_SIZE * 5):
            # One short write per chunk: on SQLite, pages can save between chunks instead of waiting
            # minutes behind one long transaction of a large list.
            with transaction.atomic():
                insert_frame(
                    ReferenceEntry,
                    chunk.select(
                        pl.lit(ref.pk, dtype=pl.Int64).alias("reference_list"),
                        pl.col("nik"),
                        pl.col("name").fill_null("").str.slice(0, 200),
                        pl.col("birth_date").cast(pl.Date),
                        pl.col("death_date").cast(pl.Date),
                    ),
                )
            done += chunk.height
            report(gettext_noop("Menyimpan"), 0.2 + 0.8 * done / max(total, 1))
        with transaction.atomic():  # the switch: one short write
            ReferenceList.objects.filter(kind=kind, active=True).update(active=False)
            ReferenceList.objects.filter(pk=ref.pk).update(active=True, entry_count=total)
    except BaseException:
        ReferenceList.objects.filter(pk=ref.pk).delete()  # the staged version and its entries
        raise
    ref.refresh_from_db()
    report(gettext_noop("Selesai"), 1.0)
    return ref


# =========================================================================== batches
_TEXT_FIELDS: dict[str, int] = {
    "nik": 64,
    "nik_raw": 100,
    "name": 200,
    "sex": 1,
    "birth_place": 120,
    "address": 255,
    "village": 120,
    "district": 120,
    "occupation": 120,
    "phone": 40,
    "segment": 32,
    "region_code": 13,
    "cluster": 32,
}


def _text(value: Any, limit: int) -> str:
    if value is None:
        return ""
    return str(value)[:limit]


def _reasons_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return ";".join(str(v) for v in value if v)


def _column(frame: pl.DataFrame, name: str) -> list[Any]:
    return frame[name].to_list() if name in frame.columns else [None] * frame.height


#: The share of :func:`save_batch`'s progress that is its rows (written in chunks); the rest is
#: their findings and duplicate pairs.
STORE_ROWS_SHARE = 0.8


def save_batch(
    result: ScreeningResult,
    *,
    source_name: str,
    file_path: str | Path,
    actor: Any,
    as_of: date,
    segment: str | None = None,
    source_kind: str = SourceKind.DESA,
    region: Any = None,
    organisation: Any = None,
    file_name: str | None = None,
    progress: Progress | None = None,
) -> NominationBatch:
    """Store a screening result as a batch with its rows, findings and duplicate pairs.

    One transaction: on any error nothing is stored. ``region`` / ``organisation`` scope the batch
    (default: the actor's area or OPD). The list starts tiered verification at its sender's level
    (:func:`start_verification`).
    """

    report = progress or _noop
    perms.require(perms.can_upload_nominations(actor))
    region = region if region is not None else perms.own_area(actor)
    organisation = organisation if organisation is not None else perms.own_organisation(actor)
    path = Path(file_path)
    rows = result.rows
    summary = dict(result.summary) if result.summary else {}
    statuses = rows["status"].to_list() if "status" in rows.columns else []
    counts = {s: statuses.count(s) for s in Status.values}
    codes = {c for c in set(_column(rows, "region_code")) if c}
    known = set(Region.objects.filter(code__in=codes).values_list("code", flat=True)) if codes else set()
    report(gettext_noop("Menyimpan hasil"), 0.0)
    with transaction.atomic():
        batch = NominationBatch.objects.create(
            source_kind=source_kind,
            source_name=source_name[:200],
            source_key=source_key(source_kind, source_name),
            file_name=(file_name or path.name)[:255],
            sha256=file_sha256(path) if path.exists() else "",
            uploaded_by=perms.recorded_user(actor),
            region=region,
            organisation=organisation,
            as_of=as_of,
            segment=segment or "",
            row_count=rows.height,
            eligible_count=counts[Status.ELIGIBLE],
            review_count=counts[Status.REVIEW],
            rejected_count=counts[Status.REJECTED],
            summary=_json_safe(summary),
        )
        start_verification(batch, actor)
        cols = {
            name: _column(rows, name) for name in (*_TEXT_FIELDS, "row", "status", "reasons", "birth_date", "decile")
        }
        text_cols = {f: [_text(v, n) for v in cols[f]] for f, n in _TEXT_FIELDS.items()}
        nomination_values = [
            (
                batch.pk,
                int(cols["row"][i]),
                cols["status"][i],
                _reasons_text(cols["reasons"][i])[:255],
                "",
                text_cols["region_code"][i] if text_cols["region_code"][i] in known else None,
                cols["birth_date"][i],
                int(cols["decile"][i]) if cols["decile"][i] is not None else None,
                *(text_cols[f][i] for f in _TEXT_FIELDS),
            )
            for i in range(rows.height)
        ]
        fields = [
            "batch",
            "row",
            "status",
            "reasons",
            "reviewed_status",
            "region",
            "birth_date",
            "decile",
            *_TEXT_FIELDS,
        ]
        schema = {
            "batch": pl.Int64, "row": pl.Int64, "status": pl.Utf8, "reasons": pl.Utf8, "reviewed_status": pl.Utf8,
            "region": pl.Utf8, "birth_date": pl.Date, "decile": pl.Int64, **dict.fromkeys(_TEXT_FIELDS, pl.Utf8),
        }  # fmt: skip
        for start in range(0, len(nomination_values), BULK_SIZE):
            part = nomination_values[start : start + BULK_SIZE]
            insert_frame(Nomination, pl.DataFrame(part, schema=[(f, schema[f]) for f in fields], orient="row"))
            report(
                gettext_noop("Menyimpan hasil"),
                STORE_ROWS_SHARE * min(1.0, (start + BULK_SIZE) / max(len(nomination_values), 1)),
            )
        by_row: dict[int, int] = dict(Nomination.objects.filter(batch=batch).values_list("row", "id"))
        findings = result.findings
        if findings is not None and findings.height:
            f_rows, f_codes = findings["row"].to_list(), findings["code"].to_list()
            f_msgs = _column(findings, "message")
            finding_values = [
                (by_row[r], str(c)[:40], m or "")
                for r, c, m in zip(f_rows, f_codes, f_msgs, strict=True)
                if r in by_row
            ]
            finding_schema = [("nomination", pl.Int64), ("code", pl.Utf8), ("message", pl.Utf8)]
            for start in range(0, len(finding_values), BULK_SIZE):
                part = finding_values[start : start + BULK_SIZE]
                insert_frame(Finding, pl.DataFrame(part, schema=finding_schema, orient="row"))
        pairs = getattr(result, "pairs", None)
        if pairs is not None and pairs.height:
            DuplicatePair.objects.bulk_create(
                [
                    DuplicatePair(
                        batch=batch,
                        left_id=by_row[min(a, b)],
                        right_id=by_row[max(a, b)],
                        probability=float(p) if p is not None else 0.0,
                        kind=str(k or "")[:32],
                    )
                    for a, b, p, k in zip(
                        pairs["row_l"].to_list(),
                        pairs["row_r"].to_list(),
                        _column(pairs, "probability"),
                        _column(pairs, "kind"),
                        strict=True,
                    )
                    if a in by_row and b in by_row
                ],
                batch_size=BULK_SIZE,
            )
    report(gettext_noop("Menyimpan hasil"), 1.0)
    return batch


def _json_safe(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


# =========================================================================== decisions
ROW_DECISIONS = (Decision.ACCEPT, Decision.REJECT)
PAIR_DECISIONS = (Decision.MERGE, Decision.DISTINCT)


def _check_decision(actor: Any, nominations: Sequence[Nomination], decision: str, reason: str) -> str:
    if not perms.can_review(actor):
        raise PermissionDenied(perms.MSG_READ_ONLY if perms.role_of(actor) else perms.MSG_FORBIDDEN)
    if not perms.can_review_nominations(actor, nominations):
        raise PermissionDenied(perms.MSG_OUT_OF_AREA)
    allowed = ROW_DECISIONS if len(nominations) == 1 else PAIR_DECISIONS
    if decision not in allowed:
        raise ValidationError(f"Keputusan '{decision}' tidak berlaku di sini; pilih {' atau '.join(allowed)}.")
    text = (reason or "").strip()
    if len(text) < 3:
        raise ValidationError("Alasan wajib diisi.")
    return text


def _row_key(n: Nomination) -> str:
    return n.decision_key


def pair_key(a: Nomination, b: Nomination) -> str:
    return "||".join(sorted([_row_key(a), _row_key(b)]))


def _reviewed_status_after_pair(n: Nomination, decision: str) -> str:
    """Status of the later row of a pair after the decision."""
    if decision == Decision.MERGE:
        return Status.REJECTED
    # distinct: the probable-duplicate doubt is gone; other reasons keep their force
    others = [c for c in n.reason_list if c != DUPLICATE]
    severities = [REASONS[c].status for c in others if c in REASONS]
    if CoreStatus.REJECTED in severities:
        return Status.REJECTED
    if CoreStatus.REVIEW in severities:
        return ""  # still waits for its own review
    return Status.ELIGIBLE


def decide(
    actor: Any,
    target: Nomination | DuplicatePair | tuple[Nomination, Nomination],
    decision: str,
    reason: str,
) -> ReviewDecision:
    """Record an operator's decision on a review row (accept/reject) or a duplicate pair
    (merge/distinct) with a mandatory reason; the previous decision on the same key stays,
    inactive, for audit. Raises PermissionDenied outside the actor's scope or for read-only roles,
    ValidationError for a wrong decision or a missing reason.
    """
    if isinstance(target, DuplicatePair):
        nominations: list[Nomination] = [target.left, target.right]
    elif isinstance(target, tuple):
        nominations = sorted(target, key=lambda n: (n.batch_id, n.row))
    else:
        nominations = [target]
    text = _check_decision(actor, nominations, decision, reason)
    with transaction.atomic():
        if len(nominations) == 1:
            n = nominations[0]
            kind, key, other = DecisionKind.ROW, _row_key(n), None
            n.reviewed_status = Status.ELIGIBLE if decision == Decision.ACCEPT else Status.REJECTED
            n.save(update_fields=["reviewed_status"])
        else:
            n, other = nominations[0], nominations[1]
            kind, key = DecisionKind.PAIR, pair_key(n, other)
            later = other
            new_status = _reviewed_status_after_pair(later, decision)
            if new_status != later.reviewed_status:
                later.reviewed_status = new_status
                later.save(update_fields=["reviewed_status"])
        ReviewDecision.objects.filter(kind=kind, key=key, active=True).update(active=False)
        made = ReviewDecision.objects.create(
            kind=kind,
            key=key[:255],
            decision=decision,
            reason=text,
            decided_by=actor,
            batch_id=n.batch_id,
            nomination=n,
            other_nomination=other,
            active=True,
        )
        _refresh_batch_status(n.batch_id)
    return made


def decide_many(actor: Any, nominations: Sequence[Nomination], decision: str, reason: str) -> list[ReviewDecision]:
    """One decision (accept/reject) on many review rows — a bulk decision of the work queue: each
    row gets its own decision by ``actor`` with the reason, as :func:`decide` records it; all or
    nothing."""
    if decision not in ROW_DECISIONS:
        raise ValidationError("Keputusan massal hanya untuk menerima atau menolak baris.")
    with transaction.atomic():
        return [decide(actor, n, decision, reason) for n in nominations]


def _refresh_batch_status(batch_id: int) -> None:
    """After a decision: the batch's counts are those of the final decisions (``final_status``;
    the screening-time counts stay in ``summary``), and it is ``reviewed`` once no row waits."""
    counts = final_counts(batch_id)
    status = NominationBatch.BatchStatus.SCREENED if counts[Status.REVIEW] else NominationBatch.BatchStatus.REVIEWED
    NominationBatch.objects.filter(pk=batch_id).update(
        eligible_count=counts[Status.ELIGIBLE],
        review_count=counts[Status.REVIEW],
        rejected_count=counts[Status.REJECTED],
    )
    NominationBatch.objects.filter(pk=batch_id).exclude(status=NominationBatch.BatchStatus.ARCHIVED).update(
        status=status
    )


# =========================================================================== tiered verification
def _levels() -> int:
    try:
        return tiers.check_levels(int(settings.VERIFICATION_LEVELS))
    except ValueError as exc:
        raise ValidationError(f"{exc} Periksa UCJAMSOSTEK_VERIFICATION_LEVELS.") from exc


def start_verification(batch: NominationBatch, actor: Any) -> None:
    """Put a new list where tiered verification starts it (``core.verification.initial_level``):
    at its sender's level when that level is in use, else the upload is the sender's submission
    (kept as a decision); a list the Dinas sends is approved as it is stored."""
    sender = perms.verification_level(actor) or tiers.DINAS
    level = tiers.initial_level(sender, _levels())
    NominationBatch.objects.filter(pk=batch.pk).update(level=level, sender_level=sender)
    batch.level, batch.sender_level = level, sender
    if level != sender:
        action = Verification.Action.APPROVE if sender >= tiers.DINAS else Verification.Action.SUBMIT
        Verification.objects.create(
            batch=batch,
            level=sender,
            action=action,
            to_level=level,
            reason=gettext_noop("saat diunggah"),
            decided_by=perms.recorded_user(actor),
        )


def forward_action(batch: NominationBatch) -> str:
    """What forwarding the list does where it waits: its sender submits it, the Dinas approves it,
    a level between verifies it."""
    if batch.level == batch.sender_level:
        return Verification.Action.SUBMIT
    if batch.level >= tiers.DINAS:
        return Verification.Action.APPROVE
    return Verification.Action.VERIFY


def verify_batch(actor: Any, batch: NominationBatch, action: str, reason: str = "") -> Verification:
    """Decide on a list where it waits: ``"forward"`` (submit / verify / approve: to the next
    level in use, or approved at the Dinas; its eligible rows then join the budget pool) or
    ``"return"`` (to the level below, with a mandatory reason). Every decision is kept.
    PermissionDenied when it is not the actor's list at the actor's level; ValidationError for a
    return without reason or a list that cannot go back."""
    with transaction.atomic():
        batch = NominationBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status == NominationBatch.BatchStatus.ARCHIVED:
            raise ValidationError("Berkas ini sudah diarsipkan; tidak dapat diverifikasi.")
        if not perms.can_verify_batch(actor, batch):
            raise PermissionDenied(
                "Berkas ini tidak sedang menunggu keputusan Anda "
                f"(tahapnya sekarang: {NominationBatch.Level(batch.level).label})."
            )
        text = (reason or "").strip()
        if action == "forward":
            kind = forward_action(batch)
            to_level = tiers.next_level(batch.level, _levels())
        elif action == "return":
            if len(text) < 3:
                raise ValidationError("Alasan pengembalian wajib diisi.")
            back = tiers.return_level(batch.level, batch.sender_level, _levels())
            if back is None:
                raise ValidationError("Berkas ini berada di tingkat pengirimnya; tidak dapat dikembalikan lagi.")
            kind, to_level = Verification.Action.RETURN, back
        else:
            raise ValidationError(f"Keputusan '{action}' tidak dikenal.")
        made = Verification.objects.create(
            batch=batch,
            level=batch.level,
            action=kind,
            to_level=to_level,
            reason=text,
            decided_by=perms.recorded_user(actor),
        )
        NominationBatch.objects.filter(pk=batch.pk).update(level=to_level)
    return made


# =========================================================================== column mappings
def save_column_mapping(source: str, mapping: dict[str, str], actor: Any) -> list[ColumnMapping]:
    """Keep ``mapping`` (header text → field) for ``source`` (a source key, see :func:`source_key`).

    Only choices that differ from what the accepted headers already say are stored; an empty
    field, or the field the header already means, removes a kept mapping. Unknown fields are refused.
    """
    perms.require(perms.can_upload_nominations(actor))
    valid = {*nz.FIELDS, nz.TTL}
    saved: list[ColumnMapping] = []
    with transaction.atomic():
        for header, fld in mapping.items():
            header = header.strip()[:200]
            if not header:
                continue
            if not fld or fld == nz.match_header(header):
                ColumnMapping.objects.filter(source_key=source, header=header).delete()
                continue
            if fld not in valid:
                raise ValidationError(f"Isian '{fld}' untuk kolom '{header}' tidak dikenal.")
            obj, _ = ColumnMapping.objects.update_or_create(
                source_key=source,
                header=header,
                defaults={"field": fld, "created_by": perms.recorded_user(actor)},
            )
            saved.append(obj)
    return saved


def column_map_for(source: str) -> dict[str, str]:
    """The mapping kept for a source: header text → field."""
    return dict(ColumnMapping.objects.filter(source_key=source).values_list("header", "field"))


# =========================================================================== upload job
def uploads_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def store_upload(chunks: Iterable[bytes], suffix: str) -> Path:
    """Write an uploaded file to the uploads directory under a fresh name; return its path."""
    suffix = suffix.lower() if re.fullmatch(r"\.[A-Za-z0-9]{1,5}", suffix or "") else ""
    with tempfile.NamedTemporaryFile("wb", dir=uploads_dir(), suffix=suffix, delete=False) as fh:
        for chunk in chunks:
            fh.write(chunk)
    return Path(fh.name)


OUTPUT_NAMES = ("rows.csv", "summary.json", "hasil-validasi.xlsx")

#: The screening core's stages (``core.screen.screen_file`` reports each from 0 to 1) with their
#: rough share of the time, and how the bar names them.
SCREENING_STAGES = [("membaca berkas", 2.0), ("aturan", 0.5), ("wilayah", 1.0), ("pencocokan", 4.0), ("selesai", 0.2)]
SCREENING_STAGE_LABELS = {
    "membaca berkas": gettext_noop("Membaca berkas"),
    "aturan": gettext_noop("Memeriksa aturan"),
    "wilayah": gettext_noop("Mencocokkan desa/kelurahan"),
    "pencocokan": gettext_noop("Mencari data ganda"),
    "selesai": gettext_noop("Menyusun hasil"),
}


def outputs_dir(batch_id: int) -> Path:
    """Where a stored batch's screening outputs (rows.csv, summary.json, hasil-validasi.xlsx) live."""
    return Path(settings.MEDIA_ROOT) / "screening" / str(batch_id)


def keep_outputs(batch_id: int, files: Iterable[str | Path], *, move: bool = False) -> list[str]:
    """Make the screening outputs just written (``files``, as ``core.screen.write_outputs``
    returns them; the report is missing for a file too large for one) the downloads of a stored
    batch, replacing any it had. Files not named in :data:`OUTPUT_NAMES` are ignored.

    The files are copied (``move``: moved) into a staging folder beside the target, which then
    takes the target's place, so a batch never shows half its outputs. Returns the names kept.
    """
    target = outputs_dir(batch_id)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{batch_id}-", dir=target.parent))
    kept: list[str] = []
    try:
        for src in map(Path, files):
            if src.name not in OUTPUT_NAMES or src.name in kept:
                continue
            if move:
                shutil.move(src, staging / src.name)
            else:
                shutil.copyfile(src, staging / src.name)
            kept.append(src.name)
        shutil.rmtree(target, ignore_errors=True)
        staging.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return kept


def save_batch_with_outputs(
    result: ScreeningResult, outputs: Iterable[str | Path], *, move: bool = False, **options: Any
) -> NominationBatch:
    """:func:`save_batch` and :func:`keep_outputs` together: the upload job and ``screen --save``
    store a batch this way. When the outputs cannot be kept, the batch is not stored either."""
    batch_id: int | None = None
    try:
        with transaction.atomic():
            batch = save_batch(result, **options)
            batch_id = batch.pk
            keep_outputs(batch.pk, outputs, move=move)
    except BaseException:
        if batch_id is not None:  # the batch was rolled back: so are its downloads
            shutil.rmtree(outputs_dir(batch_id), ignore_errors=True)
        raise
    return batch


def run_upload(
    job: JobContext,
    path: str,
    *,
    file_name: str,
    source_kind: str,
    source_name: str,
    segment: str | None,
    as_of: str,
    sheet: str | None = None,
) -> dict[str, Any]:
    """Background job: screen an uploaded file, write its outputs and store the batch.

    Returns the job result ``{"batch_id", "url", "counts"}``. A file problem fails the job with
    the located Indonesian message; its result then carries what the column-mapping page needs
    (``mapping``: stored file, header row, upload options) so the operator can map and re-run.
    """
    from django.urls import reverse

    actor = User.objects.select_related("area", "organisation").get(pk=job.user_id) if job.user_id else None
    when = date.fromisoformat(as_of)
    key = source_key(source_kind, source_name)
    options = ScreeningOptions(
        as_of=when,
        age_min=settings.PROGRAMME_AGE_MIN,
        age_max=settings.PROGRAMME_AGE_MAX,
        segment=segment or None,
        sheet=sheet or None,
        column_map=column_map_for(key) or None,
        within=(area.code if (area := perms.own_area(actor)) is not None else None),
    )
    upload = {
        "upload": Path(path).name,  # a name inside the uploads folder, never a server path
        "file_name": file_name,
        "source_kind": source_kind,
        "source_name": source_name,
        "segment": segment or "",
        "as_of": as_of,
        "sheet": sheet or "",
    }
    job.progress(gettext_noop("Menyiapkan data rujukan"), 0.01)
    purge_old_uploads()
    staged = StagedProgress(job.progress, SCREENING_STAGES, 0.02, 0.75, SCREENING_STAGE_LABELS)

    def rows_read(n: int) -> None:
        staged.rows = n

    try:
        ctx = screening_context(when)
        result = screen_file(Path(path), ctx, options, progress=staged, source_name=file_name, on_rows=rows_read)
    except IntakeError as exc:
        job.keep(path)  # the column-mapping page screens the same stored file again
        mapping = {**upload, "header_row": exc.row, "sheet": exc.sheet or upload["sheet"]}
        raise JobError(str(exc), result={"mapping": mapping}) from exc
    # The outputs are written in the job's scratch folder, removed with the upload when the job
    # ends whatever the outcome (a killed worker's job is cleaned by the stale-job sweep).
    rows = result.rows.height
    report = StagedProgress(job.progress, [("laporan", 1.0)], 0.75, 0.9, {"laporan": gettext_noop("Menulis laporan")},
                            counted=["laporan"], rows=rows)  # fmt: skip
    written = write_outputs(result, job.scratch_dir(), source_name=file_name, progress=report)
    batch = save_batch_with_outputs(
        result,
        written.values(),
        move=True,
        source_name=source_name,
        source_kind=source_kind,
        file_path=path,
        file_name=file_name,
        actor=actor,
        as_of=when,
        segment=segment,
        progress=lambda stage, f: job.progress(
            stage, 0.9 + 0.1 * f, (round(min(1.0, f / STORE_ROWS_SHARE) * rows), rows)
        ),
    )
    message = f"{batch.row_count} baris divalidasi dan disimpan."
    outside = int(result.summary.get("outside_area") or 0)
    if outside:
        message += " " + outside_area_message(outside)
    return {
        "batch_id": batch.pk,
        "url": reverse("screening:batch", args=[batch.pk]),
        "counts": {"eligible": batch.eligible_count, "review": batch.review_count, "rejected": batch.rejected_count},
        "outside_area": outside,
        "message": message,
    }


def outside_area_message(n: int) -> str:
    """The warning for rows of other areas in an area operator's file (not screened or stored)."""
    return f"{n} baris di luar wilayah Anda tidak diproses."


def _stored_upload(mapping: dict[str, Any]) -> Path:
    stored = uploads_dir() / Path(str(mapping.get("upload") or "")).name
    if not stored.is_file():
        raise ValidationError("Berkas unggahan sudah tidak tersedia; unggah ulang berkasnya.")
    return stored


def purge_old_uploads(days: int = 7) -> int:
    """Delete uploaded files left by failed screenings after ``days`` (they hold personal data)."""
    limit = time.time() - days * 86400
    removed = 0
    for item in uploads_dir().iterdir():
        if item.is_file() and item.stat().st_mtime < limit:
            item.unlink(missing_ok=True)
            removed += 1
    return removed


def restart_upload(actor: Any, mapping: dict[str, Any]) -> Any:
    """Run a failed upload again on the same stored file (after its columns were mapped)."""
    stored = _stored_upload(mapping)
    return start_upload(
        actor,
        None,
        source_kind=str(mapping["source_kind"]),
        source_name=str(mapping["source_name"]),
        segment=str(mapping.get("segment") or "") or None,
        as_of=date.fromisoformat(str(mapping["as_of"])),
        sheet=str(mapping.get("sheet") or "") or None,
        stored_path=stored,
        file_name=str(mapping["file_name"]),
    )


def mapping_choices(mapping: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    """The headers of a failed upload and, for each, the field it means now (accepted headers and
    the mapping kept for its sender; "" when none) — what the column-mapping page offers."""
    kept = column_map_for(source_key(mapping["source_kind"], mapping["source_name"]))
    headers = header_cells(mapping)
    return headers, {h: nz.match_header(h, kept) or "" for h in headers}


def remap_and_restart(actor: Any, mapping: dict[str, Any], choices: dict[str, str]) -> Any:
    """Keep the operator's column choices for the sender and screen the stored file again."""
    save_column_mapping(source_key(mapping["source_kind"], mapping["source_name"]), choices, actor)
    return restart_upload(actor, mapping)


def header_cells(mapping: dict[str, Any]) -> list[str]:
    """Header texts of a stored upload that failed intake: the cells of the row the intake named,
    or else the fullest of the first rows. A file that cannot be read at all (password, damage, a
    sheet that is not there) raises ValidationError with the intake's located message: mapping
    columns cannot help it."""
    stored = _stored_upload(mapping)
    sheet = str(mapping.get("sheet") or "") or None
    try:
        rows, _, first = intake.read_cells(
            stored, kind=filelimits.NOMINATIONS, sheet=sheet, display_name=str(mapping["file_name"])
        )
    except IntakeError as exc:
        raise ValidationError(str(exc)) from exc
    row_no = mapping.get("header_row")
    if isinstance(row_no, int) and 0 <= row_no - first < len(rows):
        cells = rows[row_no - first]
    else:
        head = rows[: intake.HEADER_SEARCH_ROWS]
        cells = max(head, key=lambda r: sum(1 for c in r if intake.cell_text(c)), default=[])
    out: list[str] = []
    for c in cells:
        text = intake.cell_text(c)
        if text and text.strip() not in out:
            out.append(text.strip())
    return out


def start_upload(
    actor: Any,
    uploaded: Any,
    *,
    source_kind: str,
    source_name: str,
    segment: str | None,
    as_of: date,
    sheet: str | None = None,
    stored_path: Path | None = None,
    file_name: str | None = None,
    offer_mapping: bool = True,
) -> Any:
    """Store an uploaded file and start its screening job; returns the Job.

    The head of the file is checked first (:func:`ucjamsostek.core.intake.check_nominations`): a
    file that cannot be screened raises ValidationError with the located message, nothing kept
    and no job. A header that needs its columns mapped is not a refusal on the upload page: the
    stored file is kept and a failed job, at once, carries the column mapping the page offers next
    (:func:`header_cells`); without ``offer_mapping`` (the API, which has no mapping page) it is
    refused like the rest.
    """

    perms.require(perms.can_upload_nominations(actor))
    if not source_name.strip():
        raise ValidationError("Nama sumber (desa, OPD atau DTKS) wajib diisi.")
    if source_kind not in SourceKind.values:
        raise ValidationError(f"Jenis sumber '{source_kind}' tidak dikenal.")
    if stored_path is None:
        try:
            check_upload(uploaded, filelimits.NOMINATIONS)
        except IntakeError as exc:
            raise ValidationError(str(exc)) from exc
        stored_path = store_upload(uploaded.chunks(), Path(uploaded.name).suffix)
    name = Path(file_name or (display_name(uploaded) if uploaded is not None else stored_path.name)).name
    same = same_file_batch(actor, stored_path)
    if same is not None:
        if uploaded is not None:
            stored_path.unlink(missing_ok=True)
        raise SameFileUploaded(same)
    upload = {
        "upload": stored_path.name,
        "file_name": name,
        "source_kind": source_kind,
        "source_name": source_name,
        "segment": segment or "",
        "as_of": as_of.isoformat(),
        "sheet": sheet or "",
    }
    try:  # a bomb, a damaged file, a header-only file … are refused here, before a job is queued
        intake.check_nominations(
            stored_path,
            sheet=sheet,
            column_map=column_map_for(source_key(source_kind, source_name)) or None,
            display_name=name,
        )
    except intake.ColumnsNotFound as exc:
        if not offer_mapping:
            if uploaded is not None:
                stored_path.unlink(missing_ok=True)
            raise ValidationError(str(exc)) from exc
        # the column-mapping page takes it from here, on the stored file, without a queued job
        mapping = {**upload, "header_row": exc.row, "sheet": exc.sheet or upload["sheet"]}
        return jobs.record_failed("screening.upload", str(exc), user=actor, result={"mapping": mapping})
    except IntakeError as exc:
        if uploaded is not None:
            stored_path.unlink(missing_ok=True)
        raise ValidationError(str(exc)) from exc
    return jobs.start(
        "screening.upload",
        run_upload,
        str(stored_path),
        user=actor,
        owns=[stored_path],
        file_name=name,
        source_kind=source_kind,
        source_name=source_name,
        segment=segment,
        as_of=as_of.isoformat(),
        sheet=sheet,
    )


class SameFileUploaded(ValidationError):
    """The very same file (same content hash) is already a stored list of the sender's: nothing
    is screened again (as billing answers the same bill file with the bill it stored)."""

    def __init__(self, batch: NominationBatch) -> None:
        self.batch = batch
        when = timezone.localtime(batch.created_at).strftime("%d-%m-%Y %H:%M")
        super().__init__(
            f"Berkas ini sama persis dengan berkas '{batch.file_name}' yang sudah diunggah pada {when} "
            f"(berkas #{batch.pk}); tidak diproses ulang."
        )


def same_file_batch(actor: Any, path: Path) -> NominationBatch | None:
    """The sender's stored list (not archived) with the same content as ``path``, if any: the
    same uploader, or the same area or OPD the list belongs to."""
    digest = file_sha256(path)
    qs = NominationBatch.objects.filter(sha256=digest).exclude(status=NominationBatch.BatchStatus.ARCHIVED)
    area, org = perms.own_area(actor), perms.own_organisation(actor)
    if area is not None:
        qs = qs.filter(region=area)
    elif org is not None:
        qs = qs.filter(organisation=org)
    else:
        qs = qs.filter(region__isnull=True, organisation__isnull=True)
    return qs.order_by("-created_at", "-id").first()


def copy_for_upload(path: str | Path) -> Path:
    """Copy a local file into the uploads directory (tests and commands that reuse the upload job)."""
    src = Path(path)
    with src.open("rb") as fh:
        return store_upload(iter(lambda: fh.read(1024 * 1024), b""), src.suffix)


def available_outputs(batch: NominationBatch) -> list[str]:
    """The output files kept for a batch (none for a batch stored by :func:`save_batch` alone;
    no report for a file too large for one)."""
    folder = outputs_dir(batch.pk)
    return [name for name in OUTPUT_NAMES if (folder / name).exists()]


def export_output(actor: Any, batch: NominationBatch, name: str) -> Path:
    """Path of a batch's output file for download, after checking the right to export personal
    data for the whole batch and recording the export (DESIGN.md §6)."""

    if name not in OUTPUT_NAMES:
        raise ValidationError("Berkas hasil tidak dikenal.")
    perms.require(perms.can_export_batch(actor, batch), "Peran Anda tidak boleh mengunduh berkas ini.")
    path = outputs_dir(batch.pk) / name
    if not path.exists():
        raise ValidationError("Berkas hasil untuk batch ini tidak tersedia.")
    if name == REPORT_NAME:
        path = final_report(batch)
    record_export(actor, f"screening.batch:{batch.pk}:{name}", batch.row_count)
    return path


REPORT_NAME = "hasil-validasi.xlsx"
FINAL_REPORT_NAME = "hasil-validasi-akhir.xlsx"


def final_report(batch: NominationBatch) -> Path:
    """The batch's ``hasil-validasi.xlsx`` as the web offers it: the screening report with the
    final decision of every row after review ("Keputusan akhir", with who, when and why: the
    columns of :data:`ucjamsostek.core.report.FINAL_COLUMNS`), written from the stored rows by
    the report writer ``screen --out`` uses. Written again when a decision on the batch is newer
    than the copy kept beside the outputs (a batch nobody reviewed is written once)."""
    from ucjamsostek.core.report import write_report

    folder = outputs_dir(batch.pk)
    target = folder / FINAL_REPORT_NAME
    stamp_file = folder / ".hasil-validasi-akhir"
    stamp = final_stamp(batch)
    if target.exists() and stamp_file.exists() and stamp_file.read_text(encoding="utf-8") == stamp:
        return target
    with translation.override(settings.LANGUAGE_CODE):  # the report is in Bahasa Indonesia
        final = final_decisions(batch)
    fd, tmp_name = tempfile.mkstemp(prefix=".akhir-", suffix=".xlsx", dir=folder)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write_report(stored_result(batch), tmp, source_name=batch.file_name, final=final)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    stamp_file.write_text(stamp, encoding="utf-8")
    return target

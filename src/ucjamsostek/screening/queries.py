"""Reads of stored screening data, scoped to what the user may see.

(``selectors.py`` holds ``screening_context``; the page reads live here.) Who may see, review
and download what is decided in :mod:`ucjamsostek.accounts.permissions` (``nominations_q``,
``can_view_nomination``, ``can_review_nominations``, ``can_export_batch``): area operators see
rows whose desa lies in their area (rows without a resolved desa follow their batch's area), OPD
operators their OPD's batches, every other role everything; the NIK and names are masked for
roles that do not need them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import polars as pl
from django.conf import settings
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from ucjamsostek.accounts import permissions as perms
from ucjamsostek.accounts.models import Organisation
from ucjamsostek.core.nik import parse_nik
from ucjamsostek.core.reasons import DUPLICATE, REASONS
from ucjamsostek.core.reasons import Status as CoreStatus
from ucjamsostek.core.screen import ScreeningResult
from ucjamsostek.regions.models import Region
from ucjamsostek.registry.models import Segment
from ucjamsostek.registry.selectors import display_name_in_list, display_nik
from ucjamsostek.screening.models import (
    DecisionKind,
    DuplicatePair,
    Finding,
    Nomination,
    NominationBatch,
    ReferenceEntry,
    ReferenceKind,
    ReferenceList,
    ReviewDecision,
    Status,
    Verification,
    final_status,
    final_status_expr,
)

# ------------------------------------------------------------------------------ scope


def nominations_for(user: Any) -> QuerySet[Nomination]:
    """Every nomination the user may see."""
    q = perms.nominations_q(user)
    qs = Nomination.objects.select_related("batch", "region")
    if q is None:
        return qs.none()
    return qs.filter(q) if q else qs


def batches_for(user: Any) -> QuerySet[NominationBatch]:
    """Batches the user may see: area operators those of their area or with rows in it."""
    role = perms.role_of(user)
    qs = NominationBatch.objects.select_related("uploaded_by", "region", "organisation")
    if role is None:
        return qs.none()
    if role == "area":
        inside = Nomination.objects.filter(perms.nominations_q(user) or Q()).values("batch_id")
        return qs.filter(perms.area_q("region__code", user.area_id) | Q(pk__in=inside))
    if role == "opd":
        return qs.filter(organisation_id=user.organisation_id)
    return qs


#: ``tahap`` filter of the batch list: a level (1–4) or every list still waiting for a decision
WAITING = "menunggu"


def stage_choices() -> list[tuple[str, str]]:
    """The ``tahap`` filter's choices: every list still waiting, then each level."""
    levels = [(str(v), str(label)) for v, label in NominationBatch.Level.choices]
    return [(WAITING, gettext("menunggu verifikasi")), *levels]


def search_batches(qs: QuerySet[NominationBatch], *, stage: str = "", text: str = "") -> QuerySet[NominationBatch]:
    """``qs`` narrowed to a verification stage (a level, or :data:`WAITING`) and to the lists
    whose file or sender name contains ``text``; an unknown stage selects nothing extra."""
    if stage == WAITING:
        qs = qs.filter(level__lt=NominationBatch.Level.APPROVED).exclude(status=NominationBatch.BatchStatus.ARCHIVED)
    elif stage.isdigit() and int(stage) in NominationBatch.Level.values:
        qs = qs.filter(level=int(stage))
    text = text.strip()
    if text:
        qs = qs.filter(Q(file_name__icontains=text) | Q(source_name__icontains=text))
    return qs


def batches_to_verify(user: Any) -> list[NominationBatch]:
    """Lists waiting for ``user``'s decision in tiered verification (submit, verify, approve)."""
    level = perms.verification_level(user)
    if level is None:
        return []
    waiting = batches_for(user).filter(level=level).exclude(status=NominationBatch.BatchStatus.ARCHIVED)
    return [b for b in waiting if perms.can_verify_batch(user, b)]


def verification_history(batch: NominationBatch) -> list[Verification]:
    """Every decision of tiered verification on ``batch``, oldest first."""
    return list(Verification.objects.filter(batch=batch).select_related("decided_by").order_by("decided_at", "id"))


def upload_senders(user: Any) -> list[str]:
    """The senders an uploader picks from: the villages of their area (of the deployment for the
    Dinas), the OPDs (their own for an OPD operator) and the senders of the batches they see."""
    area, organisation = perms.own_area(user), perms.own_organisation(user)
    names: list[str] = []
    if organisation is None:
        prefix = area.code if area is not None else str(settings.AREA_CODE)
        villages = Region.objects.filter(level=Region.Level.VILLAGE, code__startswith=prefix)
        names += villages.order_by("name").values_list("name", flat=True)
    if area is None:
        orgs = Organisation.objects.filter(pk=organisation.pk) if organisation is not None else Organisation.objects
        names += orgs.order_by("name").values_list("name", flat=True)
    names += batches_for(user).order_by("source_name").values_list("source_name", flat=True).distinct()
    return list(dict.fromkeys(n for n in names if n))


def upload_segments() -> list[tuple[str, str]]:
    """The active segments (code, name) an upload's rows without a segment may default to."""
    rows = Segment.objects.filter(active=True).order_by("name").values_list("code", "name")
    return [(str(c), str(n)) for c, n in rows]


def batches_to_review(user: Any) -> list[NominationBatch]:
    """Batches with rows of the user's scope waiting for review, each with ``pending`` set."""
    waiting = (
        nominations_for(user)
        .filter(status=Status.REVIEW, reviewed_status="")
        .values("batch_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = {r["batch_id"]: r["n"] for r in waiting}
    batches = list(batches_for(user).filter(pk__in=list(counts)))
    for b in batches:
        b.pending = counts[b.pk]  # type: ignore[attr-defined]
    return batches


def get_batch(user: Any, pk: int) -> NominationBatch | None:
    return batches_for(user).filter(pk=pk).first()


def get_nomination(user: Any, pk: int) -> Nomination | None:
    return nominations_for(user).filter(pk=pk).first()


def get_pair(user: Any, pk: int) -> DuplicatePair | None:
    """A duplicate pair, only when the user may see both rows."""
    pair = (
        DuplicatePair.objects.select_related("left__batch", "right__batch", "left__region", "right__region")
        .filter(pk=pk)
        .first()
    )
    if pair is None:
        return None
    return pair if perms.can_view_nomination(user, pair.left) and perms.can_view_nomination(user, pair.right) else None


def show_nik(user: Any, nik: str) -> str:
    """The NIK as the user's role may see it (the registry's rule: masked for counts-only roles)."""
    return display_nik(user, nik) if nik else ""


def show_name(user: Any, name: str) -> str:
    """A name in a list as the user's role may see it (initials for counts-only roles)."""
    return display_name_in_list(user, name) if name else ""


# ------------------------------------------------------------------------------ batches


def batch_rows(
    user: Any, batch: NominationBatch, *, status: str | None = None, reason: str | None = None
) -> QuerySet[Nomination]:
    """Rows of a batch the user may see, filtered by status and/or reason code."""
    qs = nominations_for(user).filter(batch=batch).order_by("row")
    if status in Status.values:
        qs = qs.filter(status=status)
    if reason:
        qs = qs.filter(Q(reasons=reason) | Q(reasons__startswith=reason + ";") | Q(reasons__endswith=";" + reason)
                       | Q(reasons__contains=";" + reason + ";"))  # fmt: skip
    return qs


def batch_counts(user: Any, batch: NominationBatch) -> dict[str, Any]:
    """Counts of the rows in scope: per final decision (:func:`~ucjamsostek.screening.models.final_status`)
    in ``status``, per screening decision in ``screened``, per reason code (with their Indonesian
    labels); ``pending`` rows wait for review (the final "perlu ditinjau" count); ``changed``
    when review changed any count."""
    rows = list(nominations_for(user).filter(batch=batch).values_list("status", "reasons", "reviewed_status"))
    finals = Counter(final_status(s, rv) for s, _, rv in rows)
    screened = Counter(r[0] for r in rows)
    reasons: Counter[str] = Counter()
    for _, text, _ in rows:
        reasons.update(c for c in text.split(";") if c)
    return {
        "total": len(rows),
        "status": [(s, label, finals.get(s, 0)) for s, label in Status.choices],
        "screened": [(s, label, screened.get(s, 0)) for s, label in Status.choices],
        "changed": finals != screened,
        "reasons": [(code, REASONS[code].label if code in REASONS else code, n) for code, n in reasons.most_common()],
        "pending": finals.get(Status.REVIEW, 0),
    }


def screened_counts(batch: NominationBatch) -> dict[str, int]:
    """The batch's counts per screening-time decision (before review), from its stored summary."""
    stored = (batch.summary or {}).get("status") or {}
    return {s: int(stored.get(s, 0)) for s in Status.values}


def final_counts(batch_id: int) -> dict[str, int]:
    """Rows of a batch per final decision (every status present, 0 when none)."""
    rows = (
        Nomination.objects.filter(batch_id=batch_id)
        .annotate(final=final_status_expr())
        .values_list("final")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = dict.fromkeys(Status.values, 0)
    counts.update({str(k): int(n) for k, n in rows})
    return counts


def _decisions_on_batch(batch: NominationBatch) -> QuerySet[ReviewDecision]:
    """The decisions that set the status of a row of ``batch``: a row decision on the row, a pair
    decision on the pair whose later row it is (the earlier row keeps its own status)."""
    return ReviewDecision.objects.filter(
        Q(kind=DecisionKind.ROW, nomination__batch=batch) | Q(kind=DecisionKind.PAIR, other_nomination__batch=batch)
    )


def final_stamp(batch: NominationBatch) -> str:
    """Changes whenever a decision on the batch's rows is taken (the final report's freshness)."""
    agg = _decisions_on_batch(batch).aggregate(n=Count("id"), last=Max("id"))
    return f"v1:{agg['n']}:{agg['last'] or 0}"


def final_decisions(batch: NominationBatch) -> pl.DataFrame:
    """Every row of the batch with its final decision and, for a row decided in review, the last
    decision that set it: the action, who (the reviewer's name), when (local time) and why —
    :data:`ucjamsostek.core.report.FINAL_SCHEMA`."""
    from ucjamsostek.core.report import FINAL_SCHEMA

    rows = list(
        Nomination.objects.filter(batch=batch)
        .annotate(final=final_status_expr())
        .order_by("row")
        .values_list("pk", "row", "final")
    )
    row_of = {pk: row for pk, row, _ in rows}
    latest: dict[int, ReviewDecision] = {}
    for d in _decisions_on_batch(batch).select_related("decided_by").order_by("decided_at", "id"):
        target = d.nomination_id if d.kind == DecisionKind.ROW else d.other_nomination_id
        if target is not None:
            latest[target] = d

    def who(d: ReviewDecision) -> str:
        user = d.decided_by
        return (user.get_full_name() or user.get_username()) if user is not None else ""

    decided = {
        pk: (str(d.get_decision_display()), who(d), timezone.localtime(d.decided_at).replace(tzinfo=None), d.reason)
        for pk, d in latest.items()
    }
    empty = (None, None, None, None)
    return pl.DataFrame(
        [(row_of[pk], final, *decided.get(pk, empty)) for pk, _row, final in rows],
        schema=FINAL_SCHEMA,
        orient="row",
    )


def stored_result(batch: NominationBatch) -> ScreeningResult:
    """A stored batch as the screening core returned it (rows with their screening decision,
    findings, summary), read back from the database: what the report writer takes."""
    fields = (
        "row", "status", "reasons", "cluster", "region_code", "nik", "nik_raw", "name", "sex", "birth_place",
        "birth_date", "address", "village", "district", "occupation", "phone", "segment", "decile",
    )  # fmt: skip
    values = list(
        Nomination.objects.filter(batch=batch)
        .order_by("row")
        .values_list(*fields, "region__name", "region__parent__name")
    )
    schema: dict[str, Any] = {f: pl.Utf8 for f in fields}
    schema.update({"row": pl.Int64, "birth_date": pl.Date, "decile": pl.Int64})
    schema.update({"village_name": pl.Utf8, "district_name": pl.Utf8})
    frame = pl.DataFrame(values, schema=schema, orient="row").with_columns(
        pl.col("reasons").str.split(";").list.eval(pl.element().filter(pl.element() != "")),
        pl.when(pl.col("cluster") != "").then(pl.col("cluster")).alias("cluster"),
        pl.when(pl.col("region_code") != "").then(pl.col("region_code")).alias("region_code"),
    )
    findings = pl.DataFrame(
        list(
            Finding.objects.filter(nomination__batch=batch)
            .order_by("nomination__row", "id")
            .values_list("nomination__row", "code", "message")
        ),
        schema={"row": pl.Int64, "code": pl.Utf8, "message": pl.Utf8},
        orient="row",
    )
    return ScreeningResult(
        rows=frame,
        findings=findings,
        pairs=pl.DataFrame(schema={"row_l": pl.Int64, "row_r": pl.Int64}),
        summary=dict(batch.summary or {}),
        source=batch.file_name,
    )


def findings_by_nomination(nominations: Iterable[Nomination]) -> dict[int, list[Finding]]:
    ids = [n.pk for n in nominations]
    out: dict[int, list[Finding]] = {}
    for f in Finding.objects.filter(nomination_id__in=ids).order_by("id"):
        out.setdefault(f.nomination_id, []).append(f)
    return out


def reason_choices() -> list[tuple[str, str]]:
    return [(code, r.label) for code, r in REASONS.items()]


# ------------------------------------------------------------------------------ review queue


def _review_codes(n: Nomination) -> list[str]:
    return [c for c in n.reason_list if c in REASONS and REASONS[c].status == CoreStatus.REVIEW and c != DUPLICATE]


@dataclass
class ReviewQueue:
    rows: list[Nomination]  # rows waiting for an accept/reject
    pairs: list[DuplicatePair]  # probable duplicate pairs waiting for merge/distinct


def review_queue(user: Any, batch: NominationBatch) -> ReviewQueue:
    """What waits for review in a batch, within the user's scope."""
    pending = list(batch_rows(user, batch, status=Status.REVIEW).filter(reviewed_status=""))
    rows = [n for n in pending if _review_codes(n) or DUPLICATE not in n.reason_list]
    visible = set(nominations_for(user).filter(batch=batch).values_list("pk", flat=True))
    pairs = [
        p
        for p in DuplicatePair.objects.filter(batch=batch)
        .select_related("left", "right", "left__batch", "right__batch")
        .order_by("left__row", "right__row")
        if p.left_id in visible and p.right_id in visible
    ]
    keys = {p.decision_key for p in pairs}
    decided = set(
        ReviewDecision.objects.filter(kind=DecisionKind.PAIR, key__in=keys, active=True).values_list("key", flat=True)
    )
    open_pairs = [p for p in pairs if p.decision_key not in decided and p.right.status == Status.REVIEW]
    return ReviewQueue(rows=rows, pairs=open_pairs)


def decisions_for(nominations: Iterable[Nomination], keys: Iterable[str] = ()) -> list[ReviewDecision]:
    """Every decision (active and replaced) taken on these rows, or on the same person or pair
    (``keys``) in an earlier file, newest first."""
    ids = [n.pk for n in nominations]
    q = Q(nomination_id__in=ids) | Q(other_nomination_id__in=ids)
    if keys:
        q |= Q(key__in=list(keys))
    return list(ReviewDecision.objects.filter(q).select_related("decided_by", "batch").order_by("-decided_at", "-id"))


@dataclass
class Comparison:
    label: str
    left: str
    right: str

    @property
    def differs(self) -> bool:
        return (self.left or "").strip().lower() != (self.right or "").strip().lower()


_COMPARED = (
    ("nik", "NIK"),
    ("name", "Nama"),
    ("sex", "Jenis kelamin"),
    ("birth_place", "Tempat lahir"),
    ("birth_date", "Tanggal lahir"),
    ("address", "Alamat"),
    ("village", "Desa/Kelurahan"),
    ("district", "Kecamatan"),
    ("region_code", "Kode wilayah"),
    ("occupation", "Pekerjaan"),
    ("phone", "No. HP"),
    ("decile", "Desil"),
)


def _value(user: Any, n: Nomination, field: str) -> str:
    value = getattr(n, field)
    if value is None:
        return ""
    if field == "nik":
        return show_nik(user, value)
    if field == "name":
        return show_name(user, value)
    if field == "birth_date":
        return value.strftime("%d-%m-%Y")
    return str(value)


def compare_pair(user: Any, left: Nomination, right: Nomination) -> list[Comparison]:
    """Side-by-side fields of two rows (masked as the user's role requires)."""
    return [Comparison(label, _value(user, left, f), _value(user, right, f)) for f, label in _COMPARED]


def compare_with_nik(user: Any, n: Nomination) -> list[Comparison]:
    """A review row beside what its NIK says (birth date, sex, kecamatan of first registration)."""
    parsed = parse_nik(n.nik, stated_birth_date=n.birth_date)
    info = parsed.info
    sex_text = {"L": "L", "P": "P"}
    return [
        Comparison("NIK", show_nik(user, n.nik), show_nik(user, parsed.cleaned)),
        Comparison("Tanggal lahir", _value(user, n, "birth_date"),
                   info.birth_date.strftime("%d-%m-%Y") if info else ""),
        Comparison("Jenis kelamin", sex_text.get(n.sex, n.sex), info.sex if info else ""),
        Comparison("Kecamatan (kode)", (n.region_code or "")[:8], info.district if info else ""),
    ]  # fmt: skip


# ------------------------------------------------------------------------------ reference lists


def reference_lists() -> QuerySet[ReferenceList]:
    """All versions of every reference list (active first), for the audit page and command."""
    return ReferenceList.objects.select_related("loaded_by").order_by("kind", "-version")


def reference_frames() -> dict[str, pl.DataFrame]:
    """Active reference lists as the core takes them: per kind a frame ``nik, name, birth_date``
    (an empty frame when the kind was never loaded)."""
    out: dict[str, pl.DataFrame] = {}
    for kind in ReferenceKind.values:
        data = list(
            ReferenceEntry.objects.filter(reference_list__kind=kind, reference_list__active=True).values_list(
                "nik", "name", "birth_date"
            )
        )
        out[kind] = pl.DataFrame(
            {
                "nik": [r[0] for r in data],
                "name": [r[1] or None for r in data],
                "birth_date": [r[2] for r in data],
            },
            schema={"nik": pl.Utf8, "name": pl.Utf8, "birth_date": pl.Date},
        )
    return out


def decisions_frame() -> pl.DataFrame:
    """Active review decisions as the core takes them: ``kind`` (row/pair), ``key``, ``decision``."""
    rows = list(ReviewDecision.objects.filter(active=True).values_list("kind", "key", "decision"))
    return pl.DataFrame(
        {"kind": [r[0] for r in rows], "key": [r[1] for r in rows], "decision": [r[2] for r in rows]},
        schema={"kind": pl.Utf8, "key": pl.Utf8, "decision": pl.Utf8},
    )

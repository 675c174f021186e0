"""The review work queue: every row and probable-duplicate pair waiting for a decision, across all
files of the user's scope (a selector: reads only).

Filters: reason, kecamatan, desa, file and sender. Order — the greatest risk first:

1. probable duplicate pairs, the highest match probability first (a person listed twice is paid
   for twice);
2. rows whose birth date differs from their NIK's (the NIK may be someone else's), then rows whose
   sex differs from their NIK's, then rows whose desa is unknown; a row with more of these reasons
   before a row with fewer;
3. within the same risk, older files first, then by row.

Archived (replaced) files wait for nothing and are left out.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ucjamsostek.accounts import permissions as perms
from ucjamsostek.core import linkage
from ucjamsostek.core.money import format_number
from ucjamsostek.core.reasons import DUPLICATE, NIK_BIRTHDATE_MISMATCH, NIK_SEX_MISMATCH, REASONS, REGION_UNKNOWN
from ucjamsostek.core.reasons import Status as CoreStatus
from ucjamsostek.regions.models import Region
from ucjamsostek.registry.selectors import display_nik
from ucjamsostek.screening.models import (
    DecisionKind,
    DuplicatePair,
    Nomination,
    NominationBatch,
    ReviewDecision,
    Status,
)

#: Risk of a row reason (higher first); a probable duplicate pair ranks above every row.
ROW_RISK: dict[str, int] = {NIK_BIRTHDATE_MISMATCH: 3, NIK_SEX_MISMATCH: 2, REGION_UNKNOWN: 1}
PAIR_RISK = 10


@dataclass(frozen=True)
class QueueFilters:
    """What the operator narrowed the queue to (empty = everything)."""

    reason: str = ""
    kecamatan: str = ""
    desa: str = ""
    batch: int | None = None
    sender: str = ""

    @classmethod
    def from_query(cls, data: Any) -> QueueFilters:
        batch = str(data.get("berkas") or "")
        return cls(
            reason=str(data.get("alasan") or ""),
            kecamatan=str(data.get("kecamatan") or ""),
            desa=str(data.get("desa") or ""),
            batch=int(batch) if batch.isdigit() else None,
            sender=str(data.get("pengirim") or ""),
        )

    def query(self) -> dict[str, str]:
        """The filters as query parameters (only the ones set)."""
        out = {
            "alasan": self.reason,
            "kecamatan": self.kecamatan,
            "desa": self.desa,
            "berkas": str(self.batch or ""),
            "pengirim": self.sender,
        }
        return {k: v for k, v in out.items() if v}

    def querystring(self) -> str:
        return urlencode(self.query())

    @property
    def active(self) -> bool:
        return bool(self.query())


@dataclass
class QueueItem:
    """A row (``pair`` None) or a duplicate pair waiting for a decision. ``nomination`` is the row,
    or the later row of the pair; ``risk`` orders the queue."""

    nomination: Nomination
    pair: DuplicatePair | None
    codes: list[str]
    risk: float

    @property
    def key(self) -> str:
        return f"pair-{self.pair.pk}" if self.pair is not None else f"row-{self.nomination.pk}"

    @property
    def batch(self) -> NominationBatch:
        return self.nomination.batch

    @property
    def labels(self) -> list[str]:
        return [REASONS[c].label if c in REASONS else c for c in self.codes]

    def url(self, filters: QueueFilters) -> str:
        if self.pair is not None:
            path = reverse("screening:review_pair", args=[self.pair.pk])
        else:
            path = reverse("screening:review_row", args=[self.nomination.pk])
        return f"{path}?{urlencode({'antrean': '1', **filters.query()})}"


@dataclass
class WorkQueue:
    items: list[QueueItem]  # filtered, in risk order
    total: int  # everything waiting in the user's scope, unfiltered
    reasons: list[tuple[str, str, int]] = field(default_factory=list)  # code, label, count (unfiltered)
    kecamatan: list[tuple[str, str]] = field(default_factory=list)  # code, name
    desa: list[tuple[str, str]] = field(default_factory=list)
    batches: list[tuple[int, str]] = field(default_factory=list)  # pk, file name (sender)
    senders: list[str] = field(default_factory=list)

    def keys(self) -> list[str]:
        return [i.key for i in self.items]

    def rows(self) -> list[Nomination]:
        """The rows (not pairs) of the filtered queue: what a bulk decision applies to."""
        return [i.nomination for i in self.items if i.pair is None]


def _row_codes(n: Nomination) -> list[str]:
    return [c for c in n.reason_list if c in REASONS and REASONS[c].status == CoreStatus.REVIEW and c != DUPLICATE]


def _pending(user: Any) -> Any:
    """The user's rows waiting for a row decision (a pair's rows too: :func:`_waits_as_row` tells)."""
    return (
        _visible(user)
        .filter(status=Status.REVIEW, reviewed_status="")
        .exclude(batch__status=NominationBatch.BatchStatus.ARCHIVED)
    )


def _waits_as_row(n: Nomination) -> list[str] | None:
    """The row's review codes when it waits in the queue as a row; None for a probable duplicate
    alone (decided as a pair)."""
    codes = _row_codes(n)
    if not codes and DUPLICATE in n.reason_list:
        return None
    return codes


def _pending_rows(user: Any) -> list[QueueItem]:
    items = []
    for n in _pending(user).select_related("batch", "region"):
        codes = _waits_as_row(n)
        if codes is None:
            continue
        weights = sorted((ROW_RISK.get(c, 0) for c in codes), reverse=True) or [0]
        items.append(QueueItem(n, None, codes, weights[0] + 0.1 * (len(weights) - 1)))
    return items


def _visible(user: Any) -> Any:
    q = perms.nominations_q(user)
    if q is None:
        return Nomination.objects.none()
    return Nomination.objects.filter(q)


def _pairs(user: Any) -> Any:
    """The user's duplicate pairs whose later row still waits (decided or not: :func:`_undecided`)."""
    left_q, right_q = perms.nominations_q(user, "left__"), perms.nominations_q(user, "right__")
    if left_q is None or right_q is None:
        return DuplicatePair.objects.none()
    return (
        DuplicatePair.objects.filter(left_q & right_q)
        .filter(right__status=Status.REVIEW)
        .exclude(batch__status=NominationBatch.BatchStatus.ARCHIVED)
    )


def _undecided(pairs: list[DuplicatePair]) -> list[DuplicatePair]:
    keys = {p.decision_key for p in pairs}
    decided = set(
        ReviewDecision.objects.filter(kind=DecisionKind.PAIR, key__in=keys, active=True).values_list("key", flat=True)
    )
    return [p for p in pairs if p.decision_key not in decided]


def _open_pairs(user: Any) -> list[QueueItem]:
    pairs = _pairs(user).select_related(
        "batch", "left", "right", "left__batch", "right__batch", "left__region", "right__region"
    )
    return [QueueItem(p.right, p, [DUPLICATE], PAIR_RISK + p.probability) for p in _undecided(list(pairs))]


def waiting_total(user: Any) -> int:
    """``work_queue(user).total`` without building the queue (the start page's count): the same
    rows and pairs by the same rules, read as the few columns those rules look at."""
    rows = sum(1 for n in _pending(user).only("pk", "reasons") if _waits_as_row(n) is not None)
    key_fields = ("pk", "left__nik", "left__birth_date", "right__nik", "right__birth_date")
    pairs = _pairs(user).select_related("left", "right").only(*key_fields)
    return rows + len(_undecided(list(pairs)))


def _regions(item: QueueItem) -> list[Nomination]:
    return [item.pair.left, item.pair.right] if item.pair is not None else [item.nomination]


def _matches(item: QueueItem, f: QueueFilters) -> bool:
    if f.reason and f.reason not in item.codes:
        return False
    if f.batch is not None and item.batch.pk != f.batch:
        return False
    if f.sender and item.batch.source_name != f.sender:
        return False
    rows = _regions(item)
    if f.desa and not any(n.region_id == f.desa for n in rows):
        return False
    return not (f.kecamatan and not any(n.region is not None and n.region.parent_id == f.kecamatan for n in rows))


def work_queue(user: Any, filters: QueueFilters | None = None) -> WorkQueue:
    """Everything waiting for a decision in the user's scope, filtered and in risk order (see the
    module doc), with the choices of each filter."""
    f = filters or QueueFilters()
    everything = _open_pairs(user) + _pending_rows(user)
    everything.sort(key=lambda i: (-i.risk, i.batch.created_at, i.batch.pk, i.nomination.row))
    counts: Counter[str] = Counter(c for i in everything for c in i.codes)
    villages = {n.region_id for i in everything for n in _regions(i) if n.region_id}
    districts = {n.region.parent_id for i in everything for n in _regions(i) if n.region is not None}
    names = dict(Region.objects.filter(Q(code__in=villages) | Q(code__in=districts)).values_list("code", "name"))
    batches = {i.batch.pk: i.batch for i in everything}
    return WorkQueue(
        items=[i for i in everything if _matches(i, f)],
        total=len(everything),
        reasons=[(c, REASONS[c].label if c in REASONS else c, n) for c, n in counts.most_common()],
        kecamatan=sorted(((c, names.get(c, c)) for c in districts if c), key=lambda x: x[1]),
        desa=sorted(((c, names.get(c, c)) for c in villages), key=lambda x: x[1]),
        batches=[(b.pk, f"{b.file_name} ({b.source_name})") for b in sorted(batches.values(), key=lambda b: b.pk)],
        senders=sorted({b.source_name for b in batches.values()}),
    )


def next_item(before: list[str], after: WorkQueue, current: str) -> QueueItem | None:
    """The item to open after ``current``: the first one that followed it in the queue as it was
    (``before``, its keys) and still waits, else the first one still waiting."""
    waiting = {i.key: i for i in after.items}
    start = before.index(current) + 1 if current in before else 0
    for key in before[start:] + before[:start]:
        if key in waiting and key != current:
            return waiting[key]
    return next((i for i in after.items if i.key != current), None)


# ------------------------------------------------------------------------------ pair evidence

FIELD_LABELS = {
    "name": _("Nama"),
    "birth_date": _("Tanggal lahir"),
    "village": _("Desa/kecamatan"),
    "sex": _("Jenis kelamin"),
    "nik": "NIK",
}
#: The model's level labels (core/data/linkage_model.json) in the operator's words.
LEVEL_LABELS = {
    "null": _("kosong di salah satu baris"),
    "same canonical name of two or more words besides honorifics": _("sama (dua kata atau lebih)"),
    "same canonical one-word name (La Akbar, Murni)": _("sama (nama satu kata)"),
    "same phonetic key or same tokens in another order": _("mirip: bunyi sama atau urutan kata lain"),
    "one edit (folded or as typed) in a name of five letters or more": _("mirip: beda satu huruf"),
    "same date": _("sama"),
    "one digit or day/month swapped, not both confirmed by the NIK": _(
        "mirip: beda satu digit atau hari/bulan tertukar"
    ),
    "same village": _("desa sama"),
    "same kecamatan": _("kecamatan sama, desa berbeda"),
    "same": _("sama"),
    "same NIK": _("sama"),
    "different": _("berbeda"),
}
NIK_PART_LABELS = {"wilayah": _("kode wilayah"), "tanggal lahir": _("tanggal lahir"), "nomor urut": _("nomor urut")}


@dataclass
class EvidenceRow:
    label: Any
    level: Any
    agrees: bool | None
    factor: str  # "×1.521" (strengthens) or "×0,47" (weakens); "" when a side is empty


@dataclass
class PairExplanation:
    probability: str  # honest text, e.g. "99,51%"
    match_weight: str
    rows: list[EvidenceRow]
    nik_positions: list[tuple[int, Any]]  # differing digit (1-based) and what it encodes
    nik_digits: list[tuple[list[tuple[str, bool]], list[tuple[str, bool]]]]  # per side: digit, differs


def _factor(bf: float) -> str:
    if bf == math.inf:
        return "×∞"
    if bf >= 10:
        return "×" + format_number(round(bf))
    return "×" + f"{bf:.2f}".replace(".", ",")


def _person(n: Nomination) -> dict[str, Any]:
    return {
        "nik": n.nik or None,
        "name": n.name or None,
        "birth_date": n.birth_date,
        "sex": n.sex or None,
        "village_code": n.region_id or n.region_code or None,
    }


def explain(user: Any, pair: DuplicatePair) -> PairExplanation:
    """The model's evidence on a pair as the operator reads it: its match probability (truncated,
    never shown as 100 % when it is not), per field whether it agrees and how much that weighs,
    and which NIK digits differ (the digits themselves only for roles that see whole NIKs)."""
    ev = linkage.explain_pair(_person(pair.left), _person(pair.right))
    rows = [
        EvidenceRow(
            FIELD_LABELS.get(f.field, f.field),
            LEVEL_LABELS.get(f.level, f.level),
            f.agrees,
            "" if f.agrees is None else _factor(f.bayes_factor),
        )
        for f in ev.fields
    ]
    positions = [(p, NIK_PART_LABELS.get(linkage.nik_part(p), "")) for p in ev.nik_digits]
    digits = []
    left, right = pair.left.nik, pair.right.nik
    if ev.nik_digits and display_nik(user, left) == left and display_nik(user, right) == right:
        differ = set(ev.nik_digits)
        digits = [
            (
                [(d, i + 1 in differ) for i, d in enumerate(left)],
                [(d, i + 1 in differ) for i, d in enumerate(right)],
            )
        ]
    return PairExplanation(
        probability=linkage.probability_text(ev.probability),
        match_weight=f"{ev.match_weight:.1f}".replace(".", ","),
        rows=rows,
        nik_positions=positions,
        nik_digits=digits,
    )

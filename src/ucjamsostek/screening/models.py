"""Stored screening: nomination batches with their rows and findings, reference lists, review
decisions and the column mappings operators chose per source.

Writes go through ``services.py``; reads through ``selectors.py`` / ``queries.py``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import gettext_lazy as _

from ucjamsostek.core.reasons import REASONS, label_of
from ucjamsostek.nikcrypt import NIKField


class Status(models.TextChoices):
    """Decision of screening for one row (DESIGN.md §5.3)."""

    ELIGIBLE = "eligible", _("layak")
    REVIEW = "review", _("perlu ditinjau")
    REJECTED = "rejected", _("ditolak")


class SourceKind(models.TextChoices):
    """Who sent a nomination file."""

    DESA = "desa", _("Desa/Kelurahan")
    OPD = "opd", _("OPD")
    DTKS = "dtks", _("DTKS/P3KE")
    OTHER = "other", _("Lainnya")


class NominationBatch(models.Model):
    """One screened nomination file (usulan) as it was uploaded or saved by ``screen --save``.

    * ``source_kind`` / ``source_name`` — who sent it (a desa, an OPD, DTKS/P3KE) and its name as
      the operator typed it; ``source_key`` is their normalised form, used to find the column
      mapping kept for that source.
    * ``file_name`` / ``sha256`` — the original file name and the SHA-256 of its bytes (the same file
      uploaded twice is recognisable).
    * ``uploaded_by`` — who stored it; ``region`` / ``organisation`` — the scope of the batch: the
      area of the operator that sent it (desa or kecamatan) or the OPD; empty for regency-wide.
    * ``as_of`` — the date ages and coverage were computed at; ``segment`` — default segment code.
    * ``status`` — ``screened`` when stored, ``reviewed`` once no row waits for review,
      ``archived`` when replaced by a later file.
    * ``row_count`` and ``eligible_count`` / ``review_count`` / ``rejected_count`` — counts per
      status; ``summary`` the core's summary (counts per reason, seconds taken; for an area
      operator's file ``outside_area``: rows of other areas, not stored).
    * ``level`` — where the list stands in tiered verification (``core.verification``: 1 desa,
      2 kecamatan/OPD, 3 Dinas, 4 approved: only an approved list's rows join the budget pool);
      ``sender_level`` — the level of whoever sent it. Each decision is a :class:`Verification`.
    """

    class Level(models.IntegerChoices):
        DESA = 1, _("desa/kelurahan")
        KECAMATAN = 2, _("kecamatan/OPD")
        DINAS = 3, _("Dinas")
        APPROVED = 4, _("disetujui")

    class BatchStatus(models.TextChoices):
        SCREENED = "screened", _("tervalidasi")
        REVIEWED = "reviewed", _("selesai ditinjau")
        ARCHIVED = "archived", _("diarsipkan")

    source_kind = models.CharField(
        _("jenis sumber"), max_length=16, choices=SourceKind.choices, default=SourceKind.DESA
    )
    source_name = models.CharField(_("nama sumber"), max_length=200)
    source_key = models.CharField(_("kunci sumber"), max_length=220, db_index=True)
    file_name = models.CharField(_("nama berkas"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diunggah oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="nomination_batches",
    )
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("wilayah"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="nomination_batches",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("OPD"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="nomination_batches",
    )
    as_of = models.DateField(_("tanggal acuan"))
    segment = models.CharField(_("segmen"), max_length=32, blank=True, default="")
    status = models.CharField(_("status"), max_length=16, choices=BatchStatus.choices, default=BatchStatus.SCREENED)
    row_count = models.PositiveIntegerField(_("jumlah baris"), default=0)
    eligible_count = models.PositiveIntegerField(_("layak"), default=0)
    review_count = models.PositiveIntegerField(_("perlu ditinjau"), default=0)
    rejected_count = models.PositiveIntegerField(_("ditolak"), default=0)
    summary = models.JSONField(_("ringkasan"), default=dict, blank=True)
    level = models.PositiveSmallIntegerField(
        _("tahap verifikasi"), choices=Level.choices, default=Level.APPROVED, db_index=True
    )
    sender_level = models.PositiveSmallIntegerField(_("tingkat pengirim"), choices=Level.choices, default=Level.DINAS)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("berkas usulan")
        verbose_name_plural = _("berkas usulan")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.source_name})"


def final_status(status: str, reviewed_status: str) -> str:
    """The final decision of a row: the operator's decision after review when there is one, else
    the screening's. The one rule every output reads — batch counts, the web download
    (``hasil-validasi.xlsx``'s "Keputusan akhir"), the budget pool, the Monev figures and the API;
    :func:`final_status_expr` is the same rule in SQL. ``screen --out`` files keep the
    screening-time decision (DESIGN.md §5.3)."""
    return reviewed_status or status


def final_status_expr() -> Coalesce:
    """:func:`final_status` as an SQL expression over ``Nomination``."""
    return Coalesce(NullIf(F("reviewed_status"), Value("")), F("status"), output_field=models.CharField())


class NominationQuerySet(models.QuerySet["Nomination"]):
    def final_status_is(self, *statuses: str) -> NominationQuerySet:
        """Rows whose final decision (:func:`final_status`) is one of ``statuses``: an index-friendly
        filter equal to ``final_status_expr() IN statuses``."""
        return self.filter(Q(reviewed_status__in=statuses) | Q(reviewed_status="", status__in=statuses))


class Nomination(models.Model):
    """One data row of a batch, normalised by the screening core, with its decision.

    * ``row`` — the row number as the user sees it in the sheet (1-based, title/header counted).
    * ``status`` — the screening decision; after review, ``reviewed_status`` holds the operator's
      decision; the final decision is :func:`final_status` (``effective_status``,
      ``final_status_expr()``), what every output reads.
    * ``reasons`` — reason codes joined by ``;`` (``NIK_INVALID;DUPLICATE``), empty when none.
    * ``cluster`` — duplicate cluster id shared by rows of the same batch that are the same person.
    * ``region`` — the resolved desa/kelurahan (empty when unresolved); ``region_code`` keeps the
      code as the core resolved it even when it is not in the region table.
    * ``nik`` — cleaned NIK (digits, may be invalid); ``nik_raw`` — as typed in the file.
    * ``name``, ``sex`` (L/P), ``birth_place``, ``birth_date``, ``address``, ``village``,
      ``district``, ``occupation``, ``phone``, ``segment``, ``decile`` (1–10) — normalised values.
    """

    batch = models.ForeignKey(
        NominationBatch, verbose_name=_("berkas"), on_delete=models.CASCADE, related_name="nominations"
    )
    row = models.PositiveIntegerField(_("baris"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    reasons = models.CharField(_("alasan"), max_length=255, blank=True, default="")
    cluster = models.CharField(_("kelompok duplikat"), max_length=32, blank=True, default="")
    reviewed_status = models.CharField(
        _("status setelah ditinjau"), max_length=16, choices=Status.choices, blank=True, default=""
    )
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("desa/kelurahan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="nominations",
    )
    region_code = models.CharField(_("kode wilayah"), max_length=13, blank=True, default="")
    nik = NIKField(_("NIK"), max_length=128, blank=True, default="", db_index=True)
    nik_raw = NIKField(_("NIK asli"), max_length=160, blank=True, default="")
    name = models.CharField(_("nama"), max_length=200, blank=True, default="")
    sex = models.CharField(_("jenis kelamin"), max_length=1, blank=True, default="")
    birth_place = models.CharField(_("tempat lahir"), max_length=120, blank=True, default="")
    birth_date = models.DateField(_("tanggal lahir"), null=True, blank=True)
    address = models.CharField(_("alamat"), max_length=255, blank=True, default="")
    village = models.CharField(_("desa/kelurahan"), max_length=120, blank=True, default="")
    district = models.CharField(_("kecamatan"), max_length=120, blank=True, default="")
    occupation = models.CharField(_("pekerjaan"), max_length=120, blank=True, default="")
    phone = models.CharField(_("no. HP"), max_length=40, blank=True, default="")
    segment = models.CharField(_("segmen"), max_length=32, blank=True, default="")
    decile = models.PositiveSmallIntegerField(_("desil"), null=True, blank=True)

    objects = NominationQuerySet.as_manager()

    class Meta:
        verbose_name = _("usulan")
        verbose_name_plural = _("usulan")
        ordering = ["batch", "row"]
        indexes = [
            models.Index(fields=["batch", "status"], name="screening_nom_batch_status"),
            models.Index(fields=["batch", "row"], name="screening_nom_batch_row"),
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.row}"

    @property
    def effective_status(self) -> str:
        """The final decision (:func:`final_status`)."""
        return final_status(self.status, self.reviewed_status)

    @property
    def reason_list(self) -> list[str]:
        return [r for r in self.reasons.split(";") if r]

    @property
    def reason_labels(self) -> list[str]:
        """The reasons in plain Indonesian (DESIGN.md §5.3 labels)."""
        return [REASONS[c].label if c in REASONS else c for c in self.reason_list]

    @property
    def decision_key(self) -> str:
        """Key of a row decision: ``nik|yyyy-mm-dd`` (empty date when unknown)."""
        return f"{self.nik}|{self.birth_date.isoformat() if self.birth_date else ''}"


class Finding(models.Model):
    """A rule or linkage result on a nomination: a reason ``code`` and its Indonesian ``message``."""

    nomination = models.ForeignKey(
        Nomination, verbose_name=_("usulan"), on_delete=models.CASCADE, related_name="findings"
    )
    code = models.CharField(_("kode"), max_length=40, db_index=True)
    message = models.TextField(_("pesan"), blank=True, default="")

    class Meta:
        verbose_name = _("temuan")
        verbose_name_plural = _("temuan")
        ordering = ["nomination", "id"]

    def __str__(self) -> str:
        return self.code

    @property
    def label(self) -> str:
        """The reason in plain Indonesian (the code stays in tooltips and exports)."""
        return label_of(self.code)


class DuplicatePair(models.Model):
    """A probable duplicate pair of rows inside a batch found by record linkage.

    ``left``/``right`` are the two nominations (left earlier in the file), ``probability`` the
    linkage match probability 0–1, ``kind`` how it was found (the core's code, e.g. ``nik`` for
    the same NIK or ``probable`` for a probabilistic match under different NIKs).
    """

    batch = models.ForeignKey(NominationBatch, verbose_name=_("berkas"), on_delete=models.CASCADE, related_name="pairs")
    left = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="pairs_as_left")
    right = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="pairs_as_right")
    probability = models.FloatField(_("probabilitas"), default=0.0)
    kind = models.CharField(_("jenis"), max_length=32, blank=True, default="")

    class Meta:
        verbose_name = _("pasangan duplikat")
        verbose_name_plural = _("pasangan duplikat")
        ordering = ["batch", "left__row", "right__row"]

    def __str__(self) -> str:
        return f"{self.left_id}~{self.right_id}"

    @property
    def decision_key(self) -> str:
        """Key of a pair decision: the two row keys sorted and joined by ``||``."""
        return "||".join(sorted([self.left.decision_key, self.right.decision_key]))


class ReferenceKind(models.TextChoices):
    """Reference lists (DESIGN.md §5.2)."""

    ENROLLED = "enrolled", _("sudah terdaftar (BPJS atau skema lain)")
    DEATHS = "deaths", _("meninggal (Dukcapil)")
    ASN = "asn", _("ASN/TNI/Polri")


class ReferenceList(models.Model):
    """One loaded version of a reference list.

    * ``kind`` — enrolled, deaths or asn; ``version`` — 1, 2, … per kind.
    * ``active`` — the list screening uses; loading a new version of a kind makes the previous one
      inactive but keeps it (and its entries) for audit. At most one active list per kind.
    * ``file_name`` / ``sha256`` — the file loaded; ``entry_count`` — its number of entries.
    * ``loaded_by`` / ``loaded_at`` — who loaded it and when.
    """

    kind = models.CharField(_("jenis"), max_length=16, choices=ReferenceKind.choices)
    version = models.PositiveIntegerField(_("versi"))
    file_name = models.CharField(_("nama berkas"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    entry_count = models.PositiveIntegerField(_("jumlah entri"), default=0)
    active = models.BooleanField(_("aktif"), default=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dimuat oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reference_lists",
    )
    loaded_at = models.DateTimeField(_("dimuat"), auto_now_add=True)

    class Meta:
        verbose_name = _("daftar rujukan")
        verbose_name_plural = _("daftar rujukan")
        ordering = ["kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="screening_reflist_kind_version"),
            models.UniqueConstraint(
                fields=["kind"], condition=Q(active=True), name="screening_reflist_one_active_per_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} v{self.version}"


class ReferenceEntry(models.Model):
    """A person on a reference list: cleaned ``nik`` (16 digits), ``name``, ``birth_date`` and (a
    deaths list) ``death_date`` when the file had them (empty / null otherwise)."""

    reference_list = models.ForeignKey(
        ReferenceList, verbose_name=_("daftar"), on_delete=models.CASCADE, related_name="entries"
    )
    nik = NIKField(_("NIK"), max_length=64, db_index=True)
    name = models.CharField(_("nama"), max_length=200, blank=True, default="")
    birth_date = models.DateField(_("tanggal lahir"), null=True, blank=True)
    death_date = models.DateField(
        _("tanggal meninggal"),
        null=True,
        blank=True,
        help_text=_("Daftar meninggal: tanggal meninggal bila ada (tanpa tanggal: meninggal untuk setiap bulan)."),
    )

    class Meta:
        verbose_name = _("entri rujukan")
        verbose_name_plural = _("entri rujukan")

    def __str__(self) -> str:
        return f"{self.reference_list_id}:{self.pk}"


class DecisionKind(models.TextChoices):
    ROW = "row", _("baris")
    PAIR = "pair", _("pasangan")


class Decision(models.TextChoices):
    """What an operator decided: ``accept`` / ``reject`` a review row; ``merge`` (same person) or
    ``distinct`` (different people) a duplicate pair."""

    ACCEPT = "accept", _("terima")
    REJECT = "reject", _("tolak")
    MERGE = "merge", _("gabung (orang yang sama)")
    DISTINCT = "distinct", _("berbeda (bukan orang yang sama)")


class ReviewDecision(models.Model):
    """An operator's decision on a review row or a duplicate pair, reused in later files.

    * ``kind`` — ``row`` or ``pair``.
    * ``key`` — row: ``f"{nik}|{birth_date.isoformat()}"``; pair: the two row keys sorted and
      joined by ``||``. The same person (or pair) in a later file has the same key, so screening
      applies the decision again (``screening_context`` passes the active ones to the core).
    * ``decision`` — accept / reject (rows), merge / distinct (pairs); ``reason`` — mandatory text.
    * ``decided_by`` / ``decided_at`` — who and when.
    * ``batch`` / ``nomination`` / ``other_nomination`` — where it was decided (the second
      nomination only for pairs); kept even when later files reuse the decision.
    * ``active`` — deciding the same key again deactivates the previous decision (kept for audit);
      at most one active decision per (kind, key).
    """

    kind = models.CharField(_("jenis"), max_length=8, choices=DecisionKind.choices)
    key = NIKField(_("kunci"), max_length=400, db_index=True)
    decision = models.CharField(_("keputusan"), max_length=16, choices=Decision.choices)
    reason = models.TextField(_("alasan"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diputuskan oleh"),
        null=True,
        on_delete=models.PROTECT,
        related_name="review_decisions",
    )
    decided_at = models.DateTimeField(_("diputuskan"), auto_now_add=True)
    batch = models.ForeignKey(
        NominationBatch,
        verbose_name=_("berkas"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="decisions",
    )
    nomination = models.ForeignKey(
        Nomination,
        verbose_name=_("usulan"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="decisions",
    )
    other_nomination = models.ForeignKey(
        Nomination,
        verbose_name=_("usulan kedua"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        verbose_name = _("keputusan tinjauan")
        verbose_name_plural = _("keputusan tinjauan")
        ordering = ["-decided_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "key"], condition=Q(active=True), name="screening_decision_one_active"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.decision}"


class Verification(models.Model):
    """One decision of tiered verification on a list (kept, never changed): at ``level`` (where
    the list waited), ``action`` (submit, verify, approve or return), ``reason`` (mandatory for a
    return), who and when, and ``to_level`` (where the list went)."""

    class Action(models.TextChoices):
        SUBMIT = "submit", _("diajukan")
        VERIFY = "verify", _("diverifikasi")
        APPROVE = "approve", _("disetujui")
        RETURN = "return", _("dikembalikan")

    batch = models.ForeignKey(
        NominationBatch, verbose_name=_("berkas"), on_delete=models.CASCADE, related_name="verifications"
    )
    level = models.PositiveSmallIntegerField(_("tingkat"), choices=NominationBatch.Level.choices)
    action = models.CharField(_("keputusan"), max_length=8, choices=Action.choices)
    to_level = models.PositiveSmallIntegerField(_("ke tahap"), choices=NominationBatch.Level.choices)
    reason = models.TextField(_("alasan"), blank=True, default="")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("waktu"), auto_now_add=True)

    class Meta:
        verbose_name = _("verifikasi berkas")
        verbose_name_plural = _("verifikasi berkas")
        ordering = ["batch", "decided_at", "id"]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.level}:{self.action}"


class ColumnMapping(models.Model):
    """A header an operator mapped once for a source, kept for the next file from that source.

    * ``source_key`` — the normalised source (``desa:lailangga``, ``opd:dinas-pertanian``, …).
    * ``header`` — the header text as it appears in the file; ``field`` — the core field it means
      (``nik``, ``name``, ``birth_date``, …, see ``core.intake``).
    * ``created_by`` / ``created_at`` — by whom, when; mapping the same header again replaces it.
    """

    source_key = models.CharField(_("kunci sumber"), max_length=220, db_index=True)
    header = models.CharField(_("judul kolom"), max_length=200)
    field = models.CharField(_("isian"), max_length=40)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("oleh"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now=True)

    class Meta:
        verbose_name = _("pemetaan kolom")
        verbose_name_plural = _("pemetaan kolom")
        ordering = ["source_key", "header"]
        constraints = [
            models.UniqueConstraint(fields=["source_key", "header"], name="screening_colmap_source_header"),
        ]

    def __str__(self) -> str:
        return f"{self.source_key}: {self.header} → {self.field}"

"""PKS (perjanjian kerja sama) with BPJS Ketenagakerjaan, their addenda, documents, and the
coverage periods (enrollments) each one funds.

Periods are ``[start, end)`` like every coverage period (DESIGN.md §6): ``end`` is the first day
the agreement no longer covers; pages show the last covered day.
Writes go through :mod:`ucjamsostek.agreements.services`.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Agreement(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draf")
        SIGNED = "signed", _("Ditandatangani")
        ACTIVE = "active", _("Berjalan")
        ENDED = "ended", _("Berakhir")

    number = models.CharField(_("nomor PKS"), max_length=120, unique=True)
    title = models.CharField(_("judul"), max_length=255, blank=True)
    signed_on = models.DateField(_("tanggal tanda tangan"), null=True, blank=True)
    parties = models.TextField(_("para pihak"), blank=True)
    start = models.DateField(_("mulai berlaku"))
    end = models.DateField(_("akhir (tanggal pertama tidak berlaku)"))
    jkk = models.BooleanField(_("JKK"), default=True)
    jkm = models.BooleanField(_("JKM"), default=True)
    jht = models.BooleanField(_("JHT"), default=False)
    funder = models.ForeignKey("registry.Funder", verbose_name=_("sumber dana"), on_delete=models.PROTECT)
    value = models.BigIntegerField(_("nilai kontrak (Rp)"), default=0)
    quota = models.PositiveIntegerField(_("kuota peserta"), default=0)
    wage_base = models.BigIntegerField(
        _("upah dasar peserta PU (Rp)"),
        null=True,
        blank=True,
        help_text=_("Dasar perhitungan iuran peserta Penerima Upah di bawah PKS ini."),
    )
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.DRAFT)
    predecessor = models.OneToOneField(
        "self",
        verbose_name=_("PKS sebelumnya"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="successor",
    )
    notes = models.TextField(_("catatan"), blank=True)
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dibuat oleh"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = _("PKS")
        verbose_name_plural = _("PKS")
        ordering = ["-start", "number"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="agreements_end_after_start"),
            models.CheckConstraint(condition=Q(value__gte=0), name="agreements_value_not_negative"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def programmes(self) -> list[str]:
        return [p for p, on in (("JKK", self.jkk), ("JKM", self.jkm), ("JHT", self.jht)) if on]

    @property
    def last_day(self) -> date:
        """The last covered day, as the contract says it (``end`` is exclusive)."""
        return self.end - timedelta(days=1)


#: Allowed status moves (draft → signed → active → ended; a signed PKS may go back to draft).
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Agreement.Status.DRAFT: (Agreement.Status.SIGNED,),
    Agreement.Status.SIGNED: (Agreement.Status.ACTIVE, Agreement.Status.DRAFT),
    Agreement.Status.ACTIVE: (Agreement.Status.ENDED,),
    Agreement.Status.ENDED: (),
}


class Amendment(models.Model):
    """Addendum: a change of value, quota or period; every one is kept with the values before."""

    agreement = models.ForeignKey(Agreement, verbose_name=_("PKS"), on_delete=models.PROTECT, related_name="amendments")
    seq = models.PositiveSmallIntegerField(_("addendum ke"))
    number = models.CharField(_("nomor addendum"), max_length=120, blank=True)
    signed_on = models.DateField(_("tanggal tanda tangan"), null=True, blank=True)
    reason = models.CharField(_("alasan"), max_length=255)
    changes = models.JSONField(_("perubahan"), default=dict, help_text=_("{kolom: [sebelum, sesudah]}"))
    created_at = models.DateTimeField(_("dicatat"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dicatat oleh"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = _("addendum")
        verbose_name_plural = _("addendum")
        ordering = ["agreement", "seq"]
        constraints = [models.UniqueConstraint(fields=["agreement", "seq"], name="agreements_amendment_seq")]

    def __str__(self) -> str:
        return f"{self.agreement_id} addendum {self.seq}"


class AgreementDocument(models.Model):
    agreement = models.ForeignKey(Agreement, verbose_name=_("PKS"), on_delete=models.PROTECT, related_name="documents")
    title = models.CharField(_("judul"), max_length=255)
    file = models.FileField(_("berkas PDF"), upload_to="pks/%Y/")
    size = models.PositiveIntegerField(_("ukuran (bita)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("diunggah"), default=timezone.now, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diunggah oleh"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = _("dokumen PKS")
        verbose_name_plural = _("dokumen PKS")
        ordering = ["agreement", "uploaded_at"]

    def __str__(self) -> str:
        return self.title


class Coverage(models.Model):
    """The agreement an enrollment's coverage period belongs to (one agreement per period)."""

    agreement = models.ForeignKey(Agreement, verbose_name=_("PKS"), on_delete=models.PROTECT, related_name="coverages")
    enrollment = models.OneToOneField(
        "registry.Enrollment", verbose_name=_("kepesertaan"), on_delete=models.CASCADE, related_name="coverage"
    )
    from_scenario = models.PositiveIntegerField(
        _("dari skenario anggaran (id)"),
        null=True,
        blank=True,
        help_text=_("Skenario final yang daftar pesertanya didaftarkan di bawah PKS ini."),
    )
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("masa perlindungan")
        verbose_name_plural = _("masa perlindungan")
        indexes = [models.Index(fields=["agreement"], name="agreements_cov_agr_idx")]

    def __str__(self) -> str:
        return f"{self.agreement_id}:{self.enrollment_id}"

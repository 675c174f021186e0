"""Cash assistance programmes (BSU and others) with their rules as data, and recipient lists."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ucjamsostek.nikcrypt import NIKField


class AssistanceProgramme(models.Model):
    code = models.CharField(_("kode"), max_length=32, unique=True)
    name = models.CharField(_("nama"), max_length=150)
    amount_per_month = models.BigIntegerField(_("nominal per bulan (Rp)"))
    months = models.PositiveSmallIntegerField(_("jumlah bulan"))
    category = models.CharField(_("kategori peserta yang berhak"), max_length=3, blank=True)
    active_on = models.DateField(_("aktif pada tanggal"), null=True, blank=True)
    max_wage = models.BigIntegerField(_("upah paling banyak (Rp)"), null=True, blank=True)
    excluded_lists = models.CharField(_("daftar pengecualian"), max_length=120, blank=True, help_text=_("asn;pkh"))
    legal_basis = models.CharField(_("dasar hukum"), max_length=500)

    class Meta:
        verbose_name = _("program bantuan")
        verbose_name_plural = _("program bantuan")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class RecipientList(models.Model):
    """One recipient list of a programme as it was imported (tahap 1, tahap 2, …): a later list
    adds to the earlier ones; only an explicit replace removes them."""

    programme = models.ForeignKey(
        AssistanceProgramme, verbose_name=_("program"), on_delete=models.PROTECT, related_name="lists"
    )
    number = models.PositiveSmallIntegerField(_("tahap"))
    source_name = models.CharField(_("berkas asal"), max_length=255, blank=True)
    sha256 = models.CharField(_("SHA-256 berkas"), max_length=64, blank=True)
    lines = models.PositiveIntegerField(_("baris"), default=0)
    imported_at = models.DateTimeField(_("diimpor"), default=timezone.now, editable=False)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diimpor oleh"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = _("daftar penerima")
        verbose_name_plural = _("daftar penerima")
        ordering = ["programme", "number"]
        constraints = [models.UniqueConstraint(fields=["programme", "number"], name="assistance_list_number_unique")]

    def __str__(self) -> str:
        return f"{self.programme_id} tahap {self.number}"


class Recipient(models.Model):
    """A line of a recipient list as BPJS/Kemnaker sent it, with the registry check's reasons."""

    programme = models.ForeignKey(
        AssistanceProgramme, verbose_name=_("program"), on_delete=models.PROTECT, related_name="recipients"
    )
    batch = models.ForeignKey(
        RecipientList, verbose_name=_("daftar (tahap)"), on_delete=models.CASCADE, related_name="recipients"
    )
    line = models.PositiveIntegerField(_("baris"))
    nik = NIKField(_("NIK"), max_length=64, db_index=True)
    person = models.ForeignKey(
        "registry.Person",
        verbose_name=_("penduduk"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assistance",
    )
    amount = models.BigIntegerField(_("nominal (Rp)"), null=True, blank=True)
    paid_on = models.DateField(_("tanggal salur"), null=True, blank=True)
    status = models.CharField(_("status penyaluran"), max_length=40, blank=True)
    disbursed = models.BooleanField(_("tersalur"), default=False)
    eligible = models.BooleanField(_("memenuhi syarat"), default=False)
    reasons = models.JSONField(_("alasan"), default=list, blank=True)
    source_name = models.CharField(_("berkas asal"), max_length=255, blank=True)
    imported_at = models.DateTimeField(_("diimpor"), default=timezone.now, editable=False)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diimpor oleh"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = _("penerima bantuan")
        verbose_name_plural = _("penerima bantuan")
        ordering = ["programme", "batch", "line"]
        constraints = [models.UniqueConstraint(fields=["batch", "line"], name="assistance_batch_line_unique")]

    def __str__(self) -> str:
        return f"{self.programme_id}#{self.line}"

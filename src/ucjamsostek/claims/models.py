"""Benefit claims (klaim JKK, JKM, beasiswa), linked to the person and the enrollment in force on
the incident date; ``uncovered`` marks a claim whose incident fell outside any coverage, ``flags``
what a verifier would question (:func:`ucjamsostek.core.claims.check_claims`). A flagged claim is
kept as its own row (a duplicate is never merged into the claim it repeats) and shown apart from
the totals."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ucjamsostek.nikcrypt import NIKField


class Claim(models.Model):
    class Type(models.TextChoices):
        JKK = "JKK", _("Jaminan Kecelakaan Kerja")
        JKM = "JKM", _("Jaminan Kematian")
        BEASISWA = "BEASISWA", _("Beasiswa")

    nik = NIKField(_("NIK"), max_length=64, db_index=True)
    person = models.ForeignKey(
        "registry.Person",
        verbose_name=_("penduduk"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="claims",
    )
    enrollment = models.ForeignKey(
        "registry.Enrollment",
        verbose_name=_("kepesertaan pada tanggal kejadian"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="claims",
    )
    uncovered = models.BooleanField(_("tanpa perlindungan pada tanggal kejadian"), default=False, db_index=True)
    flags = models.JSONField(_("catatan verifikasi"), default=list, blank=True)
    flagged = models.BooleanField(_("ditandai"), default=False, db_index=True)
    kpj = models.CharField(_("nomor KPJ"), max_length=20, blank=True)
    type = models.CharField(_("jenis"), max_length=8, choices=Type.choices)
    incident_date = models.DateField(_("tanggal kejadian"))
    submitted_on = models.DateField(_("tanggal pengajuan"), null=True, blank=True)
    paid_on = models.DateField(_("tanggal bayar"), null=True, blank=True)
    amount = models.BigIntegerField(_("nominal (Rp)"), default=0)
    status = models.CharField(_("status"), max_length=40, blank=True)
    heir_name = models.CharField(_("nama ahli waris"), max_length=150, blank=True)
    source_name = models.CharField(_("berkas asal"), max_length=255, blank=True)
    source_row = models.PositiveIntegerField(_("baris"), null=True, blank=True)
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
        verbose_name = _("klaim")
        verbose_name_plural = _("klaim")
        ordering = ["-incident_date"]
        indexes = [models.Index(fields=["nik", "type", "incident_date"], name="claims_incident_idx")]

    def __str__(self) -> str:
        return f"{self.type} {self.incident_date:%Y-%m-%d}"

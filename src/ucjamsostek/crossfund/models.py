"""A stored cross-funder comparison (issue 13 §2): which roster files, as of when, what it found.

The person-pairs themselves stay in the run's csv (``outputs_dir``): the table here holds the
summary per funder pair and region (no personal data) for the page."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CrossfundRun(models.Model):
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("oleh"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    as_of = models.DateField(_("tanggal acuan"))
    files = models.JSONField(_("berkas"), default=list)
    inputs = models.JSONField(_("masukan per berkas dan sumber dana"), default=list)
    summary = models.JSONField(_("ringkasan per pasangan sumber dana dan wilayah"), default=list)
    people = models.PositiveIntegerField(_("orang dibiayai ganda"), default=0)
    pairs = models.PositiveIntegerField(_("pasangan"), default=0)
    months = models.PositiveIntegerField(_("bulan tumpang tindih"), default=0)
    rupiah_twice = models.BigIntegerField(_("rupiah dibayar ganda"), default=0)
    seconds = models.FloatField(_("detik"), default=0.0)

    class Meta:
        verbose_name = _("perbandingan antarsumber dana")
        verbose_name_plural = _("perbandingan antarsumber dana")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.as_of:%Y-%m-%d}"

"""BPJS monthly bills (tagihan), their lines, and the Pemda's payments (SP2D)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ucjamsostek.nikcrypt import NIKField


class Invoice(models.Model):
    period = models.DateField(_("periode (bulan)"), help_text=_("Tanggal 1 bulan yang ditagih."))
    number = models.CharField(_("nomor tagihan"), max_length=120, blank=True)
    agreement = models.ForeignKey(
        "agreements.Agreement",
        verbose_name=_("PKS"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="invoices",
    )
    source_name = models.CharField(_("nama berkas"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    line_count = models.PositiveIntegerField(_("jumlah baris"), default=0)
    billed_total = models.BigIntegerField(_("total tagihan (Rp)"), default=0)
    payable = models.BigIntegerField(
        _("yang wajib dibayar (Rp)"), null=True, blank=True, help_text=_("Hasil rekonsiliasi terakhir.")
    )
    reconciled_at = models.DateTimeField(_("direkonsiliasi"), null=True, blank=True)
    reconciliation = models.JSONField(_("ringkasan rekonsiliasi"), default=dict, blank=True)
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
        verbose_name = _("tagihan")
        verbose_name_plural = _("tagihan")
        ordering = ["-period", "-imported_at"]
        constraints = [models.UniqueConstraint(fields=["period"], name="billing_one_invoice_per_period")]

    def __str__(self) -> str:
        return f"{self.period:%Y-%m}"


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, verbose_name=_("tagihan"), on_delete=models.CASCADE, related_name="lines")
    line = models.PositiveIntegerField(_("baris"))
    nik = NIKField(_("NIK"), max_length=64, db_index=True)
    kpj = models.CharField(_("nomor KPJ"), max_length=20, blank=True)
    period = models.DateField(_("periode"))
    programme = models.CharField(_("program"), max_length=40, blank=True)
    amount = models.BigIntegerField(_("iuran (Rp)"))

    class Meta:
        verbose_name = _("baris tagihan")
        verbose_name_plural = _("baris tagihan")
        ordering = ["invoice", "line"]
        constraints = [models.UniqueConstraint(fields=["invoice", "line"], name="billing_line_unique")]

    def __str__(self) -> str:
        return f"{self.invoice_id}#{self.line}"


class Payment(models.Model):
    invoice = models.ForeignKey(
        Invoice,
        verbose_name=_("tagihan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payments",
        help_text=_("Kosong untuk pembayaran sekaligus atas PKS (mis. per triwulan) tanpa tagihan bulanan."),
    )
    agreement = models.ForeignKey(
        "agreements.Agreement",
        verbose_name=_("PKS"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payments",
    )
    sp2d_number = models.CharField(_("nomor SP2D"), max_length=120, unique=True)
    paid_on = models.DateField(_("tanggal SP2D"))
    amount = models.BigIntegerField(_("jumlah (Rp)"))
    note = models.CharField(_("keterangan"), max_length=255, blank=True)
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
        verbose_name = _("pembayaran")
        verbose_name_plural = _("pembayaran")
        ordering = ["-paid_on"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="billing_payment_positive"),
            models.CheckConstraint(
                condition=Q(invoice__isnull=False) | Q(agreement__isnull=False),
                name="billing_payment_settles_something",
            ),
        ]

    def __str__(self) -> str:
        return self.sp2d_number


class CreditTransfer(models.Model):
    """An over-payment (kelebihan bayar) of one bill set against a later bill."""

    source = models.ForeignKey(
        Invoice,
        verbose_name=_("tagihan yang lebih bayar"),
        on_delete=models.PROTECT,
        related_name="credits_out",
    )
    target = models.ForeignKey(
        Invoice,
        verbose_name=_("tagihan yang dibayar dengan kredit"),
        on_delete=models.PROTECT,
        related_name="credits_in",
    )
    amount = models.BigIntegerField(_("jumlah (Rp)"))
    applied_on = models.DateField(_("tanggal diperhitungkan"))
    note = models.CharField(_("keterangan"), max_length=255, blank=True)
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
        verbose_name = _("pemindahan kelebihan bayar")
        verbose_name_plural = _("pemindahan kelebihan bayar")
        ordering = ["applied_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="billing_credit_positive"),
            models.CheckConstraint(condition=~Q(source=models.F("target")), name="billing_credit_other_bill"),
        ]

    def __str__(self) -> str:
        return f"{self.source_id}->{self.target_id}"


class Lapse(models.Model):
    """A BPU membership ended because a bill stayed unpaid past the 3-month limit (DOMAIN.md §1):
    the enrolment's coverage end before the lapse is kept, so the record explains the change."""

    enrollment = models.ForeignKey(
        "registry.Enrollment", verbose_name=_("kepesertaan"), on_delete=models.PROTECT, related_name="lapses"
    )
    invoice = models.ForeignKey(Invoice, verbose_name=_("tagihan"), on_delete=models.PROTECT, related_name="lapses")
    ended_on = models.DateField(_("kepesertaan berakhir"))
    previous_end = models.DateField(_("akhir perlindungan sebelumnya"), null=True, blank=True)
    created_at = models.DateTimeField(_("dicatat"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("kepesertaan berakhir karena tunggakan")
        verbose_name_plural = _("kepesertaan berakhir karena tunggakan")
        ordering = ["ended_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["enrollment"], name="billing_one_lapse_per_enrollment")]

    def __str__(self) -> str:
        return f"{self.enrollment_id}@{self.ended_on:%Y-%m-%d}"

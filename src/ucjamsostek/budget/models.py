"""Budget: contribution rates as dated rows, and budget scenarios with their selection lists.

Writes go through :mod:`ucjamsostek.budget.services`; reads through
:mod:`ucjamsostek.budget.selectors`. The computing lives in :mod:`ucjamsostek.core.budget`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ucjamsostek.core.money import percent_to_ppm
from ucjamsostek.core.rates import RateRow


class ContributionRate(models.Model):
    """Tarif iuran: one programme, category and payer kind, valid between two dates (inclusive)."""

    class Programme(models.TextChoices):
        JKK = "JKK", _("Jaminan Kecelakaan Kerja (JKK)")
        JKM = "JKM", _("Jaminan Kematian (JKM)")
        JHT = "JHT", _("Jaminan Hari Tua (JHT)")

    class Category(models.TextChoices):
        BPU = "BPU", _("Bukan Penerima Upah (BPU)")
        PU = "PU", _("Penerima Upah (PU)")

    class Payer(models.TextChoices):
        ANY = "*", _("Semua pembayar")
        PUBLIC = "public", _("APBN/APBD")
        OTHER = "other", _("Selain APBN/APBD")

    programme = models.CharField(_("program"), max_length=3, choices=Programme.choices)
    category = models.CharField(_("kategori peserta"), max_length=3, choices=Category.choices)
    payer = models.CharField(_("pembayar"), max_length=8, choices=Payer.choices, default=Payer.ANY)
    valid_from = models.DateField(_("berlaku mulai"))
    valid_to = models.DateField(_("berlaku sampai"), null=True, blank=True, help_text=_("Termasuk tanggal ini."))
    rate_percent = models.DecimalField(
        _("persentase"), max_digits=8, decimal_places=4, null=True, blank=True, help_text=_("Dari dasar upah.")
    )
    income_base = models.BigIntegerField(_("dasar penghasilan (Rp)"), null=True, blank=True)
    amount = models.BigIntegerField(_("nominal tetap (Rp)"), null=True, blank=True)
    discount_percent = models.DecimalField(_("diskon (%)"), max_digits=8, decimal_places=4, default=0)
    legal_basis = models.CharField(_("dasar hukum"), max_length=255)
    note = models.TextField(_("keterangan"), blank=True)

    class Meta:
        verbose_name = _("tarif iuran")
        verbose_name_plural = _("tarif iuran")
        ordering = ["programme", "category", "valid_from", "payer"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "category", "payer", "valid_from"], name="budget_rate_unique_start"
            ),
            models.CheckConstraint(
                condition=(Q(amount__isnull=True) & Q(rate_percent__isnull=False))
                | (Q(amount__isnull=False) & Q(rate_percent__isnull=True)),
                name="budget_rate_amount_or_percent",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="budget_rate_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme} {self.category} {self.payer} {self.valid_from:%Y-%m-%d}"

    def to_row(self) -> RateRow:

        return RateRow(
            programme=self.programme,
            category=self.category,
            payer=self.payer,
            valid_from=self.valid_from,
            valid_to=self.valid_to,
            legal_basis=self.legal_basis,
            rate_ppm=percent_to_ppm(self.rate_percent) if self.rate_percent is not None else None,
            income_base=self.income_base,
            amount=self.amount,
            discount_ppm=percent_to_ppm(self.discount_percent or 0),
            note=self.note,
        )


class BudgetScenario(models.Model):
    """Skenario anggaran: the inputs of a selection and its result. ``final`` freezes the list as
    the year's participant list (one final scenario per year)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draf")
        FINAL = "final", _("Final")

    class QuotaBy(models.TextChoices):
        NONE = "", _("Tanpa kuota")
        DESA = "desa", _("Per desa/kelurahan")
        KECAMATAN = "kecamatan", _("Per kecamatan")

    class QuotaMode(models.TextChoices):
        FIXED = "fixed", _("Tetap")
        POOL = "pool", _("Sebanding jumlah calon")
        POVERTY = "poverty", _("Sebanding kemiskinan")

    class Objective(models.TextChoices):
        COUNT = "count", _("Sebanyak mungkin orang, lalu prioritas")
        PRIORITY = "priority", _("Urutan prioritas ketat")

    name = models.CharField(_("nama skenario"), max_length=150)
    year = models.PositiveSmallIntegerField(_("tahun anggaran"), db_index=True)
    ceiling = models.BigIntegerField(_("pagu (Rp)"))
    start = models.DateField(_("mulai perlindungan"))
    months = models.PositiveSmallIntegerField(_("jumlah bulan"))
    funder = models.ForeignKey(
        "registry.Funder", verbose_name=_("sumber dana"), null=True, blank=True, on_delete=models.PROTECT
    )
    payer_kind = models.CharField(_("jenis pembayar"), max_length=8, default="public")
    segments = models.JSONField(_("segmen"), default=list, blank=True)
    quota_by = models.CharField(_("kuota"), max_length=10, choices=QuotaBy.choices, blank=True, default="")
    quota_mode = models.CharField(_("cara kuota"), max_length=8, choices=QuotaMode.choices, default=QuotaMode.FIXED)
    quotas = models.JSONField(_("kuota per wilayah"), default=dict, blank=True)
    poverty_weights = models.JSONField(_("bobot kemiskinan per wilayah"), default=dict, blank=True)
    continuity = models.BooleanField(_("peserta tahun lalu dipertahankan"), default=False)
    policy = models.JSONField(_("kebijakan prioritas"), default=dict, blank=True)
    objective = models.CharField(_("tujuan"), max_length=8, choices=Objective.choices, default=Objective.COUNT)
    pu_wage = models.BigIntegerField(_("upah dasar PU (Rp)"), null=True, blank=True)

    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.DRAFT)
    eligible_count = models.PositiveIntegerField(_("calon layak"), default=0)
    selected_count = models.PositiveIntegerField(_("terpilih"), default=0)
    cost = models.BigIntegerField(_("biaya (Rp)"), default=0)
    remaining = models.BigIntegerField(_("sisa pagu (Rp)"), default=0)
    method = models.CharField(_("metode"), max_length=16, blank=True)
    summary = models.JSONField(_("ringkasan"), default=dict, blank=True)
    notes = models.TextField(_("catatan"), blank=True)

    created_at = models.DateTimeField(_("dibuat"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dibuat oleh"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    finalized_at = models.DateTimeField(_("ditetapkan"), null=True, blank=True)
    finalized_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ditetapkan oleh"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("skenario anggaran")
        verbose_name_plural = _("skenario anggaran")
        ordering = ["-year", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["year"], condition=Q(status="final"), name="budget_one_final_per_year"),
            models.CheckConstraint(condition=Q(ceiling__gt=0), name="budget_ceiling_positive"),
            models.CheckConstraint(condition=Q(months__gte=1, months__lte=12), name="budget_months_1_12"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.name}"

    @property
    def is_final(self) -> bool:
        return self.status == self.Status.FINAL


class ScenarioLine(models.Model):
    """One selected person of a scenario, in rank order, with the cost and the score's parts.

    ``person`` is the registry person when known; ``nomination`` the screened row the person came
    from when not yet in the registry. The line of a final scenario is never changed.
    """

    scenario = models.ForeignKey(
        BudgetScenario, verbose_name=_("skenario"), on_delete=models.CASCADE, related_name="lines"
    )
    rank = models.PositiveIntegerField(_("peringkat"))
    pool_key = models.CharField(_("kunci calon"), max_length=32)
    person = models.ForeignKey(
        "registry.Person", verbose_name=_("penduduk"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    nomination = models.ForeignKey(
        "screening.Nomination",
        verbose_name=_("usulan"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    village_code = models.CharField(_("kode desa"), max_length=13, blank=True)
    segment = models.CharField(_("segmen"), max_length=32, blank=True)
    category = models.CharField(_("kategori"), max_length=3)
    cost = models.BigIntegerField(_("biaya (Rp)"))
    score = models.IntegerField(_("skor"))
    score_parts = models.JSONField(_("rincian skor"), default=dict)
    continuing = models.BooleanField(_("peserta tahun lalu"), default=False)

    class Meta:
        verbose_name = _("baris seleksi")
        verbose_name_plural = _("baris seleksi")
        ordering = ["scenario", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["scenario", "rank"], name="budget_line_unique_rank"),
            models.UniqueConstraint(fields=["scenario", "pool_key"], name="budget_line_unique_person"),
        ]

    def __str__(self) -> str:
        return f"{self.scenario_id}#{self.rank}"

"""Monitoring and evaluation (Rakor Monev): indicators, targets, denominators, computed values,
the Inpres 2/2021 action checklist, meetings with their follow-ups, and API tokens.

Indicator values are never typed in: :mod:`ucjamsostek.monitoring.services` computes them from
the records (``refresh``) into a :class:`Snapshot`; each :class:`IndicatorValue` keeps its
numerator/denominator and a ``trace`` (which table, which filter) to reach the rows behind it.
"""

from __future__ import annotations

import hashlib
from fractions import Fraction

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Indicator(models.Model):
    """Definition of a monitored figure (seeded from ``core.indicators.INDICATORS``)."""

    class Unit(models.TextChoices):
        COUNT = "count", _("jumlah")
        PERCENT = "percent", _("persen")
        RUPIAH = "rupiah", _("Rupiah")

    class Direction(models.TextChoices):
        UP = "up", _("makin tinggi makin baik")
        DOWN = "down", _("makin rendah makin baik")
        NEUTRAL = "neutral", _("netral")

    code = models.CharField(_("kode"), max_length=32, primary_key=True)
    name = models.CharField(_("nama"), max_length=120)
    name_en = models.CharField(_("nama (Inggris)"), max_length=120, blank=True)
    unit = models.CharField(_("satuan"), max_length=8, choices=Unit.choices)
    direction = models.CharField(_("arah"), max_length=8, choices=Direction.choices)
    formula = models.CharField(_("rumus"), max_length=64)
    source = models.TextField(_("sumber data"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("urutan"), default=0)
    active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        verbose_name = _("indikator")
        verbose_name_plural = _("indikator")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class Target(models.Model):
    """Target of an indicator for a year and an area (e.g. 10.000 active participants in 2026)."""

    indicator = models.ForeignKey(Indicator, verbose_name=_("indikator"), on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField(_("tahun"))
    area = models.ForeignKey("regions.Region", verbose_name=_("wilayah"), on_delete=models.PROTECT, related_name="+")
    breakdown = models.CharField(
        _("rincian"),
        max_length=64,
        blank=True,
        default="",
        help_text=_("Kosong untuk seluruh peserta, atau mis. segment:pekerja_rentan."),
    )
    value = models.BigIntegerField(
        _("nilai target"), help_text=_("Jumlah orang, Rupiah, atau persen ×100 (5000 = 50,00%).")
    )
    note = models.CharField(_("keterangan"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("target")
        ordering = ["indicator", "year", "area"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year", "area", "breakdown"], name="monitoring_target_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.year} {self.area_id}"


class WorkforceDenominator(models.Model):
    """Number of workers in an area (coverage denominator), with its source and year (DOMAIN.md §8)."""

    area = models.ForeignKey("regions.Region", verbose_name=_("wilayah"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("tahun"))
    breakdown = models.CharField(
        _("rincian"),
        max_length=64,
        blank=True,
        default="",
        help_text=_("Kosong untuk seluruh pekerja, atau mis. category:PU, category:BPU, segment:pekerja_rentan."),
    )
    workers = models.PositiveIntegerField(_("jumlah pekerja"))
    source = models.CharField(_("sumber data"), max_length=255, help_text=_("Mis. BPS Sakernas 2024, data desa 2025."))
    note = models.CharField(_("keterangan"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("jumlah pekerja (penyebut cakupan)")
        verbose_name_plural = _("jumlah pekerja (penyebut cakupan)")
        ordering = ["area", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["area", "year", "breakdown"], name="monitoring_workforce_unique_bd")
        ]

    def __str__(self) -> str:
        return f"{self.area_id} {self.year}: {self.workers}"


class Snapshot(models.Model):
    """One computation of all indicator values for a period, from the records at ``computed_at``."""

    period = models.CharField(_("periode"), max_length=8, db_index=True)
    as_of = models.DateField(_("tanggal acuan"))
    computed_at = models.DateTimeField(_("dihitung"), default=timezone.now, db_index=True)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("oleh"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    seconds = models.FloatField(_("lama (detik)"), default=0.0)
    unavailable = models.JSONField(
        _("indikator belum tersedia"), default=dict, blank=True, help_text=_("kode → alasan")
    )
    #: :func:`ucjamsostek.monitoring.queries.data_version` of the records it was computed from.
    data_version = models.CharField(_("versi data"), max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("hasil hitung indikator")
        verbose_name_plural = _("hasil hitung indikator")
        ordering = ["-computed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.period} @ {self.computed_at:%Y-%m-%d %H:%M}"


class IndicatorValue(models.Model):
    """A computed value: indicator × period × area × breakdown.

    * ``period`` — ``2026-01``, ``2025-S1`` or ``2026`` (month values also serve the trend).
    * ``area_code`` — regency, kecamatan or desa code (a code, not a foreign key, for speed).
    * ``breakdown`` — empty for the total, else ``dimension:key`` (``segment:BPU-RENTAN``).
    * ``numerator`` / ``denominator`` — the value is ``numerator`` for counts and Rupiah and
      ``numerator ÷ denominator`` for ratios; a ratio with no denominator has no value
      ("tidak ada data").
    * ``trace`` — ``{"model": "registry.Enrollment", "filter": {...}, "as_of": ...}``: the query
      that finds the rows behind the value.
    """

    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="values")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    period = models.CharField(_("periode"), max_length=12)
    area_code = models.CharField(_("kode wilayah"), max_length=13)
    breakdown = models.CharField(_("rincian"), max_length=64, blank=True, default="")
    is_ratio = models.BooleanField(_("rasio"), default=False)
    numerator = models.BigIntegerField(_("pembilang"), null=True, blank=True)
    denominator = models.BigIntegerField(_("penyebut"), null=True, blank=True)
    trace = models.JSONField(_("asal data"), default=dict, blank=True)

    class Meta:
        verbose_name = _("nilai indikator")
        verbose_name_plural = _("nilai indikator")
        indexes = [
            models.Index(fields=["snapshot", "indicator", "period", "area_code"], name="monitoring_value_lookup"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.period} {self.area_code} {self.breakdown}"

    @property
    def value(self) -> int | Fraction | None:
        if self.numerator is None:
            return None
        if self.is_ratio:
            if not self.denominator or self.denominator <= 0:
                return None
            return Fraction(self.numerator, self.denominator)
        return self.numerator


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("belum dimulai")
    IN_PROGRESS = "in_progress", _("dalam proses")
    DONE = "done", _("selesai")
    NOT_APPLICABLE = "n_a", _("tidak berlaku")


class ActionItem(models.Model):
    """An Inpres 2/2021 action item (rencana aksi) for a year, owned by an OPD, with evidence."""

    code = models.CharField(_("kode"), max_length=32)
    year = models.PositiveSmallIntegerField(_("tahun"))
    number = models.PositiveSmallIntegerField(_("nomor"), default=0)
    title = models.CharField(_("butir"), max_length=200)
    description = models.TextField(_("uraian"), blank=True)
    basis = models.CharField(_("dasar hukum"), max_length=255, blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("OPD penanggung jawab"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    responsible = models.CharField(_("penanggung jawab (teks)"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED
    )
    due_date = models.DateField(_("batas waktu"), null=True, blank=True)
    evidence_file = models.FileField(_("dokumen bukti"), upload_to="monev/bukti/%Y/", blank=True)
    evidence_url = models.URLField(_("tautan bukti (regulasi)"), blank=True)
    apbd_line = models.CharField(_("mata anggaran APBD"), max_length=255, blank=True)
    notes = models.TextField(_("catatan tindak lanjut"), blank=True)
    updated_at = models.DateTimeField(_("diubah"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diubah oleh"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("rencana aksi Inpres")
        verbose_name_plural = _("rencana aksi Inpres")
        ordering = ["year", "number", "code"]
        constraints = [models.UniqueConstraint(fields=["code", "year"], name="monitoring_action_code_year")]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Meeting(models.Model):
    """A Rakor Monev meeting."""

    date = models.DateField(_("tanggal"))
    title = models.CharField(_("judul"), max_length=200, default="Rapat Koordinasi Monitoring dan Evaluasi")
    period = models.CharField(_("periode ditinjau"), max_length=8, blank=True)
    place = models.CharField(_("tempat"), max_length=200, blank=True)
    notes = models.TextField(_("catatan"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("rapat monev")
        verbose_name_plural = _("rapat monev")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.title} {self.date:%d-%m-%Y}"


class FollowUpStatus(models.TextChoices):
    OPEN = "open", _("terbuka")
    DONE = "done", _("selesai")
    CARRIED = "carried", _("dibawa ke rapat berikutnya")
    DROPPED = "dropped", _("dibatalkan")


class FollowUp(models.Model):
    """A rencana tindak lanjut of a meeting; open ones are carried to the next meeting
    (``carried_from`` links the copy to the original, which becomes *carried*)."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("rapat"), on_delete=models.CASCADE, related_name="follow_ups")
    number = models.PositiveSmallIntegerField(_("nomor"), default=0)
    action = models.TextField(_("tindak lanjut"))
    owner = models.CharField(_("penanggung jawab"), max_length=200)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("OPD"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    deadline = models.DateField(_("batas waktu"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN)
    notes = models.TextField(_("catatan"), blank=True)
    carried_from = models.ForeignKey(
        "self",
        verbose_name=_("lanjutan dari"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="carried_to",
    )
    closed_at = models.DateField(_("tanggal selesai"), null=True, blank=True)

    class Meta:
        verbose_name = _("rencana tindak lanjut")
        verbose_name_plural = _("rencana tindak lanjut")
        ordering = ["meeting", "number", "id"]

    def __str__(self) -> str:
        return f"{self.meeting_id}.{self.number}"


class ApiToken(models.Model):
    """A bearer token for the REST API. Only the SHA-256 of the token is stored; the token itself is
    shown once when created. It acts as its user (same role and area)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("nama"), max_length=100)
    prefix = models.CharField(_("awalan"), max_length=8)
    key_hash = models.CharField(_("hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)
    last_used_at = models.DateTimeField(_("terakhir dipakai"), null=True, blank=True)
    revoked = models.BooleanField(_("dicabut"), default=False)

    class Meta:
        verbose_name = _("token API")
        verbose_name_plural = _("token API")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()


class ReportSetup(models.Model):
    """The deployment's letterhead and signatories of the Rakor Monev report (one row; Admin and
    Dinas edit it on ``/monev/laporan/pengaturan/``). Empty fields fall back to names made from the
    deployment's region (``reports.letterhead``). The logo is a PNG/JPEG in the data directory."""

    government = models.CharField(_("nama pemerintah daerah"), max_length=200, blank=True)
    office = models.CharField(_("nama dinas"), max_length=200, blank=True)
    address = models.CharField(_("alamat kantor"), max_length=300, blank=True)
    place = models.CharField(_("tempat penandatanganan"), max_length=100, blank=True)
    number_format = models.CharField(
        _("format nomor laporan"),
        max_length=100,
        default="500.15/{urut}/Monev-UC/{tahun}",
        help_text=_("{urut} diganti nomor urut tahun itu (001, 002, …), {tahun} tahunnya."),
    )
    leader_title = models.CharField(_("jabatan yang mengetahui"), max_length=200, blank=True)
    leader_name = models.CharField(_("nama yang mengetahui"), max_length=200, blank=True)
    head_title = models.CharField(_("jabatan penanda tangan"), max_length=200, blank=True)
    head_name = models.CharField(_("nama penanda tangan"), max_length=200, blank=True)
    head_nip = models.CharField(_("NIP penanda tangan"), max_length=30, blank=True)
    #: file name under ``MEDIA_ROOT/monev/kop/`` (never a path from the user)
    logo = models.CharField(_("logo"), max_length=100, blank=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        verbose_name = _("pengaturan laporan")
        verbose_name_plural = _("pengaturan laporan")

    def __str__(self) -> str:
        return self.government or "-"


class IssuedReport(models.Model):
    """A Rakor Monev report made by the system: its number (unique), the file kept in the data
    directory so it can be downloaded again, and the token of its read-only share link."""

    number = models.CharField(_("nomor"), max_length=100, unique=True)
    year = models.PositiveSmallIntegerField(_("tahun"))
    seq = models.PositiveIntegerField(_("nomor urut"))
    period = models.CharField(_("periode"), max_length=8)
    area_code = models.CharField(_("wilayah"), max_length=13)
    kind = models.CharField(_("jenis"), max_length=8)
    file = models.CharField(_("berkas"), max_length=200, blank=True)
    issued_on = models.DateField(_("tanggal"))
    issued_at = models.DateTimeField(_("dibuat"), default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    share_token = models.CharField(_("token tautan"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("laporan terbit")
        verbose_name_plural = _("laporan terbit")
        ordering = ["-issued_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["year", "seq"], name="issued_report_year_seq")]

    def __str__(self) -> str:
        return self.number

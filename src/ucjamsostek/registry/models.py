"""Registry: people (penduduk), their coverage (kepesertaan), master data and change history.

Writes go through :mod:`ucjamsostek.registry.services` (permission checks, transactions, history);
reads through :mod:`ucjamsostek.registry.selectors` (role scoping, NIK masking).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ucjamsostek.nikcrypt import NIKField


class Segment(models.Model):
    """Segmen / kategori peserta: pekerja rentan, non-ASN, perangkat desa, …"""

    class Category(models.TextChoices):
        BPU = "BPU", _("Bukan Penerima Upah (BPU)")
        PU = "PU", _("Penerima Upah (PU)")

    code = models.CharField(_("kode"), max_length=32, primary_key=True)
    name = models.CharField(_("nama"), max_length=120)
    category = models.CharField(
        _("kategori BPJS"),
        max_length=3,
        choices=Category.choices,
        default=Category.BPU,
        help_text=_("Menentukan tarif iuran yang berlaku (BPU atau PU)."),
    )
    description = models.TextField(_("keterangan"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("urutan"), default=0)
    active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        verbose_name = _("segmen")
        verbose_name_plural = _("segmen")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class Funder(models.Model):
    """Sumber dana: APBD kabupaten, APBD provinsi, APBDes, CSR, mandiri."""

    class PayerKind(models.TextChoices):
        PUBLIC = "apbn_apbd", _("APBN/APBD")
        OTHER = "other", _("Lainnya")

    code = models.CharField(_("kode"), max_length=32, primary_key=True)
    name = models.CharField(_("nama"), max_length=120)
    payer_kind = models.CharField(
        _("jenis pembayar"),
        max_length=16,
        choices=PayerKind.choices,
        default=PayerKind.PUBLIC,
        help_text=_("Diskon iuran PP 50/2025 tidak berlaku bagi iuran yang dibayar dari APBN/APBD."),
    )
    description = models.TextField(_("keterangan"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("urutan"), default=0)
    active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        verbose_name = _("sumber dana")
        verbose_name_plural = _("sumber dana")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class Occupation(models.Model):
    """Kode pekerjaan, seeded from ``core/data/occupations.csv`` (one list for web and screening)."""

    class Risk(models.TextChoices):
        HIGH = "high", _("Tinggi")
        MEDIUM = "medium", _("Sedang")
        LOW = "low", _("Rendah")

    code = models.CharField(_("kode"), max_length=32, primary_key=True)
    name = models.CharField(_("nama"), max_length=120)
    risk = models.CharField(_("risiko kerja"), max_length=8, choices=Risk.choices, default=Risk.LOW)
    aliases = models.TextField(_("sebutan lain"), blank=True, help_text=_("Dipisahkan dengan |"))
    sort_order = models.PositiveSmallIntegerField(_("urutan"), default=0)
    active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        verbose_name = pgettext_lazy("occupation", "pekerjaan")
        verbose_name_plural = pgettext_lazy("occupation", "pekerjaan")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class Sex(models.TextChoices):
    MALE = "L", _("Laki-laki")
    FEMALE = "P", _("Perempuan")


class Person(models.Model):
    """Penduduk / tenaga kerja, identified by NIK. Personal data: NIK and name are never logged."""

    nik = NIKField(_("NIK"), max_length=64, unique=True)
    name = models.CharField(_("nama"), max_length=150)
    sex = models.CharField(_("jenis kelamin"), max_length=1, choices=Sex.choices)
    birth_place = models.CharField(_("tempat lahir"), max_length=100, blank=True)
    birth_date = models.DateField(_("tanggal lahir"))
    village = models.ForeignKey(
        "regions.Region",
        verbose_name=_("desa/kelurahan"),
        on_delete=models.PROTECT,
        related_name="people",
    )
    address = models.CharField(_("alamat"), max_length=255, blank=True)
    occupation = models.ForeignKey(
        Occupation,
        verbose_name=pgettext_lazy("occupation", "pekerjaan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    occupation_text = models.CharField(
        _("pekerjaan (sesuai usulan)"), max_length=120, blank=True, help_text=_("Teks asli dari berkas usulan.")
    )
    phone = models.CharField(_("nomor HP"), max_length=20, blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("OPD (tenaga non-ASN)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        help_text=_("Diisi untuk tenaga non-ASN: OPD tempat bekerja."),
    )
    dtks_decile = models.PositiveSmallIntegerField(
        _("desil DTKS"), null=True, blank=True, help_text=_("1 (termiskin) sampai 10.")
    )
    extreme_poor = models.BooleanField(_("miskin ekstrem"), default=False)
    is_deceased = models.BooleanField(_("meninggal dunia"), default=False)
    death_date = models.DateField(_("tanggal meninggal"), null=True, blank=True)

    created_at = models.DateTimeField(_("dibuat"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("diubah"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dibuat oleh"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diubah oleh"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = _("penduduk")
        verbose_name_plural = _("penduduk")
        ordering = ["name", "nik"]
        indexes = [
            models.Index(fields=["name"], name="registry_person_name_idx"),
            models.Index(fields=["village", "name"], name="registry_person_vil_name_idx"),
            models.Index(fields=["birth_date"], name="registry_person_birth_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(dtks_decile__isnull=True) | Q(dtks_decile__gte=1, dtks_decile__lte=10),
                name="registry_person_decile_1_10",
            ),
            models.CheckConstraint(condition=Q(sex__in=["L", "P"]), name="registry_person_sex_lp"),
        ]

    def __str__(self) -> str:
        # No NIK here: __str__ ends up in admin logs and messages.
        return self.name


class Enrollment(models.Model):
    """Kepesertaan: a person covered by programmes for a period [start, end)."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Diusulkan")
        SUBMITTED = "submitted", _("Didaftarkan ke BPJS")
        ACTIVE = "active", _("Aktif")
        ENDED = "ended", _("Berakhir")
        REJECTED = "rejected", _("Ditolak")

    person = models.ForeignKey(Person, verbose_name=_("penduduk"), on_delete=models.PROTECT, related_name="enrollments")
    segment = models.ForeignKey(Segment, verbose_name=_("segmen"), on_delete=models.PROTECT)
    funder = models.ForeignKey(Funder, verbose_name=_("sumber dana"), on_delete=models.PROTECT)
    jkk = models.BooleanField(_("JKK"), default=True)
    jkm = models.BooleanField(_("JKM"), default=True)
    jht = models.BooleanField(_("JHT"), default=False)
    kpj_number = models.CharField(_("nomor KPJ"), max_length=20, blank=True, db_index=True)
    coverage_start = models.DateField(_("mulai perlindungan"))
    coverage_end = models.DateField(
        _("akhir perlindungan"), null=True, blank=True, help_text=_("Tanggal pertama tidak terlindungi.")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PROPOSED, db_index=True
    )
    reason = models.CharField(_("alasan"), max_length=255, blank=True)

    created_at = models.DateTimeField(_("dibuat"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("diubah"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dibuat oleh"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diubah oleh"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = _("kepesertaan")
        verbose_name_plural = _("kepesertaan")
        ordering = ["person_id", "-coverage_start"]
        indexes = [
            models.Index(fields=["person", "coverage_start"], name="registry_enr_person_start_idx"),
            models.Index(fields=["status", "coverage_start"], name="registry_enr_status_start_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(coverage_end__isnull=True) | Q(coverage_end__gt=models.F("coverage_start")),
                name="registry_enrollment_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(jkk=True) | Q(jkm=True) | Q(jht=True),
                name="registry_enrollment_some_programme",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.segment_id} {self.coverage_start:%Y-%m-%d}"

    @property
    def programmes(self) -> list[str]:
        return [p for p, on in (("JKK", self.jkk), ("JKM", self.jkm), ("JHT", self.jht)) if on]


#: Enrollments BPJS accepted: the person is (``active``) or was (``ended``) covered from
#: ``coverage_start`` to ``coverage_end``. Every figure about protection reads this set: covered
#: periods and gaps, active counts and coverage indicators, reconciliation of bills, the claims
#: exposure of the budget's outlook (participant-months in which a claim could arise).
COVERED_STATUSES = (Enrollment.Status.ACTIVE, Enrollment.Status.ENDED)
#: Enrollments the Pemda made: covered, or registered with BPJS (``submitted``) and waiting for its
#: answer. Read where the Pemda's own decision matters more than BPJS's answer: "last year's
#: participants" who keep their place in the next budget (continuity), and the agreement's
#: enrolled people in its warnings.
ENROLLED_STATUSES = (Enrollment.Status.SUBMITTED, *COVERED_STATUSES)


class ChangeLog(models.Model):
    """Riwayat perubahan: who changed what, when and why. Never edited or deleted by the app.

    ``changes`` holds ``{field: [old, new]}``. A NIK is stored in full here (the history must be
    able to show what a NIK was corrected from), and the selectors mask it for roles without
    full-NIK rights — the same rule as the person record itself (UU PDP: access is restricted, the
    data is not duplicated anywhere less protected).
    """

    class Action(models.TextChoices):
        CREATE = "create", _("Dibuat")
        UPDATE = "update", _("Diubah")
        DELETE = "delete", _("Dihapus")
        IMPORT = "import", _("Impor massal")
        EXPORT = "export", _("Ekspor")

    at = models.DateTimeField(_("waktu"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pengguna"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_username = models.CharField(_("nama pengguna"), max_length=150, blank=True)
    action = models.CharField(_("tindakan"), max_length=8, choices=Action.choices)
    model = models.CharField(_("jenis data"), max_length=64)
    object_id = models.CharField(_("ID data"), max_length=64, blank=True)
    person = models.ForeignKey(
        Person,
        verbose_name=_("penduduk"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="history",
    )
    changes = models.JSONField(_("perubahan"), default=dict, blank=True)
    count = models.PositiveIntegerField(_("jumlah baris"), null=True, blank=True)
    reason = models.CharField(_("alasan"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("riwayat perubahan")
        verbose_name_plural = _("riwayat perubahan")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["model", "object_id"], name="registry_chg_model_obj_idx"),
            models.Index(fields=["person", "at"], name="registry_chg_person_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username} {self.action} {self.model}"

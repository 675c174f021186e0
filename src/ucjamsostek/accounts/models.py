import hashlib
import hmac
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ucjamsostek.core.nik import keyed_nik_hashes


class Organisation(models.Model):
    """An OPD (perangkat daerah) of the Pemda: employs non-ASN staff and sends their lists."""

    code = models.CharField(_("kode"), max_length=32, unique=True)
    name = models.CharField(_("nama"), max_length=200)
    region = models.ForeignKey("regions.Region", verbose_name=_("wilayah"), on_delete=models.PROTECT)

    class Meta:
        verbose_name = _("OPD")
        verbose_name_plural = _("OPD")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    DINAS = "dinas", _("Operator Dinas")
    AREA = "area", _("Operator kecamatan/desa")
    OPD = "opd", _("Operator OPD")
    BUDGET = "budget", _("Bagian anggaran")
    BPJS = "bpjs", _("Petugas BPJS")
    LEADERSHIP = "leadership", _("Pimpinan")
    AUDITOR = "auditor", _("Auditor")
    PROVINCE = "province", _("Pemantau provinsi")


class User(AbstractUser):
    role = models.CharField(_("peran"), max_length=16, choices=Role.choices, default=Role.DINAS)
    area = models.ForeignKey(
        "regions.Region",
        verbose_name=_("wilayah kerja"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("Untuk operator kecamatan/desa: wilayah yang boleh dilihat dan diubah."),
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("OPD"), null=True, blank=True, on_delete=models.PROTECT
    )

    class Meta:
        verbose_name = _("pengguna")
        verbose_name_plural = _("pengguna")

    def clean(self) -> None:
        super().clean()
        errors: dict[str, Any] = {}
        if self.role == Role.AREA:
            if self.area is None:
                errors["area"] = _("Operator kecamatan/desa wajib punya wilayah kerja.")
            elif self.area.level not in (3, 4):
                errors["area"] = _("Wilayah kerja operator harus kecamatan atau desa/kelurahan.")
        if self.role == Role.OPD and self.organisation_id is None:
            errors["organisation"] = _("Operator OPD wajib punya OPD.")
        if errors:
            raise ValidationError(errors)


class AppendOnlyError(Exception):
    """A change or deletion of an append-only row (the access log): a defect, never a user's
    doing, since no page nor the admin offers it."""


class AppendOnlyQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError(f"{self.model._meta.label} is append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{self.model._meta.label} is append-only")


class AppendOnlyModel(models.Model):
    """Rows are added, never changed nor deleted: ``save`` of a stored row, ``delete`` and the
    queryset's ``update``/``delete`` raise :class:`AppendOnlyError`."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(f"{self._meta.label} is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{self._meta.label} is append-only")


class AccessLog(AppendOnlyModel):
    """Log akses: who viewed or downloaded whose personal data, when, through which page or export,
    and how many rows. Append-only (:class:`AppendOnlyModel`, an admin without add/change/delete,
    and database triggers refusing UPDATE and DELETE: migration ``0002_access_log``).

    The people concerned are :class:`AccessLogSubject` rows holding a keyed hash of each NIK
    (``core.nik.keyed_nik_hash`` under ``settings.NIK_KEY``): the log holds no NIK and no name,
    yet "who looked at NIK X" is answered by hashing X (``accounts.selectors.access_log``).
    """

    class Kind(models.TextChoices):
        VIEW = "view", _("Melihat data penduduk")
        LOOKUP = "lookup", _("Mencari NIK (API)")
        DOWNLOAD = "download", _("Mengunduh berkas")

    at = models.DateTimeField(_("waktu"), default=timezone.now, db_index=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pengguna"),
        null=True,
        blank=True,
        # a user with entries is deactivated, never deleted: the log keeps who it was
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    username = models.CharField(_("nama pengguna"), max_length=150, editable=False)
    kind = models.CharField(_("jenis akses"), max_length=8, choices=Kind.choices, editable=False)
    what = models.CharField(_("halaman/ekspor"), max_length=100, editable=False)
    target = models.CharField(_("objek"), max_length=200, blank=True, editable=False)
    rows = models.PositiveIntegerField(_("jumlah baris"), default=0, editable=False)
    people = models.PositiveIntegerField(_("jumlah orang"), default=0, editable=False)

    class Meta:
        verbose_name = _("log akses")
        verbose_name_plural = _("log akses")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["user", "at"], name="accounts_access_user_at_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.what}"


class AccessLogSubject(AppendOnlyModel):
    """One person an :class:`AccessLog` entry concerns, as the keyed hash of the NIK only."""

    # An export of 100.000 people writes 100.000 rows here, so nothing that no read needs: one
    # index, (nik_hash, entry), which "who looked at NIK X" reads alone; no foreign-key constraint
    # in the database (PostgreSQL checks a deferred one row by row at commit: 1,7 s per 100.000),
    # since the rows are written with their entry in one transaction and never changed.
    entry = models.ForeignKey(
        AccessLog, on_delete=models.PROTECT, related_name="subjects", db_index=False, db_constraint=False
    )
    nik_hash = models.CharField(_("hash NIK"), max_length=64, editable=False)

    class Meta:
        verbose_name = _("subjek log akses")
        verbose_name_plural = _("subjek log akses")
        indexes = [models.Index(fields=["nik_hash", "entry"], name="accounts_access_subject_idx")]

    def __str__(self) -> str:
        return self.nik_hash

    @staticmethod
    def hashes_of(niks: Iterable[str]) -> list[str]:
        """The stored form of ``niks``: keyed hashes under a key derived from ``settings.NIK_KEY``
        for this log alone (another use of the NIK key gets hashes that do not match these)."""
        return keyed_nik_hashes(niks, _subject_key(settings.NIK_KEY))

    @staticmethod
    def hash_of(nik: str) -> str:
        return AccessLogSubject.hashes_of([nik])[0]


@lru_cache(maxsize=4)
def _subject_key(nik_key: bytes) -> bytes:
    return hmac.new(nik_key, b"ucjamsostek access log subjects", hashlib.sha256).digest()

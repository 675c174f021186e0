from typing import Any

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


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

from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    """A Kemendagri area: province (1), regency/city (2), kecamatan (3) or desa/kelurahan (4).

    The dotted Kemendagri code is the key (``74.13.01.2008``), so "inside area X" is a prefix test.
    """

    class Level(models.IntegerChoices):
        PROVINCE = 1, _("Provinsi")
        REGENCY = 2, _("Kabupaten/Kota")
        DISTRICT = 3, _("Kecamatan")
        VILLAGE = 4, _("Desa/Kelurahan")

    code = models.CharField(_("kode"), max_length=13, primary_key=True)
    name = models.CharField(_("nama"), max_length=120, db_index=True)
    level = models.PositiveSmallIntegerField(_("tingkat"), choices=Level.choices, db_index=True)
    kind = models.CharField(_("jenis"), max_length=16)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("induk"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = _("wilayah")
        verbose_name_plural = _("wilayah")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def contains(self, code: str) -> bool:
        return code == self.code or code.startswith(self.code + ".")


class Boundary(models.Model):
    """The outline of a kecamatan or desa (simplified, longitude/latitude), loaded from a Pemda's
    GeoJSON (``ucjamsostek regions boundaries load``) to draw the coverage map."""

    region = models.OneToOneField(
        Region, verbose_name=_("wilayah"), primary_key=True, on_delete=models.CASCADE, related_name="boundary"
    )
    level = models.PositiveSmallIntegerField(_("tingkat"), choices=Region.Level.choices, db_index=True)
    #: [[[ [lon, lat], … ] outer ring, holes… ] per polygon]
    polygons = models.JSONField(_("poligon"))
    source = models.CharField(_("berkas sumber"), max_length=255)
    loaded_at = models.DateTimeField(_("dimuat"), auto_now=True)

    class Meta:
        verbose_name = _("batas wilayah")
        verbose_name_plural = _("batas wilayah")

    def __str__(self) -> str:
        return f"batas {self.region_id}"

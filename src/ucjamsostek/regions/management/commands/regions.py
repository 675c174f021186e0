"""``ucjamsostek regions boundaries load FILE``: kecamatan and desa boundaries (GeoJSON) for the
coverage map, checked against the Kemendagri table; unmatched features are listed, not stored."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ucjamsostek.errors import USER_ERRORS, user_message
from ucjamsostek.regions import services

#: Unmatched features listed one per line up to this many; the rest are counted.
SHOW_UNMATCHED = 50


class Command(BaseCommand):
    help = "Wilayah: batas kecamatan dan desa (GeoJSON) untuk peta cakupan"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        boundaries = sub.add_parser("boundaries", help="batas wilayah untuk peta cakupan")
        actions = boundaries.add_subparsers(dest="action", required=True)
        load = actions.add_parser(
            "load",
            help="muat batas kecamatan/desa dari GeoJSON (BIG / Ina-Geoportal; Shapefile: ubah dulu ke GeoJSON)",
        )
        load.add_argument("file", help="berkas GeoJSON FeatureCollection, kode Kemendagri pada properti kode/KDEPUM")

    def handle(self, *args: Any, **o: Any) -> None:
        area = str(settings.AREA_CODE)
        try:
            got = services.load_boundaries(o["file"], area)
        except USER_ERRORS as exc:
            raise CommandError(user_message(exc), returncode=2) from None
        kec = sum(1 for f in got.features if f.level == 3)
        desa = len(got.features) - kec
        self.stdout.write(f"Batas wilayah dimuat: {kec} kecamatan, {desa} desa/kelurahan.")
        if got.unmatched:
            self.stdout.write(f"{len(got.unmatched)} fitur tidak cocok (tidak dimuat):")
            for u in got.unmatched[:SHOW_UNMATCHED]:
                name = f" {u.name}" if u.name else ""
                self.stdout.write(f"  fitur ke-{u.number}: {u.code}{name} — {u.reason}")
            if len(got.unmatched) > SHOW_UNMATCHED:
                self.stdout.write(f"  … dan {len(got.unmatched) - SHOW_UNMATCHED} lagi")

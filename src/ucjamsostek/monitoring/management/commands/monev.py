"""``ucjamsostek monev seed|refresh|token`` — monitoring housekeeping.

* ``seed [--year 2026]`` — indicator definitions, the Inpres checklist, the default target;
* ``refresh --period 2025-S1`` — compute indicator values from the records (for cron);
* ``show --period 2025-07 [--area 74.13.01] [--json]`` — every indicator of the dictionary for a
  period and area, the same figures as the dashboard, the report and the API (computed first when
  the period has not been);
* ``token USERNAME NAME`` — create an API token for a user (printed once);
* ``workforce FILE`` — load coverage denominators from a csv with columns
  ``kode_wilayah,tahun,jumlah_pekerja,sumber`` and optionally ``rincian`` (``category:BPU``, …); one
  row per area, year and breakdown; loading again updates.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from ucjamsostek.accounts.permissions import SYSTEM
from ucjamsostek.core import filelimits
from ucjamsostek.core import indicators as ind
from ucjamsostek.core.errors import UserError
from ucjamsostek.core.intake import read_records
from ucjamsostek.monitoring import selectors, services
from ucjamsostek.monitoring.services import load_workforce


class Command(BaseCommand):
    help = "Monitoring: seed, refresh (hitung ulang indikator), token (buat token API)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        s = sub.add_parser("seed")
        s.add_argument("--year", type=int, default=None)
        r = sub.add_parser("refresh")
        r.add_argument("--period", default=None, help="bawaan: bulan ini")
        sh = sub.add_parser("show", help="angka setiap indikator kamus untuk satu periode dan wilayah")
        sh.add_argument("--period", default=None, help="2026-01, 2025-S1 atau 2026 (bawaan: bulan ini)")
        sh.add_argument("--area", default=None, help="kode wilayah (bawaan: seluruh wilayah)")
        sh.add_argument("--json", action="store_true", help="keluaran JSON (Rupiah dan jumlah bilangan bulat)")
        t = sub.add_parser("token")
        t.add_argument("username")
        t.add_argument("name")
        w = sub.add_parser("workforce")
        w.add_argument("file")

    def handle(self, *args: Any, **opts: Any) -> None:

        if opts["action"] == "seed":
            got = services.seed_monitoring(opts["year"])
            self.stdout.write(
                f"{got['indicators']} indikator baru/diperbarui; {got['actions']} butir rencana aksi baru; "
                f"{got['targets']} target baru"
            )
        elif opts["action"] == "refresh":
            try:
                period = ind.parse_period(opts["period"] or selectors.default_period()).code
            except ind.PeriodError as exc:
                raise CommandError(str(exc)) from exc
            snap = services.refresh(period)
            self.stdout.write(f"Indikator {period} dihitung ({snap.seconds:.1f} detik)")
        elif opts["action"] == "show":
            self._show(opts["period"], opts["area"], opts["json"])
        elif opts["action"] == "workforce":
            self._workforce(opts["file"])
        elif opts["action"] == "token":
            user = get_user_model().objects.filter(username=opts["username"]).first()
            if user is None:
                raise CommandError(f"Pengguna {opts['username']!r} tidak ada")
            _, key = services.create_api_token(user, opts["name"])
            self.stdout.write(key)

    def _show(self, period_text: str | None, area: str | None, as_json: bool) -> None:
        try:
            period = ind.parse_period(period_text or selectors.default_period()).code
        except ind.PeriodError as exc:
            raise CommandError(str(exc), returncode=2) from None
        root = str(settings.AREA_CODE)
        code = area or root
        if not (code == root or code.startswith(root + ".")) or not selectors.region_exists(code):
            raise CommandError(f"Kode wilayah {code!r} tidak dikenal di wilayah {root}.", returncode=2)
        with translation.override("id"):
            lk = selectors.lookup_for(selectors.area_of_code(code), period, compute=True)
            assert lk is not None  # compute=True
            figures = lk.figures()
            if as_json:
                out = {
                    "period": lk.period.code,
                    "area_code": lk.area,
                    "computed_at": lk.snapshot.computed_at.isoformat(),
                    "figures": [f.as_dict() for f in figures],
                }
                self.stdout.write(json.dumps(out, ensure_ascii=False, indent=1))
                return
            self.stdout.write(f"{lk.period.label}, wilayah {code} (dihitung {lk.snapshot.computed_at:%d-%m-%Y %H:%M})")
            for f in figures:
                self.stdout.write(f"{f.code:<24} {f.definition.name.id}: {f.text} ({f.window})")

    def _workforce(self, path: str) -> None:
        rows = read_records(path, kind=filelimits.WORKFORCE)
        try:
            n = load_workforce(SYSTEM, rows)
        except UserError as exc:
            raise CommandError(f"{path}: {exc}", returncode=2) from None
        self.stdout.write(f"{n} baris jumlah pekerja dimuat")

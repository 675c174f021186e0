"""``ucjamsostek monev seed|refresh|token`` — monitoring housekeeping.

* ``seed [--year 2026]`` — indicator definitions, the Inpres checklist, the default target;
* ``refresh --period 2025-S1`` — compute indicator values from the records (for cron);
* ``token USERNAME NAME`` — create an API token for a user (printed once);
* ``workforce FILE`` — load coverage denominators from a csv with columns
  ``kode_wilayah,tahun,jumlah_pekerja,sumber`` and optionally ``rincian`` (``category:BPU``, …); one
  row per area, year and breakdown; loading again updates.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

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
        elif opts["action"] == "workforce":
            self._workforce(opts["file"])
        elif opts["action"] == "token":
            user = get_user_model().objects.filter(username=opts["username"]).first()
            if user is None:
                raise CommandError(f"Pengguna {opts['username']!r} tidak ada")
            _, key = services.create_api_token(user, opts["name"])
            self.stdout.write(key)

    def _workforce(self, path: str) -> None:
        rows = read_records(path, kind=filelimits.WORKFORCE)
        try:
            n = load_workforce(SYSTEM, rows)
        except UserError as exc:
            raise CommandError(f"{path}: {exc}", returncode=2) from None
        self.stdout.write(f"{n} baris jumlah pekerja dimuat")

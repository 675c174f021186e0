"""``ucjamsostek claims import FILE`` and ``claims summary``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ucjamsostek.accounts.permissions import SYSTEM
from ucjamsostek.agreements.management.commands._common import rp, run
from ucjamsostek.claims import selectors, services


class Command(BaseCommand):
    help = "Klaim BPJS (JKK, JKM, beasiswa): import, summary"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["import", "summary"])
        parser.add_argument("file", nargs="?")

    def handle(self, *args: Any, **o: Any) -> None:
        out = self.stdout.write
        if o["action"] == "import":
            if not o["file"]:
                raise CommandError("gunakan: claims import BERKAS", returncode=2)
            r = run(lambda: services.import_claims(SYSTEM, o["file"]))
            out(
                f"Klaim baru {r.created}, diperbarui {r.updated}; tanpa perlindungan pada tanggal kejadian "
                f"{r.uncovered}; NIK tidak ada di data penduduk {len(r.unknown_person)}."
            )
            if r.unknown_person:
                out("  baris: " + ", ".join(str(x) for x in r.unknown_person[:50]))
            return
        a = selectors.analytics(SYSTEM)
        out(f"{a.total_claims} klaim senilai {rp(a.total_amount)}; {a.uncovered} tanpa perlindungan.")
        for t in a.by["type"]:
            out(f"  {t['type']}: {t['claims']} klaim, {rp(t['amount'])}")
        for y in a.ratio:
            ratio = f"{y['ratio_percent']}%" if y["ratio_percent"] else "—"
            out(f"  {y['year']}: manfaat {rp(y['benefits'])} / iuran {rp(y['contributions'])} = {ratio}")
        out(f"  hari dari kejadian sampai dibayar: median {a.lag['median']}, p90 {a.lag['p90']}")

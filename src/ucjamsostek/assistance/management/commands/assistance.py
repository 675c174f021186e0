"""``ucjamsostek assistance import FILE [--programme CODE]`` and ``assistance list``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ucjamsostek.accounts.permissions import SYSTEM
from ucjamsostek.agreements.management.commands._common import rp, run
from ucjamsostek.assistance import selectors, services
from ucjamsostek.core.assistance import REASON_LABELS


class Command(BaseCommand):
    help = "Bantuan (BSU dan lainnya): import daftar penerima, list program"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["import", "list"])
        parser.add_argument("file", nargs="?")
        parser.add_argument("--programme", help="kode program (mis. BSU2025) bila kolom Program tidak ada")

    def handle(self, *args: Any, **o: Any) -> None:
        out = self.stdout.write
        if o["action"] == "import":
            if not o["file"]:
                raise CommandError("gunakan: assistance import BERKAS [--programme KODE]", returncode=2)
            r = run(lambda: services.import_recipients(SYSTEM, o["file"], programme=o["programme"]))
            out(
                f"{r.programme.name}: {r.lines} penerima, memenuhi syarat {r.eligible}, tidak {r.not_eligible}; "
                f"tersalur {rp(r.disbursed_total)}."
            )
            for code, n in sorted(r.reasons.items()):
                out(f"  {REASON_LABELS.get(code, code)}: {n}")
            return
        for p in selectors.programmes(SYSTEM):
            out(
                f"{p.code}\t{p.name}\t{rp(p.amount_per_month)} x {p.months} bulan\t"
                f"penerima {getattr(p, 'recipients_count', 0)}\t"
                f"tersalur {rp(getattr(p, 'disbursed_total', 0))}"
            )

"""``ucjamsostek assistance import FILE [--programme CODE] [--replace]`` and ``assistance list``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ucjamsostek.accounts.permissions import SYSTEM
from ucjamsostek.agreements.management.commands._common import rp, run
from ucjamsostek.assistance import selectors, services
from ucjamsostek.core.assistance import ReasonTotal


class Command(BaseCommand):
    help = "Bantuan (BSU dan lainnya): import daftar penerima (ditambahkan sebagai tahap berikutnya), list program"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["import", "list"])
        parser.add_argument("file", nargs="?")
        parser.add_argument("--programme", help="kode program (mis. BSU2025) bila kolom Program tidak ada")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="ganti seluruh daftar program (semua tahap sebelumnya dihapus); tanpa ini berkas ditambahkan "
            "sebagai tahap berikutnya",
        )

    def handle(self, *args: Any, **o: Any) -> None:
        out = self.stdout.write
        if o["action"] == "import":
            if not o["file"]:
                raise CommandError("gunakan: assistance import BERKAS [--programme KODE] [--replace]", returncode=2)
            r = run(
                lambda: services.import_recipients(SYSTEM, o["file"], programme=o["programme"], replace=o["replace"])
            )
            if o["replace"]:
                out(f"{r.programme.name}: daftar lama ({r.replaced} baris) diganti.")
            out(
                f"{r.programme.name} tahap {r.batch.number}: {r.lines} baris, memenuhi syarat {r.eligible}, "
                f"tidak {r.not_eligible}; tersalur {r.payments} pembayaran kepada {r.people} orang, "
                f"{rp(r.disbursed_total)}."
            )
            self._reasons(r.at_stake)
            return
        for p in selectors.programmes(SYSTEM):
            t = selectors.totals(programme=p)
            out(
                f"{p.code}\t{p.name}\t{rp(p.amount_per_month)} x {p.months} bulan\t"
                f"baris {getattr(p, 'recipients_count', 0)}\t"
                f"penerima {t.people} orang ({t.payments} pembayaran)\ttersalur {rp(t.amount)}\t"
                f"tidak memenuhi syarat {t.flagged_payments} pembayaran, {rp(t.flagged_amount)}"
            )
            self._reasons(t.reasons)

    def _reasons(self, reasons: list[ReasonTotal]) -> None:
        for t in reasons:
            self.stdout.write(f"  {t.label}: {t.lines} baris, {t.people} orang; tersalur {rp(t.amount)}")

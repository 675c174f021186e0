"""``ucjamsostek claims import FILE`` and ``claims summary [--period P]``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ucjamsostek.accounts.permissions import SYSTEM
from ucjamsostek.agreements.management.commands._common import rp, run
from ucjamsostek.claims import selectors, services
from ucjamsostek.core.claims import FLAG_LABELS
from ucjamsostek.core.indicators import parse_period


class Command(BaseCommand):
    help = "Klaim BPJS (JKK, JKM, beasiswa): import, summary"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["import", "summary"])
        parser.add_argument("file", nargs="?")
        parser.add_argument(
            "--period",
            help="summary: klaim dibayar dalam periode ini (2025-07, 2025-S1 atau 2025) dan sejak awal "
            "program sampai akhir periode, seperti laporan Rakor Monev",
        )

    def handle(self, *args: Any, **o: Any) -> None:
        if o["action"] == "import":
            if not o["file"]:
                raise CommandError("gunakan: claims import BERKAS", returncode=2)
            self._import(run(lambda: services.import_claims(SYSTEM, o["file"])))
            return
        if o["period"]:
            period = run(lambda: parse_period(o["period"]))
            self._summary(
                selectors.analytics(SYSTEM, None, period.end), f"sejak awal program s.d. {period.last_day:%d-%m-%Y}"
            )
            self._summary(selectors.analytics(SYSTEM, period.start, period.end), f"periode {period.code}", brief=True)
            return
        self._summary(selectors.analytics(SYSTEM), "sejak awal program")

    def _import(self, r: services.ClaimImport) -> None:
        out = self.stdout.write
        out(
            f"Klaim baru {r.created}, diperbarui {r.updated}, tidak berubah {r.unchanged}; tanpa perlindungan "
            f"pada tanggal kejadian {r.uncovered}; ditandai {r.flagged} senilai {rp(r.flagged_total)} "
            "(tidak dihitung dalam total)."
        )
        for code, rows in r.flagged_rows.items():
            more = f" (dan {len(rows) - 50} lagi)" if len(rows) > 50 else ""
            out(
                f"  {FLAG_LABELS[code]}: {len(rows)} klaim, {rp(r.flagged_amounts[code])}; baris "
                + ", ".join(str(x) for x in rows[:50])
                + more
            )

    def _summary(self, a: selectors.ClaimAnalytics, label: str, *, brief: bool = False) -> None:
        out = self.stdout.write
        out(
            f"Klaim dibayar {label}: {a.total_claims} klaim senilai {rp(a.total_amount)}; "
            f"{a.uncovered} tanpa perlindungan."
        )
        for t in a.by["type"]:
            out(f"  {t['type']}: {t['claims']} klaim, {rp(t['amount'])}")
        if a.flagged_claims:
            out(f"  Ditandai, tidak dihitung: {a.flagged_claims} klaim senilai {rp(a.flagged_amount)}")
            for f in a.flags:
                out(f"    {f.label}: {f.claims} klaim, {rp(f.amount)}")
        if brief:
            return
        if a.in_process:
            out(f"  Belum dibayar (dalam proses): {a.in_process} klaim")
        for y in a.ratio:
            ratio = f"{y['ratio_percent']}%" if y["ratio_percent"] else "—"
            out(f"  {y['year']}: manfaat {rp(y['benefits'])} / iuran {rp(y['contributions'])} = {ratio}")
        out(f"  hari dari kejadian sampai dibayar: median {a.lag['median']}, p90 {a.lag['p90']}")

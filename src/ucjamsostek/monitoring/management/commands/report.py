"""``ucjamsostek report monev --period 2025-S1 --out laporan.pdf`` (or ``.xlsx``; ``--inpres`` for
the 6-monthly Inpres 2/2021 table set)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ucjamsostek.core import indicators as ind
from ucjamsostek.monitoring import reports, services


class Command(BaseCommand):
    help = "Menyusun laporan: 'monev' = laporan Rakor Monev (PDF atau xlsx) atau laporan Inpres (xlsx)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["monev"], help="jenis laporan")
        parser.add_argument("--period", required=True, help="2026-01, 2025-S1 atau 2026")
        parser.add_argument("--out", required=True, help="berkas keluaran: .pdf atau .xlsx")
        parser.add_argument("--inpres", action="store_true", help="laporan semesteran Inpres 2/2021 (xlsx)")
        parser.add_argument("--area", default=None, help="kode wilayah (bawaan: seluruh kabupaten)")
        parser.add_argument("--refresh", action="store_true", help="hitung ulang indikator dari data terlebih dahulu")

    def handle(self, *args: Any, **opts: Any) -> None:

        try:
            period = ind.parse_period(opts["period"]).code
        except ind.PeriodError as exc:
            raise CommandError(str(exc)) from exc
        out = Path(opts["out"])
        suffix = out.suffix.lower()
        if suffix not in (".pdf", ".xlsx"):
            raise CommandError(f"{out}: akhiran berkas harus .pdf atau .xlsx")
        if opts["inpres"] and suffix != ".xlsx":
            raise CommandError("Laporan Inpres dibuat sebagai .xlsx")
        if not out.parent.exists():
            raise CommandError(f"Folder {out.parent} tidak ada")
        t0 = time.monotonic()
        if opts["refresh"]:
            services.refresh(period)
        kind = "inpres" if opts["inpres"] else suffix[1:]
        _, data = reports.build(period, kind, opts["area"])
        out.write_bytes(data)
        size = f"{len(data):,}".replace(",", ".")
        seconds = f"{time.monotonic() - t0:.1f}".replace(".", ",")
        self.stdout.write(f"{out} ditulis ({size} bita, {seconds} detik)")

"""``ucjamsostek restore FILE [--force]``: put a backup back (see ``backups/services.py``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ucjamsostek.backups import services
from ucjamsostek.core.backupfile import BackupError


class Command(BaseCommand):
    help = (
        "Pulihkan cadangan buatan 'ucjamsostek backup' ke basis data dan folder unggahan yang dikonfigurasi. "
        "Berkas rusak atau asing ditolak; basis data yang berisi data hanya ditimpa dengan --force."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="berkas cadangan")
        parser.add_argument("--force", action="store_true", help="timpa basis data dan berkas yang sudah berisi data")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = services.restore_backup(
                options["file"], force=options["force"], say=lambda t: self.stdout.write(f"  {t}")
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(t["rows"] for t in manifest["tables"].values())
        self.stdout.write(
            f"Dipulihkan dari cadangan {manifest['created_at']}: {len(manifest['tables'])} tabel, {rows} baris, "
            "jumlah baris dan checksum setiap tabel cocok dengan manifes."
        )

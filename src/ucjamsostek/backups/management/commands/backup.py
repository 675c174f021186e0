"""``ucjamsostek backup --out FILE``: the database and the uploaded files in one checksummed archive."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ucjamsostek.backups import services
from ucjamsostek.core.backupfile import BackupError
from ucjamsostek.core.intake import file_sha256


class Command(BaseCommand):
    help = (
        "Cadangkan basis data (SQLite: API cadangan daring; PostgreSQL: pg_dump) dan berkas unggahan "
        "ke satu arsip bermanifes checksum. Kunci rahasia tidak ikut: simpan terpisah."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--out", required=True, type=Path, help="berkas cadangan yang ditulis (mis. cadangan.tar.gz)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        out: Path = options["out"]
        if out.is_dir():
            raise CommandError(f"--out {out} adalah folder; sebutkan nama berkas.")
        try:
            manifest = services.create_backup(out, say=lambda t: self.stdout.write(f"  {t}"))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        size = out.stat().st_size
        self.stdout.write(
            f"Cadangan ditulis: {out} ({size / 1e6:.1f} MB, {len(manifest['tables'])} tabel, "
            f"{len(manifest['files'])} berkas di dalamnya); SHA-256 {file_sha256(out)}"
        )

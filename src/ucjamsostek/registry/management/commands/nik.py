"""``ucjamsostek nik rotate-key --new-key-file FILE``: re-encrypt every stored NIK under a new key.

Every NIK column (``nikcrypt.nik_fields``) is re-encrypted from the key in use to the key in
FILE in one transaction; then FILE's key becomes the one in use: copied into the NIK key file
(``UCJAMSOSTEK_NIK_KEY_FILE``, default ``<data dir>/nik_key``, mode 600), or, when the key comes
from ``UCJAMSOSTEK_NIK_KEY``, the command says to set that variable to the new key. A FILE that
does not exist is created with a new random key (mode 600)."""

from __future__ import annotations

import secrets
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ucjamsostek import config, nikcrypt


class Command(BaseCommand):
    help = "Kunci NIK: rotate-key mengenkripsi ulang semua NIK tersimpan dengan kunci baru."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["rotate-key"], help="rotate-key: ganti kunci enkripsi NIK")
        parser.add_argument(
            "--new-key-file",
            required=True,
            type=Path,
            help="berkas kunci baru (mode 600, paling sedikit 32 karakter); dibuat dengan kunci acak bila belum ada",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source: Path = options["new_key_file"].resolve()
        try:
            if not source.exists():
                config.write_key_file(source, secrets.token_urlsafe(50))
            new_key = config.read_key_file(source).encode()
        except config.ConfigError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        except OSError as exc:
            raise CommandError(f"berkas kunci baru {source} tidak dapat dibaca/dibuat: {exc}", returncode=2) from exc
        if new_key == settings.NIK_KEY:
            raise CommandError("kunci baru sama dengan kunci yang dipakai: tidak ada yang diubah.", returncode=2)
        started = time.monotonic()
        try:
            changed = nikcrypt.rotate_key(new_key)
        except nikcrypt.NIKKeyError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        rows = sum(changed.values())
        seconds = time.monotonic() - started
        if config.env_str("UCJAMSOSTEK_NIK_KEY", ""):
            self.stdout.write(
                f"{rows} nilai NIK dienkripsi ulang dalam {seconds:.1f} detik. Kunci NIK berasal dari "
                f"UCJAMSOSTEK_NIK_KEY: setel variabel itu ke isi {source} sekarang, lalu mulai ulang layanan."
            )
            return
        target = config.nik_key_file()
        config.write_key_file(target, new_key.decode())
        settings.NIK_KEY = new_key
        nikcrypt.key_changed()
        self.stdout.write(
            f"{rows} nilai NIK dienkripsi ulang dalam {seconds:.1f} detik; kunci baru kini dipakai ({target}). "
            "Mulai ulang layanan dan simpan salinan kunci baru di tempat terpisah."
        )

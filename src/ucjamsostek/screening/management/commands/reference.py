"""``ucjamsostek reference load KIND FILE`` and ``ucjamsostek reference list`` (DESIGN.md §5.2)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from ucjamsostek.accounts.permissions import SYSTEM
from ucjamsostek.core.replacement import ReplacementNeedsConfirmation
from ucjamsostek.errors import USER_ERRORS, user_message
from ucjamsostek.screening import queries, services
from ucjamsostek.screening.models import ReferenceKind


class Command(BaseCommand):
    help = "Daftar rujukan validasi: muat (enrolled, deaths, asn) atau tampilkan versinya."

    def add_arguments(self, parser: CommandParser) -> None:
        # Plain positionals rather than sub-parsers: the console script appends options at the end.
        parser.add_argument("action", choices=["load", "list"], help="load: muat berkas; list: semua versi")
        parser.add_argument("kind", nargs="?", choices=ReferenceKind.values, help="enrolled, deaths atau asn")
        parser.add_argument("file", nargs="?", help="berkas csv atau xlsx dengan kolom nik (nama, tanggal_lahir)")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="ganti daftar aktif walaupun daftar baru jauh lebih kecil atau sebagian besar berulang",
        )
        parser.add_argument("--no-progress", action="store_true", help="tanpa bilah kemajuan")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            self._list()
            return
        if not options["kind"] or not options["file"]:
            raise CommandError("gunakan: ucjamsostek reference load JENIS BERKAS (JENIS: enrolled, deaths, asn)")
        path = Path(options["file"])
        bar = tqdm(
            total=100,
            desc="Memuat",
            unit="%",
            disable=True if options["no_progress"] else None,
            file=sys.stderr,
            leave=False,
        )

        def progress(stage: str, fraction: float) -> None:
            bar.set_description(stage)
            bar.update(round(fraction * 100) - bar.n)

        try:
            ref = services.load_reference(
                options["kind"], path, actor=SYSTEM, progress=progress, replace=options["replace"]
            )
        except ReplacementNeedsConfirmation as exc:
            bar.close()
            raise CommandError(f"{exc} Tambahkan --replace untuk tetap mengganti.", returncode=2) from None
        except USER_ERRORS as exc:
            bar.close()
            raise CommandError(user_message(exc), returncode=2) from None
        bar.close()
        self.stdout.write(
            f"Daftar rujukan {ref.kind} versi {ref.version} dimuat: {ref.entry_count} entri dari {ref.file_name}."
            + (" Versi sebelumnya disimpan (tidak aktif)." if ref.version > 1 else "")
        )

    def _list(self) -> None:
        for ref in queries.reference_lists():
            mark = "aktif" if ref.active else "arsip"
            when = ref.loaded_at.strftime("%Y-%m-%d %H:%M")
            who = ref.loaded_by.get_username() if ref.loaded_by else "-"
            self.stdout.write(
                f"{ref.kind:<9} v{ref.version:<3} {mark:<6} {ref.entry_count:>8} entri  {when}  {who}  {ref.file_name}"
            )

"""``ucjamsostek crossfund FILE... --out DIR [--as-of YYYY-MM-DD] [--save]``

Compares the roster files of several funders (``ucjamsostek roster export`` of each deployment):
people covered by two or more funders in the same months, per funder pair and region. Writes
``DIR/pasangan-dana-ganda.csv`` (one line per person-pair) and ``DIR/ringkasan-dana-ganda.xlsx``.
Every file is checked before anything is computed; a bad file gives one located Bahasa message
and exit code 2, and no output is written. ``--save`` also stores the run for the web page.
"""

from __future__ import annotations

import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from ucjamsostek.accounts.permissions import SYSTEM
from ucjamsostek.agreements.management.commands._common import parse_date, rp, run
from ucjamsostek.crossfund import services
from ucjamsostek.jobs.services import StagedProgress


class Command(BaseCommand):
    help = "Penduduk yang dibiayai lebih dari satu sumber dana pada bulan yang sama (dari daftar peserta)."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", help="daftar peserta (csv hasil roster export), paling sedikit dua")
        parser.add_argument("--out", required=True, help="folder keluaran")
        parser.add_argument(
            "--as-of",
            dest="as_of",
            help="periode tanpa tanggal akhir dihitung sampai bulan ini (YYYY-MM-DD; bawaan: hari ini)",
        )
        parser.add_argument("--save", action="store_true", help="simpan hasil untuk halaman web")
        parser.add_argument("--no-progress", action="store_true", help="tanpa bilah kemajuan")

    def handle(self, *args: Any, **o: Any) -> None:
        when = parse_date(o["as_of"], "--as-of") or date.today()
        bar = tqdm(total=100, unit="%", disable=o["no_progress"], file=sys.stderr, leave=False)

        def show(stage: str, fraction: float) -> None:
            bar.set_description(stage)
            bar.update(max(0, round(fraction * 100) - bar.n))

        stages = StagedProgress(show, services.STAGES, labels=services.STAGE_LABELS)
        t0 = time.monotonic()
        out = Path(o["out"])
        try:
            result = run(lambda: services.compare(o["files"], out, as_of=when, progress=stages))
        except OSError as exc:
            raise CommandError(f"tidak dapat menulis keluaran: {exc.strerror or exc}", returncode=2) from None
        finally:
            bar.close()
        seconds = time.monotonic() - t0
        t = result.totals()
        self.stdout.write(
            f"{t['people']} orang dibiayai lebih dari satu sumber dana pada bulan yang sama: {t['pairs']} pasangan, "
            f"{t['months']} bulan, {rp(t['rupiah_twice'])} dibayar ganda ({seconds:.1f} detik). Keluaran: {out}"
        )
        if o["save"]:
            saved = run(
                lambda: services.save_run(
                    SYSTEM, result, out, files=[Path(f).name for f in o["files"]], as_of=when, seconds=seconds
                )
            )
            self.stdout.write(f"Disimpan sebagai perbandingan #{saved.pk}.")

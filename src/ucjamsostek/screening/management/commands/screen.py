"""``ucjamsostek screen FILE --out DIR [--as-of YYYY-MM-DD] [--segment CODE] [--sheet NAME] [--save]
[--engine duckdb|spark]``

Screens a nomination file against the database's regions, reference lists, registry and stored
review decisions (read-only unless ``--save``) and writes ``DIR/rows.csv``, ``DIR/summary.json``
and ``DIR/hasil-validasi.xlsx`` (DESIGN.md §5.3). ``--save`` stores the batch as a web upload does,
with copies of those files as its downloads. A file that cannot be read gives one located
message in Bahasa Indonesia and exit code 2; the outputs appear all together or not at all.

``--engine spark`` scores the linkage's pairs with Splink's Spark backend (the same model, rules
and results; ``UCJAMSOSTEK_SPARK_MASTER``, default ``local[*]``; needs ``pip install -e .[spark]``
and Java 17); Spark that cannot start is one message and exit code 2 as well.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from ucjamsostek.accounts.permissions import SYSTEM
from ucjamsostek.core.intake import IntakeError
from ucjamsostek.core.linkage import DEFAULT_ENGINE, ENGINES
from ucjamsostek.core.linkage_spark import SparkUnavailable
from ucjamsostek.core.screen import ScreeningOptions, screen_file, write_outputs
from ucjamsostek.screening.selectors import screening_context
from ucjamsostek.screening.services import save_batch_with_outputs

#: Above this many rows the xlsx report is not written unless ``--report`` (it would dominate the run).
REPORT_MAX_ROWS = 200_000


def _as_of(text: str | None) -> date:
    if not text:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--as-of harus bertanggal YYYY-MM-DD, bukan {text!r}", returncode=2) from None


class Command(BaseCommand):
    help = "Validasi berkas usulan (xlsx, xls, csv): tulis rows.csv, summary.json dan hasil-validasi.xlsx."
    # A batch job: Django's system checks (URL configuration and all) would cost seconds per run.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="berkas usulan (xlsx, xls atau csv)")
        parser.add_argument("--out", required=True, help="folder keluaran")
        parser.add_argument("--as-of", dest="as_of", help="tanggal acuan usia, YYYY-MM-DD (bawaan: hari ini)")
        parser.add_argument("--segment", help="segmen bawaan untuk baris tanpa kolom segmen")
        parser.add_argument("--sheet", help="nama lembar (bawaan: lembar pertama)")
        parser.add_argument("--save", action="store_true", help="simpan hasil sebagai batch usulan di basis data")
        parser.add_argument(
            "--report",
            choices=["auto", "yes", "no"],
            default="auto",
            help=f"tulis hasil-validasi.xlsx (auto: hanya sampai {REPORT_MAX_ROWS:,} baris)".replace(",", "."),
        )
        parser.add_argument("--no-progress", action="store_true", help="tanpa bilah kemajuan")
        parser.add_argument(
            "--engine",
            choices=ENGINES,
            default=DEFAULT_ENGINE,
            help="mesin pencocokan data (bawaan duckdb; spark: UCJAMSOSTEK_SPARK_MASTER, bawaan local[*])",
        )

    def handle(self, *args: Any, **options: Any) -> None:

        path = Path(options["file"])
        when = _as_of(options["as_of"])
        opts = ScreeningOptions(
            as_of=when,
            age_min=settings.PROGRAMME_AGE_MIN,
            age_max=settings.PROGRAMME_AGE_MAX,
            segment=options["segment"] or None,
            sheet=options["sheet"] or None,
            engine=options["engine"],
        )
        bar = tqdm(total=100, unit="%", disable=options["no_progress"], file=sys.stderr, leave=False)

        def progress(stage: str, fraction: float) -> None:
            bar.set_description(stage)
            bar.update(max(0, round(fraction * 100) - bar.n))

        def scaled(lo: float, hi: float) -> Any:
            return lambda stage, fraction: progress(stage, lo + (hi - lo) * fraction)

        try:
            progress("menyiapkan data rujukan", 0.0)
            ctx = screening_context(when)
            result = screen_file(path, ctx, opts, progress=scaled(0.02, 0.7), source_name=path.name)
            rows = result.rows.height
            want_report = options["report"] == "yes" or (options["report"] == "auto" and rows <= REPORT_MAX_ROWS)
            if not want_report:
                result.summary["report"] = (
                    f"hasil-validasi.xlsx tidak ditulis untuk {rows} baris (batas {REPORT_MAX_ROWS}); "
                    "gunakan --report yes"
                )
            written = write_outputs(
                result, options["out"], source_name=path.name, report=want_report, progress=scaled(0.7, 0.95)
            )
            if options["save"]:
                self._save(result, path, list(written.values()), when, options["segment"])
        except (IntakeError, SparkUnavailable) as exc:
            bar.close()
            raise CommandError(str(exc), returncode=2) from None
        except OSError as exc:
            bar.close()
            raise CommandError(f"tidak dapat menulis keluaran: {exc.strerror or exc}", returncode=2) from None
        progress("selesai", 1.0)
        bar.close()
        s = result.summary
        self.stdout.write(
            f"{s['input_rows']} baris divalidasi: {s['eligible']} layak, {s['review']} perlu ditinjau, "
            f"{s['rejected']} ditolak ({s['seconds']:.1f} detik). Keluaran: {options['out']}"
        )

    def _save(self, result: Any, path: Path, outputs: list[Path], when: date, segment: str | None) -> None:
        """Store the batch as an upload does, with copies of the outputs just written as its downloads."""

        batch = save_batch_with_outputs(
            result,
            outputs,
            source_name=path.stem,
            file_path=path,
            file_name=path.name,
            actor=SYSTEM,
            as_of=when,
            segment=segment,
        )
        self.stdout.write(f"Disimpan sebagai batch usulan #{batch.pk}.")

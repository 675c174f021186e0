"""``ucjamsostek roster export --out FILE``: this deployment's roster in the one format every
deployment exports for a cross-funder comparison (``core/crossfund.py`` describes the columns)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ucjamsostek.accounts.permissions import SYSTEM
from ucjamsostek.agreements.management.commands._common import run
from ucjamsostek.crossfund import services


class Command(BaseCommand):
    help = "Daftar peserta (roster) untuk perbandingan antarsumber dana: export"
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["export"])
        parser.add_argument("--out", required=True, help="berkas csv keluaran")

    def handle(self, *args: Any, **o: Any) -> None:
        rows = run(lambda: services.export_roster(SYSTEM, o["out"]))
        self.stdout.write(f"{rows} baris daftar peserta ditulis ke {o['out']}.")

"""``ucjamsostek jobs list``: recent background jobs and their state."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ucjamsostek.jobs import selectors


class Command(BaseCommand):
    help = "Daftar pekerjaan latar belakang (unggahan, validasi) dan statusnya."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["list"], help="list: pekerjaan terbaru")
        parser.add_argument("--limit", type=int, default=20)

    def handle(self, *args: Any, **options: Any) -> None:
        for job in selectors.recent_jobs(options["limit"]):
            who = job.created_by.get_username() if job.created_by else "-"
            when = job.created_at.strftime("%Y-%m-%d %H:%M")
            line = f"#{job.pk:<5} {when}  {job.kind:<20} {job.status:<8} {job.percent:>3}%  {who}  {job.stage}"
            self.stdout.write(line.rstrip())
            if job.status == "failed" and job.message:
                self.stdout.write(f"       {job.message}")

"""``ucjamsostek worker [--interval S] [--batch] [--max-tasks N]``: run background jobs.

Takes jobs from the durable queue in the database (django-tasks' database backend, its worker
loop: ``jobs/queue.py``) one at a time, for as long as it runs; start as many as the machine has cores to spare.
At start, and every ``JOBS_SWEEP_SECONDS`` from a heartbeat thread, it fails the running jobs of
workers that died (``jobs.services.sweep_stale_jobs``). SIGTERM/SIGINT stop it after the current
job (a second one stops the job too, which is then marked failed).
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, connection

from ucjamsostek.jobs import services as jobs
from ucjamsostek.jobs.queue import QueueWorker

logger = logging.getLogger("ucjamsostek.jobs.worker")


class Heartbeat(threading.Thread):
    """Writes this worker's heartbeat and sweeps stale jobs until stopped (its own DB connection)."""

    def __init__(self) -> None:
        super().__init__(name="worker-heartbeat", daemon=True)
        self.stopping = threading.Event()

    def run(self) -> None:
        beats_per_sweep = max(1, round(settings.JOBS_SWEEP_SECONDS / settings.JOBS_HEARTBEAT_SECONDS))
        beat = 0
        try:
            while not self.stopping.wait(settings.JOBS_HEARTBEAT_SECONDS):
                beat += 1
                try:
                    jobs.heartbeat()
                    if beat % beats_per_sweep == 0:
                        jobs.sweep_stale_jobs()
                except DatabaseError as exc:  # busy or briefly unreachable: try again at the next beat
                    logger.warning("worker heartbeat failed: %s", type(exc).__name__)
        finally:
            connection.close()


class Command(BaseCommand):
    help = "Jalankan pekerjaan latar belakang (validasi unggahan, laporan, hitung ulang indikator) dari antrean."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=1.0, help="detik menunggu saat antrean kosong (bawaan 1)")
        parser.add_argument("--batch", action="store_true", help="jalankan antrean yang ada lalu berhenti")
        parser.add_argument("--max-tasks", type=int, default=None, help="berhenti setelah N pekerjaan")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.JOBS_RUN_INLINE:
            raise CommandError("UCJAMSOSTEK_JOBS_INLINE=true: pekerjaan dijalankan langsung, tanpa antrean.")
        if options["interval"] < 0 or (options["max_tasks"] is not None and options["max_tasks"] < 1):
            raise CommandError("--interval tidak boleh negatif dan --max-tasks minimal 1.")
        worker = QueueWorker(
            worker_id=jobs.runner_id(),
            interval=options["interval"],
            batch=options["batch"],
            max_tasks=options["max_tasks"],
        )
        worker.configure_signals()  # from here SIGTERM stops cleanly (after the current job)
        beat = Heartbeat()
        try:
            jobs.heartbeat()
            swept = jobs.sweep_stale_jobs()
            logger.info("worker %s started; %d stale job(s) failed", jobs.runner_id(), len(swept))
            beat.start()
            worker.run()
        finally:
            beat.stopping.set()
            if beat.is_alive():
                beat.join(timeout=10)
            jobs.worker_stopped()
            logger.info("worker %s stopped", jobs.runner_id())

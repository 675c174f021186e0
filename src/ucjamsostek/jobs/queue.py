"""The worker loop over the durable queue: django-tasks' database worker, made to wait out a busy
SQLite database instead of stopping (its loop only tolerates a lock while picking a task, not while
opening the transaction that picks it — a long write elsewhere, e.g. a big import, then ended
the process)."""

from __future__ import annotations

import logging
import time

from django.db import OperationalError
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, DEFAULT_TASK_QUEUE_NAME
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.utils import is_locked_database_exception

logger = logging.getLogger(__name__)


class QueueWorker(Worker):
    """Takes queued jobs one at a time until stopped (``running`` false) or, with ``batch``, the
    queue is empty."""

    def __init__(self, *, worker_id: str, interval: float = 1.0, batch: bool = False, max_tasks: int | None = None):
        super().__init__(
            queue_names=[DEFAULT_TASK_QUEUE_NAME],
            interval=interval,
            batch=batch,
            backend_name=DEFAULT_TASK_BACKEND_ALIAS,
            startup_delay=False,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=[],
        )

    def run(self) -> None:
        while True:
            try:
                super().run()
                return
            except OperationalError as exc:
                if not is_locked_database_exception(exc) or not self.running:
                    raise
                logger.warning("job queue: database busy, trying again")
                time.sleep(max(self.interval, 0.5))

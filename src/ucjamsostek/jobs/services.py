"""Background jobs: run a function in a thread of this process with visible progress.

Small offices run one process, so a thread is enough: the job row is the shared state that pages
poll (``selectors.job_status``). ``start`` creates the row and launches the thread only after the
surrounding transaction commits; the thread closes its database connection at the end and turns
every exception into status *failed* with one clear Indonesian message — never a crash, never a
half-finished "running" job.
"""

from __future__ import annotations

import logging
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import OperationalError, close_old_connections, connection, transaction
from django.utils import timezone

from ucjamsostek.jobs.models import Job

logger = logging.getLogger(__name__)

#: Minimal seconds between two progress writes of one job (stage changes are always written).
PROGRESS_INTERVAL = 0.3

UNEXPECTED_MESSAGE = (
    "Terjadi kesalahan yang tidak terduga saat memproses (pekerjaan #{id}). "
    "Tidak ada data yang disimpan; hubungi admin dan sebutkan nomor pekerjaan ini."
)


class JobError(Exception):
    """A failure the user can act on; its message (Indonesian, located) is shown as it is, and
    ``result`` (JSON) is kept on the job so a page can offer the next step (e.g. map columns)."""

    def __init__(self, message: str, result: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.result = result or {}


@dataclass
class JobContext:
    """What a job function receives: the job id, who started it, and a throttled progress callback."""

    job_id: int
    user_id: int | None
    _last_write: float = 0.0
    _last_stage: str = ""
    _last_fraction: float = -1.0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def progress(self, stage: str, fraction: float) -> None:
        """Report ``stage`` (Indonesian text) and the whole job's ``fraction`` done (0–1).

        Writes the job row at most every ``PROGRESS_INTERVAL`` seconds unless the stage changed.
        Inside an atomic block the write waits for the commit, so stages that write data should
        report before they open their transaction.
        """
        fraction = max(0.0, min(1.0, float(fraction)))
        now = time.monotonic()
        with self._lock:
            if stage == self._last_stage and now - self._last_write < PROGRESS_INTERVAL:
                return
            if stage == self._last_stage and fraction == self._last_fraction:
                return
            self._last_write, self._last_stage, self._last_fraction = now, stage, fraction
        try:
            Job.objects.filter(pk=self.job_id).update(stage=stage[:200], progress=fraction)
        except OperationalError:  # progress is best effort: a busy database must not stop the work
            pass


class StagedProgress:
    """Turn a worker's per-stage progress (``stage``, 0–1 within that stage) into one forward-only
    bar between ``start`` and ``end``: ``stages`` gives the known stages in order with their
    relative weights; an unknown stage keeps the bar where it is but shows its name."""

    def __init__(
        self,
        report: Callable[[str, float], None],
        stages: list[tuple[str, float]],
        start: float = 0.0,
        end: float = 1.0,
        labels: dict[str, str] | None = None,
    ) -> None:
        self.report, self.start, self.end = report, start, end
        self.labels = labels or {}
        total = sum(w for _, w in stages) or 1.0
        self.offsets: dict[str, tuple[float, float]] = {}
        done = 0.0
        for name, weight in stages:
            self.offsets[name] = (done / total, weight / total)
            done += weight
        self.last = start

    def __call__(self, stage: str, fraction: float) -> None:
        if stage in self.offsets:
            offset, weight = self.offsets[stage]
            overall = self.start + (self.end - self.start) * (offset + weight * max(0.0, min(1.0, fraction)))
            self.last = max(self.last, overall)
        self.report(self.labels.get(stage, stage), self.last)


JobFunc = Callable[..., dict[str, Any] | None]


def start(kind: str, func: JobFunc, *args: Any, user: Any = None, **kwargs: Any) -> Job:
    """Create a queued job and run ``func(ctx, *args, **kwargs)`` in a background thread.

    ``func`` returns a JSON-able dict kept as the job's result (or None). The thread starts when
    the current transaction commits (at once outside one). With the setting ``JOBS_RUN_INLINE``
    true (tests, one-shot commands) the job runs at once in the calling thread instead.
    """
    job = Job.objects.create(kind=kind, created_by=user if getattr(user, "pk", None) else None)
    user_id = job.created_by_id

    if getattr(settings, "JOBS_RUN_INLINE", False):
        _execute(job.pk, user_id, func, args, kwargs)
        job.refresh_from_db()
        return job

    def launch() -> None:
        thread = threading.Thread(
            target=_run_in_thread, args=(job.pk, user_id, func, args, kwargs), name=f"job-{job.pk}", daemon=True
        )
        thread.start()

    transaction.on_commit(launch)
    return job


def _run_in_thread(job_id: int, user_id: int | None, func: JobFunc, args: tuple, kwargs: dict) -> None:
    close_old_connections()
    try:
        _execute(job_id, user_id, func, args, kwargs)
    finally:
        connection.close()


def _execute(job_id: int, user_id: int | None, func: JobFunc, args: tuple, kwargs: dict) -> None:
    ctx = JobContext(job_id=job_id, user_id=user_id)
    try:
        _update(job_id, status=Job.Status.RUNNING, started_at=timezone.now())
        result = func(ctx, *args, **kwargs) or {}
    except Exception as exc:  # every failure ends as a failed job with a clear message
        message = user_message(exc)
        if message is None:
            # Type and stack only: exception texts may carry personal data (names, NIK).
            logger.error(
                "job %s failed with %s\n%s", job_id, type(exc).__name__, "".join(traceback.format_tb(exc.__traceback__))
            )
            message = UNEXPECTED_MESSAGE.format(id=job_id)
        _finish(job_id, Job.Status.FAILED, message, exc.result if isinstance(exc, JobError) else {})
        return
    message = str(result.pop("message", "")) if isinstance(result, dict) else ""
    _finish(job_id, Job.Status.DONE, message, result)


def _finish(job_id: int, status: str, message: str, result: dict[str, Any]) -> None:
    fields: dict[str, Any] = {"status": status, "message": message, "result": result, "finished_at": timezone.now()}
    if status == Job.Status.DONE:
        fields.update(progress=1.0, stage="Selesai")
    try:
        _update(job_id, **fields)
    except Exception as exc:  # the database itself failed: nothing more can be recorded
        logger.error("job %s could not record its end: %s", job_id, type(exc).__name__)


def _update(job_id: int, **fields: Any) -> None:
    """Write the job's state, retrying a few seconds while SQLite reports the table locked (a page
    polling the job at the same moment; with WAL on a file database this is rare)."""
    for attempt in range(50):
        try:
            Job.objects.filter(pk=job_id).update(**fields)
            return
        except OperationalError as exc:
            if "locked" not in str(exc) or attempt == 49:
                raise
            time.sleep(0.1)


def user_message(exc: BaseException) -> str | None:
    """The Indonesian message to show for a known failure, None for an unexpected one."""
    if isinstance(exc, JobError):
        return str(exc)
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return None


def wait(job_id: int, timeout: float = 60.0, interval: float = 0.25) -> Job:
    """Block until the job finished (or ``timeout`` seconds passed) and return it (tests, commands)."""
    deadline = time.monotonic() + timeout
    while True:
        job = Job.objects.get(pk=job_id)
        if job.finished or time.monotonic() > deadline:
            return job
        time.sleep(interval)

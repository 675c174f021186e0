"""Background jobs: long work runs outside the web request, from a durable queue, with progress.

``start`` creates the job row (what pages poll, ``selectors.job_status``) and, in the same
transaction, its entry in the durable queue in the database (django-tasks with its database
backend: it works on SQLite, the default deployment, and on PostgreSQL). ``ucjamsostek worker``
(``management/commands/worker.py``) takes entries from the queue and runs them through
:func:`run_job`, so a job survives a restart of the web server. With ``settings.JOBS_RUN_INLINE``
(tests, one-shot commands) the job runs at once in the calling thread instead.

Whatever happens, a job ends *done* or *failed* with one clear Indonesian message — never a crash,
never "running" forever — and the files it owns (``temp_paths``: the uploaded file, its
:meth:`JobContext.scratch_dir`) are removed:

* an exception in the body → *failed* (``JobError``/``ValidationError`` text, or a generic message
  with the job number; the log gets the type and stack only, never the text);
* the worker stopped mid-job (SIGTERM twice, Ctrl+C) → *failed* with :data:`INTERRUPTED_MESSAGE`;
* the worker killed (SIGKILL, out of memory, power cut) → the next :func:`sweep_stale_jobs` (each
  worker runs it when it starts and every ``JOBS_SWEEP_SECONDS``) finds the job's runner gone — a
  dead process on this host, or no worker heartbeat for ``JOBS_STALE_SECONDS`` — and marks it
  *failed* with :data:`ABANDONED_MESSAGE`. Nothing half-written remains: job bodies write in one
  transaction.
"""

from __future__ import annotations

import json
import logging
import shutil
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import OperationalError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

from ucjamsostek.accounts.permissions import recorded_user
from ucjamsostek.jobs.models import Job, Worker
from ucjamsostek.jobs.selectors import runner_alive, runner_id

logger = logging.getLogger(__name__)

#: Minimal seconds between two progress writes of one job (stage changes are always written).
PROGRESS_INTERVAL = 0.3

UNEXPECTED_MESSAGE = (
    "Terjadi kesalahan yang tidak terduga saat memproses (pekerjaan #{id}). "
    "Tidak ada data yang disimpan; hubungi admin dan sebutkan nomor pekerjaan ini."
)
ABANDONED_MESSAGE = (
    "Pekerjaan #{id} terhenti karena proses pekerja latar belakang mati di tengah jalan (server "
    "dimatikan atau kehabisan memori). Tidak ada data yang disimpan dan berkas sementaranya sudah "
    "dihapus; jalankan atau unggah ulang."
)
INTERRUPTED_MESSAGE = (
    "Pekerjaan #{id} dihentikan karena proses pekerja latar belakang dimatikan. Tidak ada data yang "
    "disimpan dan berkas sementaranya sudah dihapus; jalankan atau unggah ulang."
)


class JobError(Exception):
    """A failure the user can act on; its message (Indonesian, located) is shown as it is, and
    ``result`` (JSON) is kept on the job so a page can offer the next step (e.g. map columns)."""

    def __init__(self, message: str, result: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.result = result or {}


@dataclass
class JobContext:
    """What a job function receives: the job id, who started it, a throttled progress callback, a
    scratch folder removed when the job ends, and :meth:`keep` for a file it must leave behind."""

    job_id: int
    user_id: int | None
    _last_write: float = 0.0
    _last_stage: str = ""
    _last_fraction: float = -1.0
    _last_rows: tuple[int, int] = (0, 0)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def progress(self, stage: str, fraction: float, rows: tuple[int, int] | None = None) -> None:
        """Report ``stage`` (Indonesian text), the whole job's ``fraction`` done (0–1) and, when the
        stage works through rows, ``rows``: how many are done, of how many.

        Writes the job row at most every ``PROGRESS_INTERVAL`` seconds unless the stage changed
        (or its rows were all done). Inside an atomic block the write waits for the commit, so
        stages that write data should report before they open their transaction.
        """
        fraction = max(0.0, min(1.0, float(fraction)))
        done, total = rows if rows is not None else (0, 0)
        done, total = max(0, min(int(done), int(total))), max(0, int(total))
        now = time.monotonic()
        with self._lock:
            finished_rows = total > 0 and done == total and (done, total) != self._last_rows
            if stage == self._last_stage and now - self._last_write < PROGRESS_INTERVAL and not finished_rows:
                return
            if stage == self._last_stage and fraction == self._last_fraction and (done, total) == self._last_rows:
                return
            self._last_write, self._last_stage, self._last_fraction = now, stage, fraction
            self._last_rows = (done, total)
        try:
            Job.objects.filter(pk=self.job_id).update(
                stage=stage[:200], progress=fraction, rows_done=done, rows_total=total
            )
        except OperationalError:  # progress is best effort: a busy database must not stop the work
            pass

    def scratch_dir(self) -> Path:
        """A private folder (mode 700) for the job's temporary files, removed when it ends."""
        path = scratch_dir(self.job_id)
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        return path

    def keep(self, path: str | Path) -> None:
        """Leave ``path`` (a file the job owns, e.g. an upload a next step needs) in place when the job ends."""
        keep = str(Path(path))
        job = Job.objects.only("temp_paths").get(pk=self.job_id)
        _update(self.job_id, temp_paths=[p for p in job.temp_paths if p != keep])


class StagedProgress:
    """Turn a worker's per-stage progress (``stage``, 0–1 within that stage) into one forward-only
    bar between ``start`` and ``end``: ``stages`` gives the known stages in order with their
    relative weights; an unknown stage keeps the bar where it is but shows its name.

    Once :attr:`rows` is set (every stage works through the same rows: a file's), each report
    also says how many rows of the stage are done: for the stages in ``counted`` the stage's
    fraction is its share of rows done (it works in chunks), for the others (one vectorised
    step) none until the stage reports 1."""

    def __init__(
        self,
        report: Callable[..., None],
        stages: list[tuple[str, float]],
        start: float = 0.0,
        end: float = 1.0,
        labels: dict[str, str] | None = None,
        *,
        counted: Iterable[str] = (),
        rows: int | None = None,
    ) -> None:
        self.report, self.start, self.end = report, start, end
        self.labels = labels or {}
        self.counted = set(counted)
        self.rows = rows
        total = sum(w for _, w in stages) or 1.0
        self.offsets: dict[str, tuple[float, float]] = {}
        done = 0.0
        for name, weight in stages:
            self.offsets[name] = (done / total, weight / total)
            done += weight
        self.last = start

    def __call__(self, stage: str, fraction: float) -> None:
        fraction = max(0.0, min(1.0, fraction))
        if stage in self.offsets:
            offset, weight = self.offsets[stage]
            overall = self.start + (self.end - self.start) * (offset + weight * fraction)
            self.last = max(self.last, overall)
        label = self.labels.get(stage, stage)
        if self.rows is None:
            self.report(label, self.last)
            return
        done = round(fraction * self.rows) if stage in self.counted else (self.rows if fraction >= 1 else 0)
        self.report(label, self.last, (done, self.rows))


JobFunc = Callable[..., dict[str, Any] | None]


def start(
    kind: str, func: JobFunc, *args: Any, user: Any = None, owns: Iterable[str | Path] = (), **kwargs: Any
) -> Job:
    r"""Create a queued job that runs ``func(ctx, *args, **kwargs)`` in a worker.

    ``func`` is a module-level function (the worker imports it by name); ``args``/``kwargs`` are
    JSON values (ids, strings — never model instances). It returns a JSON-able dict kept as the
    job's result (or None). ``owns`` lists files handed over to the job (e.g. the stored upload):
    they are removed when the job ends, unless it :meth:`~JobContext.keep`\ s them. The queue
    entry is written in the current transaction, so the job exists for the worker exactly when
    the caller's work is committed. With ``settings.JOBS_RUN_INLINE`` the job runs at once here.
    """
    path = _func_path(func)
    payload = _payload(kind, args, kwargs)
    owned = [str(Path(p)) for p in owns]
    with transaction.atomic():
        job = Job.objects.create(kind=kind, created_by=recorded_user(user), temp_paths=owned)
        if not settings.JOBS_RUN_INLINE:
            queued = run_job.enqueue(job.pk, path, payload["args"], payload["kwargs"])
            Job.objects.filter(pk=job.pk).update(task_id=str(queued.id))
    if settings.JOBS_RUN_INLINE:
        _execute(job.pk, job.created_by_id, func, args, kwargs)
    job.refresh_from_db()
    return job


def record_failed(kind: str, message: str, *, user: Any = None, result: dict[str, Any] | None = None) -> Job:
    """A job of ``kind`` that failed before it was queued, with ``message`` and ``result`` (what a
    page needs for the next step, e.g. the column mapping of an upload whose header a quick check
    did not find): the same page and next steps as a job that failed while running, at once."""
    return Job.objects.create(
        kind=kind,
        created_by=recorded_user(user),
        status=Job.Status.FAILED,
        message=message,
        result=result or {},
        finished_at=timezone.now(),
    )


def _func_path(func: JobFunc) -> str:
    path = f"{func.__module__}.{func.__qualname__}"
    try:
        found = import_string(path)
    except ImportError:
        found = None
    if found is not func:
        raise TypeError(f"a job body must be a module-level function, not {path}")
    return path


def _payload(kind: str, args: tuple, kwargs: dict[str, Any]) -> dict[str, Any]:
    payload = {"args": list(args), "kwargs": kwargs}
    try:
        if json.loads(json.dumps(payload)) != payload:
            raise TypeError
    except (TypeError, ValueError):
        raise TypeError(f"job {kind}: arguments must be JSON values (ids, strings, numbers)") from None
    return payload


@task()
def run_job(job_id: int, func_path: str, args: list[Any], kwargs: dict[str, Any]) -> None:
    """The one queued task: run the job ``job_id`` in this worker. Never raises (the queue keeps an
    exception's text, which may quote personal data): every outcome is recorded on the job."""
    if not _claim(job_id):  # swept or already run: nothing to do
        logger.warning("job %s was not queued any more; skipped", job_id)
        return
    try:
        func = import_string(func_path)
    except ImportError:
        logger.error("job %s: its body %s cannot be imported", job_id, func_path)
        _finish(job_id, Job.Status.FAILED, UNEXPECTED_MESSAGE.format(id=job_id), {})
        _clean_up(job_id)
        return
    _execute(job_id, Job.objects.values_list("created_by_id", flat=True).get(pk=job_id), func, tuple(args), kwargs)


def _claim(job_id: int) -> bool:
    """Mark a queued job running in this process (waiting out a busy SQLite database); False when
    it is not queued any more."""
    for attempt in range(600):
        try:
            claimed = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
                status=Job.Status.RUNNING, started_at=timezone.now(), runner=runner_id()
            )
            return bool(claimed)
        except OperationalError as exc:
            if "locked" not in str(exc) or attempt == 599:
                raise
            time.sleep(0.1)
    return False  # pragma: no cover - the loop returns or raises


def _execute(job_id: int, user_id: int | None, func: JobFunc, args: tuple, kwargs: dict) -> None:
    ctx = JobContext(job_id=job_id, user_id=user_id)
    started = time.monotonic()
    try:
        _update(job_id, status=Job.Status.RUNNING, started_at=timezone.now(), runner=runner_id())
        logger.info("job %s started", job_id, extra={"job": job_id})
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
    except BaseException:  # the worker is being stopped (SIGTERM twice, Ctrl+C): record it, then stop
        _finish(job_id, Job.Status.FAILED, INTERRUPTED_MESSAGE.format(id=job_id), {})
        raise
    finally:
        _clean_up(job_id)
    message = str(result.pop("message", "")) if isinstance(result, dict) else ""
    _finish(job_id, Job.Status.DONE, message, result)
    logger.info("job %s done in %.1f s", job_id, time.monotonic() - started, extra={"job": job_id})


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


# ------------------------------------------------------------------------------ files a job owns
def jobs_dir() -> Path:
    return Path(settings.DATA_DIR) / "jobs"


def scratch_dir(job_id: int) -> Path:
    return jobs_dir() / str(job_id)


def _clean_up(job_id: int) -> None:
    """Remove the job's scratch folder and the files it still owns (only inside the data folder)."""
    try:
        owned = Job.objects.values_list("temp_paths", flat=True).get(pk=job_id) or []
    except (Job.DoesNotExist, OperationalError):
        owned = []
    roots = [Path(settings.DATA_DIR).resolve(), Path(settings.MEDIA_ROOT).resolve()]
    for raw in [str(scratch_dir(job_id)), *owned]:
        path = Path(raw).resolve()
        if not any(path.is_relative_to(root) and path != root for root in roots):
            logger.warning("job %s: not removing a path outside the data folder", job_id)
            continue
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


# ------------------------------------------------------------------------ runners and the sweep
def sweep_stale_jobs() -> list[int]:
    """Fail every running job whose runner is gone (see the module docstring), remove its files,
    close its queue entry, forget dead workers; returns the ids of the jobs failed."""
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    workers = dict(Worker.objects.values_list("runner", "heartbeat_at"))
    failed: list[int] = []
    for job_id, runner, task_id in Job.objects.filter(status=Job.Status.RUNNING).values_list("pk", "runner", "task_id"):
        if runner_alive(runner, workers):
            continue
        # Files first, then the status: whoever sees "failed" also sees the files gone.
        _clean_up(job_id)
        swept = Job.objects.filter(pk=job_id, status=Job.Status.RUNNING, runner=runner).update(
            status=Job.Status.FAILED, message=ABANDONED_MESSAGE.format(id=job_id), finished_at=timezone.now()
        )
        if not swept:
            continue
        if task_id:
            DBTaskResult.objects.filter(pk=task_id, status=TaskResultStatus.RUNNING).update(
                status=TaskResultStatus.FAILED, finished_at=timezone.now(), exception_class_path="", traceback=""
            )
        logger.warning("job %s failed: its runner stopped", job_id, extra={"job": job_id})
        failed.append(job_id)
    dead = [r for r in workers if not runner_alive(r, workers)]
    Worker.objects.filter(runner__in=dead).delete()
    return failed


def heartbeat() -> None:
    """Record that this worker process lives (``Worker.heartbeat_at``)."""
    Worker.objects.update_or_create(runner=runner_id(), defaults={"heartbeat_at": timezone.now()})


def worker_stopped() -> None:
    Worker.objects.filter(runner=runner_id()).delete()

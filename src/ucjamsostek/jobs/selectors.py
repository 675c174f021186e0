"""Reads of background jobs, scoped to who may see them."""

from __future__ import annotations

import os
import socket
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Min, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy

from ucjamsostek.accounts.permissions import can_see_all_jobs
from ucjamsostek.jobs.models import Job, Worker


def jobs_for(user: Any) -> QuerySet[Job]:
    """Jobs the user may see: their own; administrators see all."""
    qs = Job.objects.select_related("created_by")
    if can_see_all_jobs(user):
        return qs
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    return qs.filter(created_by=user)


def unfinished_jobs(user: Any, kind: str) -> list[Job]:
    """The user's queued or running jobs of ``kind`` (a page can link back to their progress)."""
    return list(jobs_for(user).filter(kind=kind, status__in=[Job.Status.QUEUED, Job.Status.RUNNING]))


def get_job(user: Any, job_id: int) -> Job | None:
    return jobs_for(user).filter(pk=job_id).first()


#: What each job kind (``kind`` up to its first ``:``) is called on screen; the code stays in a tooltip.
KIND_LABELS: dict[str, Promise] = {
    "screening.upload": gettext_lazy("Validasi berkas usulan"),
    "monitoring.report": gettext_lazy("Laporan Monev"),
    "monitoring.refresh": gettext_lazy("Perhitungan ulang indikator Monev"),
    "crossfund.compare": gettext_lazy("Perbandingan peserta dana ganda"),
}


def kind_label(kind: str) -> str:
    """The Indonesian name of a job kind (``monitoring.refresh:2026-01`` → its kind's name)."""
    label = KIND_LABELS.get(kind.split(":", 1)[0])
    return str(label) if label is not None else str(gettext_lazy("Pekerjaan latar belakang"))


def job_status(job: Job) -> dict[str, Any]:
    """The JSON the progress bar polls."""
    return {
        "id": job.pk,
        "kind": job.kind,
        "status": job.status,
        "status_text": str(job.get_status_display()),
        "stage": gettext(job.stage) if job.stage else "",  # stages are stored as Indonesian msgids
        "progress": round(job.progress, 4),
        "percent": job.percent,
        "rows_done": job.rows_done,
        "rows_total": job.rows_total,
        "rows_text": job.rows_text,
        "message": job.message,
        "finished": job.finished,
        "result": job.result,
    }


def recent_jobs(limit: int = 50) -> list[Job]:
    return list(Job.objects.select_related("created_by").order_by("-created_at", "-id")[:limit])


# ------------------------------------------------------------------------- runners and the queue
def runner_id() -> str:
    """This process as a job runner: ``host:pid``."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, under another user
        return True
    return True


def runner_alive(runner: str, workers: dict[str, Any] | None = None) -> bool:
    """Whether the process ``host:pid`` still runs: on this host, asked of the system; elsewhere,
    from its worker heartbeat (younger than ``JOBS_STALE_SECONDS``)."""
    host, _, pid = runner.rpartition(":")
    if not host or not pid.isdigit():
        return False
    if host == socket.gethostname():
        return _process_alive(int(pid))
    if workers is None:
        workers = dict(Worker.objects.values_list("runner", "heartbeat_at"))
    beat = workers.get(runner)
    return beat is not None and beat >= timezone.now() - timedelta(seconds=settings.JOBS_STALE_SECONDS)


def queue_state() -> dict[str, Any]:
    """The queue as ``/healthz`` reports it: jobs waiting (and the oldest one's age in seconds),
    jobs running, live workers and the age of the latest heartbeat."""
    now = timezone.now()
    waiting = Job.objects.filter(status=Job.Status.QUEUED).aggregate(n=Count("pk"), oldest=Min("created_at"))
    beats = dict(Worker.objects.values_list("runner", "heartbeat_at"))
    latest = max(beats.values(), default=None)
    return {
        "queued": waiting["n"],
        "oldest_queued_seconds": round((now - waiting["oldest"]).total_seconds(), 1) if waiting["oldest"] else None,
        "running": Job.objects.filter(status=Job.Status.RUNNING).count(),
        "workers": sum(1 for runner in beats if runner_alive(runner, beats)),
        "last_heartbeat_seconds": round((now - latest).total_seconds(), 1) if latest else None,
    }

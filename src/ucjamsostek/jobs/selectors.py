"""Reads of background jobs, scoped to who may see them."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext

from ucjamsostek.jobs.models import Job


def _is_admin(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False) or getattr(user, "role", "") == "admin")


def jobs_for(user: Any) -> QuerySet[Job]:
    """Jobs the user may see: their own; administrators see all."""
    qs = Job.objects.select_related("created_by")
    if _is_admin(user):
        return qs
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    return qs.filter(created_by=user)


def unfinished_jobs(user: Any, kind: str) -> list[Job]:
    """The user's queued or running jobs of ``kind`` (a page can link back to their progress)."""
    return list(jobs_for(user).filter(kind=kind, status__in=[Job.Status.QUEUED, Job.Status.RUNNING]))


def get_job(user: Any, job_id: int) -> Job | None:
    return jobs_for(user).filter(pk=job_id).first()


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
        "message": job.message,
        "finished": job.finished,
        "result": job.result,
    }


def recent_jobs(limit: int = 50) -> list[Job]:
    return list(Job.objects.select_related("created_by").order_by("-created_at", "-id")[:limit])

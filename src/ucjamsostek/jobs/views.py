"""Job status: a JSON endpoint the progress bar polls, and a plain page for one job."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ucjamsostek.jobs import selectors


@require_GET
@never_cache
@login_required
def status(request: HttpRequest, pk: int) -> JsonResponse:
    job = selectors.get_job(request.user, pk)
    if job is None:
        return JsonResponse({"error": "Pekerjaan tidak ditemukan."}, status=404)
    return JsonResponse(selectors.job_status(job))


@require_GET
@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.get_job(request.user, pk)
    if job is None:
        raise Http404
    result = job.result if isinstance(job.result, dict) else {}
    context = {
        "job": job,
        "kind_label": selectors.kind_label(job.kind),
        # what a finished job made: a file to download (a report) or a page to open
        "download_url": result.get("url") if job.status == "done" and result.get("file") else None,
        "result_url": result.get("url") if job.status == "done" and not result.get("file") else None,
    }
    return render(request, "jobs/detail.html", context)

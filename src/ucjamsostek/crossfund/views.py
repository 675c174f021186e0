"""Pages of the cross-funder comparison (province monitor and admins)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from ucjamsostek.accounts import permissions as perm
from ucjamsostek.crossfund import selectors, services
from ucjamsostek.errors import attempt_status, refused


def _as_of(text: str) -> date:
    if not text:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError("Tanggal acuan harus tanggal YYYY-MM-DD.") from None


def _index(request: HttpRequest) -> HttpResponse:
    return render(request, "crossfund/index.html", {"runs": selectors.runs(request.user)[:50]})


@login_required
def index(request: HttpRequest) -> HttpResponse:
    if not perm.can_run_crossfund(request.user):
        raise PermissionDenied(perm.MSG_FORBIDDEN)
    if request.method != "POST":
        return _index(request)
    files = request.FILES.getlist("files")

    def start() -> Any:
        return services.start_run(request.user, files, as_of=_as_of(request.POST.get("as_of", "").strip()))

    job, status = attempt_status(request, start)
    if job is None:
        return refused(_index(request), status)
    return redirect(reverse("jobs:detail", args=[job.pk]))


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.run(request.user, pk)
    if found is None:
        raise Http404
    context = {
        "run": found,
        "summary": selectors.summary_rows(found),
        "pairs": selectors.pair_rows(request.user, found),
        "page_pairs": selectors.PAGE_PAIRS,
    }
    return render(request, "crossfund/detail.html", context)


@login_required
def download(request: HttpRequest, pk: int, name: str) -> FileResponse:
    path = selectors.output_path(request.user, pk, name)
    if path is None:
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=f"{pk}-{name}")

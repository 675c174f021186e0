from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ucjamsostek.agreements.webutil import post_file, uploaded_table
from ucjamsostek.assistance import selectors, services
from ucjamsostek.core import filelimits
from ucjamsostek.errors import attempt_status, refused
from ucjamsostek.uploads import display_name


@login_required
def index(request: HttpRequest) -> HttpResponse:
    context = {"programmes": selectors.programmes(request.user), "can_upload": selectors.can_upload(request.user)}
    return render(request, "assistance/index.html", context)


@login_required
def programme(request: HttpRequest, pk: int) -> HttpResponse:
    prog = selectors.get_programme(request.user, pk)
    if prog is None:
        raise Http404
    only = bool(request.GET.get("masalah"))
    rows = selectors.recipient_rows(request.user, prog, only_problems=only)
    return render(request, "assistance/programme.html", {"p": prog, "rows": rows, "only": only})


@login_required
@require_POST
def upload(request: HttpRequest) -> HttpResponse:
    f = post_file(request)
    if f is not None:
        code = request.POST.get("programme") or None

        def run() -> Any:
            with uploaded_table(f, filelimits.ASSISTANCE) as path:
                return services.import_recipients(request.user, path, programme=code, display_name=display_name(f))

        res, status = attempt_status(request, run)
        if res is None:
            return refused(index(request), status)
        messages.success(
            request,
            _(
                "%(programme)s: %(lines)s penerima, memenuhi syarat %(eligible)s, "
                "tidak memenuhi syarat %(not_eligible)s."
            )
            % {
                "programme": res.programme.name,
                "lines": res.lines,
                "eligible": res.eligible,
                "not_eligible": res.not_eligible,
            },
        )
        return redirect("assistance:programme", pk=res.programme.pk)
    return redirect("assistance:index")

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ucjamsostek.accounts import permissions as perm
from ucjamsostek.agreements.webutil import post_file, uploaded_table
from ucjamsostek.claims import selectors, services
from ucjamsostek.errors import attempt


@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    recent = selectors.recent_claims(user)
    context = {"stats": selectors.analytics(user), "claims": recent, "can_upload": perm.can_upload_bpjs_files(user)}
    return render(request, "claims/index.html", context)


@login_required
@require_POST
def upload(request: HttpRequest) -> HttpResponse:
    f = post_file(request)
    if f is not None:

        def run() -> Any:
            with uploaded_table(f) as path:
                return services.import_claims(request.user, path, display_name=f.name)

        res = attempt(request, run)
        if res is not None:
            messages.success(
                request,
                _(
                    "Klaim baru %(created)s, diperbarui %(updated)s; tanpa perlindungan "
                    "pada tanggal kejadian %(uncovered)s."
                )
                % {"created": res.created, "updated": res.updated, "uncovered": res.uncovered},
            )
            if res.unknown_person:
                messages.warning(
                    request,
                    _("NIK tidak ada di data penduduk pada baris: %(rows)s")
                    % {"rows": ", ".join(str(r) for r in res.unknown_person[:30])},
                )
    return redirect("claims:index")

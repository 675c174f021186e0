from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ucjamsostek import listing
from ucjamsostek.accounts import permissions as perm
from ucjamsostek.agreements.webutil import post_file, uploaded_table
from ucjamsostek.claims import selectors, services
from ucjamsostek.core import filelimits
from ucjamsostek.core.claims import FLAG_LABELS
from ucjamsostek.core.money import format_rupiah
from ucjamsostek.errors import attempt_status, refused
from ucjamsostek.uploads import display_name


@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    kind = request.GET.get("jenis", "")
    page = listing.paginate(request, selectors.claim_list(user, kind))
    context = {
        "stats": selectors.analytics(user),
        "claims": selectors.claim_rows(user, page.object_list),
        "page": page,
        "kind": kind,
        "kinds": selectors.claim_types(),
        "flagged": selectors.flagged_rows(user),
        "can_upload": perm.can_upload_bpjs_files(user),
    }
    return render(request, "claims/index.html", context)


@login_required
@require_POST
def upload(request: HttpRequest) -> HttpResponse:
    f = post_file(request)
    if f is not None:

        def run() -> Any:
            with uploaded_table(f, filelimits.CLAIMS) as path:
                return services.import_claims(request.user, path, display_name=display_name(f))

        res, status = attempt_status(request, run)
        if res is None:
            return refused(index(request), status)
        messages.success(
            request,
            _(
                "Klaim baru %(created)s, diperbarui %(updated)s, tidak berubah %(unchanged)s; tanpa "
                "perlindungan pada tanggal kejadian %(uncovered)s."
            )
            % {
                "created": res.created,
                "updated": res.updated,
                "unchanged": res.unchanged,
                "uncovered": res.uncovered,
            },
        )
        for code, rows in res.flagged_rows.items():
            messages.warning(
                request,
                _("%(flag)s: %(count)s klaim senilai %(amount)s, tidak dihitung dalam total; baris: %(rows)s")
                % {
                    "flag": FLAG_LABELS[code],
                    "count": len(rows),
                    "amount": format_rupiah(res.flagged_amounts[code]),
                    "rows": ", ".join(str(r) for r in rows[:30]) + (" …" if len(rows) > 30 else ""),
                },
            )
    return redirect("claims:index")

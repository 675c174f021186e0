from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ucjamsostek import listing
from ucjamsostek.agreements.webutil import post_file, uploaded_table
from ucjamsostek.assistance import selectors, services
from ucjamsostek.core import filelimits
from ucjamsostek.core.money import format_rupiah
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
    context = {
        "p": prog,
        "page": listing.paginate(request, selectors.recipient_rows(request.user, prog, only_problems=only)),
        "only": only,
        "totals": selectors.totals(programme=prog),
        "lists": selectors.lists(prog),
    }
    return render(request, "assistance/programme.html", context)


@login_required
@require_POST
def upload(request: HttpRequest) -> HttpResponse:
    f = post_file(request)
    if f is not None:
        code = request.POST.get("programme") or None
        replace = request.POST.get("replace") == "1"

        def run() -> Any:
            with uploaded_table(f, filelimits.ASSISTANCE) as path:
                return services.import_recipients(
                    request.user, path, programme=code, display_name=display_name(f), replace=replace
                )

        res, status = attempt_status(request, run)
        if res is None:
            return refused(index(request), status)
        messages.success(
            request,
            _(
                "%(programme)s tahap %(tahap)s: %(lines)s baris, memenuhi syarat %(eligible)s, tidak memenuhi "
                "syarat %(not_eligible)s; tersalur %(payments)s pembayaran kepada %(people)s orang, %(amount)s."
            )
            % {
                "programme": res.programme.name,
                "tahap": res.batch.number,
                "lines": res.lines,
                "eligible": res.eligible,
                "not_eligible": res.not_eligible,
                "payments": res.payments,
                "people": res.people,
                "amount": format_rupiah(res.disbursed_total),
            },
        )
        if res.replaced:
            messages.info(request, _("Daftar lama (%(n)s baris) diganti.") % {"n": res.replaced})
        for t in res.at_stake:
            messages.warning(
                request,
                _("%(reason)s: %(lines)s baris, %(people)s orang; tersalur %(amount)s.")
                % {"reason": t.label, "lines": t.lines, "people": t.people, "amount": format_rupiah(t.amount)},
            )
        return redirect("assistance:programme", pk=res.programme.pk)
    return redirect("assistance:index")

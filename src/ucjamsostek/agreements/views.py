from __future__ import annotations

import tempfile
from datetime import date, timedelta
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from ucjamsostek.agreements import selectors, services
from ucjamsostek.agreements.webutil import form_value, post_file, uploaded_table
from ucjamsostek.billing import selectors as billing_selectors
from ucjamsostek.core import filelimits
from ucjamsostek.errors import attempt, attempt_status, refused
from ucjamsostek.uploads import display_name


@login_required
def index(request: HttpRequest) -> HttpResponse:
    context = {
        "agreements": selectors.agreements(request.user),
        "warnings": selectors.warnings(request.user),
        "can_manage": selectors.can_manage(request.user),
        "today": date.today(),
    }
    return render(request, "agreements/index.html", context)


@login_required
@require_POST
def create(request: HttpRequest) -> HttpResponse:
    data = {
        k: form_value(request, k)
        for k in (
            "number",
            "title",
            "parties",
            "signed_on",
            "start",
            "funder",
            "programmes",
            "value",
            "quota",
            "wage_base",
        )
    }
    last = form_value(request, "last_day")
    if last:
        try:
            data["end"] = date.fromisoformat(last) + timedelta(days=1)
        except ValueError:
            messages.error(request, gettext("Hari terakhir berlaku harus tanggal YYYY-MM-DD."))
            return redirect("agreements:index")
    previous = selectors.get_agreement(request.user, request.POST.get("predecessor") or 0)
    data = {k: v for k, v in data.items() if v is not None}
    if previous is not None:
        made = attempt(request, lambda: services.renew_agreement(request.user, previous, data))
    else:
        made = attempt(request, lambda: services.create_agreement(request.user, data))
    if made is None:
        return redirect("agreements:index")
    messages.success(request, gettext("PKS %(number)s dibuat.") % {"number": made.number})
    return redirect("agreements:detail", pk=made.pk)


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = selectors.get_agreement(request.user, pk)
    if agreement is None:
        raise Http404
    context = {
        "a": agreement,
        "amendments": selectors.amendment_rows(agreement),
        "documents": selectors.documents(agreement),
        "payments": billing_selectors.agreement_payments(agreement),
        "can_manage": selectors.can_manage(request.user),
        "next_statuses": selectors.status_choices(agreement),
    }
    return render(request, "agreements/detail.html", context)


@login_required
@require_POST
def action(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = selectors.get_agreement(request.user, pk)
    if agreement is None:
        raise Http404
    what = request.POST.get("action")
    user = request.user
    if what == "status":
        status = request.POST.get("status", "")
        if attempt(request, lambda: services.set_status(user, agreement, status)):
            messages.success(request, gettext("Status PKS diubah."))
    elif what == "amend":
        changes = {k: form_value(request, k) for k in ("value", "quota", "start")}
        last = form_value(request, "last_day")
        if last:
            try:
                changes["end"] = date.fromisoformat(last) + timedelta(days=1)
            except ValueError:
                messages.error(request, gettext("Hari terakhir berlaku harus tanggal YYYY-MM-DD."))
                return redirect("agreements:detail", pk=pk)
        changes = {k: v for k, v in changes.items() if v is not None}
        reason = request.POST.get("reason", "")
        number = request.POST.get("number", "")
        if attempt(request, lambda: services.amend(user, agreement, changes, reason=reason, number=number)):
            messages.success(request, gettext("Addendum dicatat."))
    elif what == "attach":
        f = post_file(request)
        if f is not None:
            title = request.POST.get("title", "")
            if attempt(request, lambda: services.attach_document(user, agreement, f.name or "", f, title=title)):
                messages.success(request, gettext("Dokumen dilampirkan."))
    elif what == "enroll":
        year = (request.POST.get("year") or "").strip()
        if year and not year.isdigit():
            messages.error(request, gettext("Tahun skenario harus angka, misalnya 2026."))
            return redirect("agreements:detail", pk=pk)
        res = attempt(request, lambda: services.enroll_scenario(user, agreement, year=int(year) if year else None))
        if res is not None:
            messages.success(
                request,
                gettext(
                    "%(created)s kepesertaan dibuat dari daftar final; sudah terlindungi %(covered)s, "
                    "belum di data penduduk %(missing)s, melebihi kuota %(over)s."
                )
                % {
                    "created": res.created,
                    "covered": res.already_covered,
                    "missing": res.not_in_registry,
                    "over": res.over_quota,
                },
            )
    else:
        raise Http404
    return redirect("agreements:detail", pk=pk)


@login_required
def document(request: HttpRequest, pk: int) -> FileResponse:
    doc = selectors.get_document(request.user, pk)
    if doc is None:
        raise Http404
    return FileResponse(
        doc.file.open("rb"), content_type="application/pdf", as_attachment=True, filename=f"{doc.title}.pdf"
    )


GAP_ROWS = 500
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
@require_GET
def registration_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The registration file (a download: it changes nothing; see :func:`registration_submit`)."""
    agreement = selectors.get_agreement(request.user, pk)
    if agreement is None:
        raise Http404
    with tempfile.TemporaryDirectory(prefix="ucj-reg-") as tmp:
        path = Path(tmp) / "pendaftaran.xlsx"
        n = services.export_registration(request.user, agreement, path)
        data = path.read_bytes()
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="pendaftaran-{agreement.pk}-{n}.xlsx"'
    return response


@login_required
@require_POST
def registration_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark the proposed enrollments submitted to BPJS: a POST with the box that confirms the file
    was sent; without it nothing changes (422 with the reason)."""
    agreement = selectors.get_agreement(request.user, pk)
    if agreement is None:
        raise Http404
    if not request.POST.get("confirm"):
        messages.error(request, gettext("Centang konfirmasi bahwa berkas pendaftaran sudah dikirim ke BPJS."))
        return refused(detail(request, pk), 422)
    n, status = attempt_status(request, lambda: services.submit_registration(request.user, agreement))
    if n is None:
        return refused(detail(request, pk), status)
    messages.success(request, gettext("%(n)s kepesertaan ditandai sudah didaftarkan ke BPJS.") % {"n": n})
    return redirect("agreements:detail", pk=pk)


@login_required
@require_POST
def registration_import(request: HttpRequest) -> HttpResponse:
    f = post_file(request)
    if f is not None:

        def run() -> services.RegistrationResult:
            with uploaded_table(f, filelimits.REGISTRATION) as path:
                return services.import_registration(request.user, path, display_name=display_name(f))

        res, status = attempt_status(request, run)
        if res is None:
            return refused(index(request), status)
        messages.success(
            request,
            gettext("Jawaban BPJS: diterima %(accepted)s, ditolak %(rejected)s, tidak cocok %(unmatched)s.")
            % {"accepted": res.accepted, "rejected": res.rejected, "unmatched": len(res.unmatched)},
        )
        for row, why in res.unmatched[:20]:
            messages.warning(request, gettext("Baris %(row)s: %(why)s") % {"row": row, "why": why})
    return redirect("agreements:index")


@login_required
def gaps(request: HttpRequest) -> HttpResponse:
    as_of = None
    if request.GET.get("as_of"):
        try:
            as_of = date.fromisoformat(request.GET["as_of"])
        except ValueError:
            messages.error(request, gettext("Tanggal acuan harus YYYY-MM-DD."))
    if request.GET.get("unduh"):
        full = selectors.coverage_gaps(request.user, as_of=as_of)
        with tempfile.TemporaryDirectory(prefix="ucj-gap-") as tmp:
            path = Path(tmp) / "celah.xlsx"
            services.export_gap_report(request.user, full, path)
            data = path.read_bytes()
        response = HttpResponse(data, content_type=XLSX)
        response["Content-Disposition"] = 'attachment; filename="celah-perlindungan.xlsx"'
        return response
    report = selectors.coverage_gaps(request.user, as_of=as_of, limit=GAP_ROWS)
    context = {
        "report": report,
        "as_of": as_of,
        "truncated": len(report.rows) >= GAP_ROWS,
        "can_export": selectors.can_export(request.user),
    }
    return render(request, "agreements/gaps.html", context)

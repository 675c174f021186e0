from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ucjamsostek.agreements.webutil import post_file, uploaded_table
from ucjamsostek.billing import selectors, services
from ucjamsostek.core import filelimits
from ucjamsostek.core.money import MoneyError, parse_rupiah
from ucjamsostek.errors import attempt, attempt_status, refused
from ucjamsostek.uploads import display_name


@login_required
def index(request: HttpRequest) -> HttpResponse:
    context = {
        "invoices": selectors.invoices(request.user),
        "arrears": selectors.arrears_rows(request.user),
        "can_upload": selectors.can_upload(request.user),
    }
    return render(request, "billing/index.html", context)


@login_required
@require_POST
def upload(request: HttpRequest) -> HttpResponse:
    f = post_file(request)
    if f is None:
        return redirect("billing:index")

    def run() -> Any:
        with uploaded_table(f, filelimits.BILL) as path:
            return services.import_bill(
                request.user, path, display_name=display_name(f), replace=bool(request.POST.get("replace"))
            )

    done, status = attempt_status(request, run)
    if done is None:
        return refused(index(request), status)
    inv, created = done
    if not created:
        messages.info(
            request,
            _("Berkas ini sudah diimpor sebagai tagihan %(period)s; tidak ada yang berubah.")
            % {"period": f"{inv.period:%m/%Y}"},
        )
    else:
        messages.success(
            request,
            _("Tagihan %(period)s diimpor: %(n)s baris.") % {"period": f"{inv.period:%m/%Y}", "n": inv.line_count},
        )
    return redirect("billing:invoice", pk=inv.pk)


@login_required
def invoice(request: HttpRequest, pk: int) -> HttpResponse:
    inv = selectors.get_invoice(request.user, pk)
    if inv is None:
        raise Http404
    cls = request.GET.get("kelas", "")
    page = attempt(
        request,
        lambda: selectors.reconciliation_page(request.user, inv, cls=cls, flagged_only=not request.GET.get("semua")),
    )
    context = {
        "inv": inv,
        "page": page,
        "cls": cls,
        "payments": selectors.payments(inv),
        "can_pay": selectors.can_pay(request.user),
    }
    return render(request, "billing/invoice.html", context)


@login_required
def invoice_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    inv = selectors.get_invoice(request.user, pk)
    if inv is None:
        raise Http404
    rec = attempt(request, lambda: services.reconcile_invoice(inv))
    if rec is None:
        return redirect("billing:invoice", pk=pk)
    with tempfile.TemporaryDirectory(prefix="ucj-rec-") as tmp:
        path = Path(tmp) / "rekonsiliasi.xlsx"
        services.export_reconciliation_xlsx(request.user, rec, path)
        data = path.read_bytes()
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="rekonsiliasi-{inv.period:%Y-%m}.xlsx"'
    return response


@login_required
@require_POST
def pay(request: HttpRequest, pk: int) -> HttpResponse:
    inv = selectors.get_invoice(request.user, pk)
    if inv is None:
        raise Http404
    try:
        amount = parse_rupiah(request.POST.get("amount", ""))
        paid_on = date.fromisoformat(request.POST.get("paid_on", ""))
    except (MoneyError, ValueError):
        messages.error(request, _("Jumlah harus Rupiah (contoh 201.600.000) dan tanggal YYYY-MM-DD."))
        return redirect("billing:invoice", pk=pk)
    sp2d = request.POST.get("sp2d_number", "")
    if attempt(
        request, lambda: services.record_payment(request.user, inv, sp2d_number=sp2d, paid_on=paid_on, amount=amount)
    ):
        messages.success(request, _("Pembayaran dicatat."))
    return redirect("billing:invoice", pk=pk)

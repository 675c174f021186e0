from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ucjamsostek import listing
from ucjamsostek.agreements.webutil import post_file, uploaded_table
from ucjamsostek.billing import selectors, services
from ucjamsostek.billing.forms import CreditForm, PaymentForm
from ucjamsostek.core import filelimits
from ucjamsostek.core.money import format_rupiah
from ucjamsostek.errors import attempt, attempt_status, refused
from ucjamsostek.uploads import display_name


@login_required
def index(request: HttpRequest) -> HttpResponse:
    context = {
        "page": listing.paginate(request, selectors.invoices(request.user)),
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
    account = selectors.account(request.user, inv)
    context = {
        "inv": inv,
        "page": page,
        "cls": cls,
        "account": account,
        "account_rows": [account] if account else [],
        "payments": selectors.payments(inv),
        "credits": selectors.credits(inv),
        "credit_targets": selectors.credit_targets(inv) if account and account["credit"] > 0 else [],
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
    rec = selectors.scoped_reconciliation(request.user, rec)
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
    form = PaymentForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.error_text())
        return redirect("billing:invoice", pk=pk)
    d = form.cleaned_data
    paid = attempt(
        request,
        lambda: services.record_payment(
            request.user, inv, sp2d_number=d["sp2d_number"], paid_on=d["paid_on"], amount=d["amount"]
        ),
    )
    if paid:
        messages.success(request, _("Pembayaran dicatat."))
        account = selectors.account(request.user, inv)
        if account and account["credit"] > 0:
            messages.warning(
                request,
                _("Kelebihan bayar %(credit)s dicatat sebagai kredit; perhitungkan ke tagihan berikutnya.")
                % {"credit": format_rupiah(account["credit"])},
            )
    return redirect("billing:invoice", pk=pk)


@login_required
@require_POST
def apply_credit(request: HttpRequest, pk: int) -> HttpResponse:
    inv = selectors.get_invoice(request.user, pk)
    if inv is None:
        raise Http404
    form = CreditForm(request.POST)
    target = selectors.get_invoice(request.user, request.POST.get("target", ""))
    if not form.is_valid() or target is None:
        messages.error(request, form.error_text() if not form.is_valid() else _("Pilih tagihan tujuan."))
        return redirect("billing:invoice", pk=pk)
    amount = form.cleaned_data["amount"]
    done = attempt(request, lambda: services.apply_credit(request.user, inv, target, amount=amount))
    if done:
        messages.success(
            request,
            _("Kelebihan bayar %(amount)s diperhitungkan ke tagihan %(period)s.")
            % {"amount": format_rupiah(done.amount), "period": f"{target.period:%m/%Y}"},
        )
    return redirect("billing:invoice", pk=pk)

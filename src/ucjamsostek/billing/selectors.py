"""Billing reads: bills, the reconciliation page's rows (NIK masked by role), payments, arrears."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl
from django.db.models import Q, QuerySet, Sum

from ucjamsostek.accounts import permissions as perm
from ucjamsostek.billing import accounts, services
from ucjamsostek.billing.models import CreditTransfer, Invoice, Payment
from ucjamsostek.core import reconcile as rc
from ucjamsostek.core.arrears import LAPSED, STATUS_LABELS, WARNING
from ucjamsostek.registry.selectors import display_nik, scope_nik_frame


def _may_read(user: Any) -> bool:
    return perm.has_role(user)


def invoices(user: Any) -> QuerySet[Invoice]:
    if not _may_read(user):
        return Invoice.objects.none()
    return Invoice.objects.annotate(paid=Sum("payments__amount")).order_by("-period")


def get_invoice(user: Any, pk: Any) -> Invoice | None:
    """The bill ``pk`` if the user may read it; ``None`` for another id or one that is not a number."""
    try:
        key = int(pk)
    except (TypeError, ValueError):
        return None
    return invoices(user).filter(pk=key).first()


def payments(invoice: Invoice) -> QuerySet[Payment]:
    return invoice.payments.order_by("paid_on")


def agreement_payments(agreement: Any) -> QuerySet[Payment]:
    """SP2D paid under an agreement (monthly bills and lump sums), oldest first."""
    return Payment.objects.filter(agreement=agreement).select_related("invoice").order_by("paid_on")


def can_upload(user: Any) -> bool:
    return perm.can_upload_bpjs_files(user)


def can_pay(user: Any) -> bool:
    return perm.can_record_payment(user)


#: Lines drawn on the page; the xlsx download has every line.
PAGE_LINES = 2000


@dataclass
class ReconciliationPage:
    invoice: Invoice
    summary: list[dict[str, Any]]  # class, label, lines, billed, expected, difference
    total: dict[str, int]  # sums of the summary rows (= sums of the lines)
    lines: list[dict[str, Any]]  # the shown lines (filtered by class; at most PAGE_LINES)
    line_totals: dict[str, int]  # sums of every selected line (all of them, shown or not)
    classes: list[tuple[str, str]]
    selected: int = 0  # lines the filter selects
    truncated: bool = False  # more lines selected than shown


def scoped_reconciliation(user: Any, rec: services.Reconciliation) -> services.Reconciliation:
    """The reconciliation as ``user`` may read it: the lines of the people in their scope, with
    the summary and totals of those lines (a regency-wide role gets ``rec`` itself). A line whose
    NIK the registry does not hold lies in no area (``accounts.permissions``: area scoping)."""
    if perm.sees_everyone(user):
        return rec
    lines = scope_nik_frame(user, rec.lines)
    return services.Reconciliation(rec.invoice, lines, rc.summarise(lines), rc.totals(lines))


def reconciliation_page(user: Any, invoice: Invoice, *, cls: str = "", flagged_only: bool = True) -> ReconciliationPage:
    rec = scoped_reconciliation(user, services.reconcile_invoice(invoice, store=False))
    summary = [r | {"label": rc.CLASS_LABELS[r["class"]]} for r in rec.summary.iter_rows(named=True)]
    total = {k: sum(int(r[k]) for r in summary) for k in ("lines", "billed", "expected", "difference")}
    frame = rec.lines
    if cls:
        frame = frame.filter(frame["class"] == cls)
    elif flagged_only:
        frame = frame.filter(frame["class"] != rc.MATCHED)
    line_totals = {k: int(frame[k].sum() or 0) for k in ("billed", "expected", "difference")}
    lines = [
        r | {"nik": display_nik(user, r["nik"]), "label": rc.CLASS_LABELS[r["class"]]}
        for r in frame.head(PAGE_LINES).iter_rows(named=True)
    ]
    return ReconciliationPage(
        invoice,
        summary,
        total,
        lines,
        line_totals,
        [(c, rc.CLASS_LABELS[c]) for c in rc.CLASSES],
        selected=frame.height,
        truncated=frame.height > len(lines),
    )


def arrears_rows(user: Any, today: date | None = None) -> list[dict[str, Any]]:
    """Every bill's account (``billing.accounts``) with its status label, for the bills page."""
    if not _may_read(user):
        return []
    frame = accounts.bill_accounts(today)
    return [r | {"label": STATUS_LABELS[r["status"]]} for r in frame.iter_rows(named=True)]


def arrears_report(user: Any, today: date | None = None) -> accounts.ArrearsReport | None:
    """``billing arrears`` for a user who may read bills (``None`` otherwise)."""
    return accounts.arrears_report(today) if _may_read(user) else None


def account(user: Any, invoice: Invoice, today: date | None = None) -> dict[str, Any] | None:
    """One bill's account (due, paid, credit in/out, arrears, over-payment, status)."""
    if not _may_read(user):
        return None
    row = accounts.account_of(invoice, today)
    return row | {"label": STATUS_LABELS[row["status"]]}


def credits(invoice: Invoice) -> QuerySet[CreditTransfer]:
    """Over-payments set against ``invoice`` or taken from it, oldest first."""
    return (
        CreditTransfer.objects.filter(Q(source=invoice) | Q(target=invoice))
        .select_related("source", "target")
        .order_by("applied_on", "pk")
    )


def credit_targets(invoice: Invoice, today: date | None = None) -> list[Invoice]:
    """Later bills that still owe something: where ``invoice``'s over-payment can go."""
    frame = accounts.bill_accounts(today).filter((pl.col("period") > invoice.period) & (pl.col("outstanding") > 0))
    ids = frame["bill"].to_list()
    return list(Invoice.objects.filter(pk__in=ids).order_by("period"))


def warnings(user: Any, today: date | None = None) -> list[dict[str, Any]]:
    """Bills at or past the BPU 3-month limit (status ``warning`` or ``lapsed``), for the bills
    page and the dashboard: the warning comes a month before memberships end."""
    return [r for r in arrears_rows(user, today) if r["status"] in (WARNING, LAPSED)]

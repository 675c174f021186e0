"""The one arrears computation, fed from the database: every bill's account
(:func:`ucjamsostek.core.arrears.bill_accounts`) with its payable amount, SP2D payments and
credits. ``billing arrears``, the bills page, ``billing lapse``, the monitoring "Tunggakan"
(dashboard, API, Rakor Monev report) read it here; services (payments, credits, lapses) check
against it. Reads only; no user scoping (bills are the regency's): user-facing reads go through
``billing.selectors``.

**Payable** is read in one place, :func:`payable_expr`: the amount the bill's last
reconciliation left payable (its payable lines only — never a line it rejected: a BILLED_TWICE
repeat of an earlier bill, a line after a death, outside coverage, not on the roster); a bill
not reconciled yet counts its billed total until it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone

from ucjamsostek.billing.models import CreditTransfer, Invoice, Payment
from ucjamsostek.core import arrears as ar


def payable_expr() -> Any:
    """The amount a bill asks the regency to pay, as an ORM expression over ``Invoice``."""
    return Coalesce(F("payable"), F("billed_total"))


def _frame(rows: list[tuple[Any, ...]], schema: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=schema, orient="row")


def bill_accounts(today: date | None = None, *, start: date | None = None, end: date | None = None) -> pl.DataFrame:
    """One row per bill (:data:`ucjamsostek.core.arrears.COLUMNS` plus ``number`` and
    ``reconciled``) on ``today`` (default: the local date), for the bills of the months in
    ``[start, end)`` when given (credits and payments of every bill count)."""
    today = today or timezone.localdate()
    invoices = Invoice.objects.order_by().annotate(due=payable_expr())
    bills = _frame(list(invoices.values_list("pk", "period", "due")), ar.BILLS_SCHEMA)
    pays = _frame(
        list(Payment.objects.filter(invoice__isnull=False).order_by().values_list("invoice_id", "paid_on", "amount")),
        ar.PAYMENTS_SCHEMA,
    )
    credits = _frame(
        list(CreditTransfer.objects.order_by().values_list("source_id", "target_id", "applied_on", "amount")),
        ar.CREDITS_SCHEMA,
    )
    accounts = ar.bill_accounts(bills, pays, credits, today)
    extra = _frame(
        list(invoices.values_list("pk", "number", "reconciled_at")),
        {"bill": pl.Int64, "number": pl.Utf8, "reconciled_at": pl.Datetime("us", "UTC")},
    )
    reconciled = pl.col("reconciled_at").is_not_null().alias("reconciled")
    accounts = accounts.join(extra.select("bill", "number", reconciled), on="bill", how="left")
    if start is not None:
        accounts = accounts.filter(pl.col("period") >= start)
    if end is not None:
        accounts = accounts.filter(pl.col("period") < end)
    return accounts


def account_of(invoice: Invoice, today: date | None = None) -> dict[str, Any]:
    """The account row of one bill (see :func:`bill_accounts`)."""
    rows = bill_accounts(today).filter(pl.col("bill") == invoice.pk)
    return rows.row(0, named=True)


@dataclass(frozen=True)
class ArrearsReport:
    """What ``billing arrears --json`` prints: ``total`` arrears, ``credit`` (over-payments not
    yet applied), and the bills, every amount integer rupiah."""

    today: date
    total: int
    credit: int
    bills: list[dict[str, Any]]

    def as_json(self) -> dict[str, Any]:
        return {
            "today": self.today.isoformat(),
            "total": self.total,
            "credit": self.credit,
            "bills": [
                {
                    "period": f"{b['period']:%Y-%m}",
                    "number": b["number"],
                    "due": b["due"],
                    "paid": b["paid"],
                    "credit_in": b["credit_in"],
                    "credit_out": b["credit_out"],
                    "outstanding": b["outstanding"],
                    "credit": b["credit"],
                    "months_late": b["months_late"],
                    "status": b["status"],
                    "deadline": b["deadline"].isoformat(),
                    "reconciled": b["reconciled"],
                }
                for b in self.bills
            ],
        }


def arrears_report(today: date | None = None, *, start: date | None = None, end: date | None = None) -> ArrearsReport:
    """Arrears of the bills (of the months in ``[start, end)`` when given) on ``today``: the total
    is :func:`ucjamsostek.core.arrears.arrears_total` of the same rows it lists."""
    today = today or timezone.localdate()
    accounts = bill_accounts(today, start=start, end=end)
    return ArrearsReport(
        today=today,
        total=ar.arrears_total(accounts),
        credit=int(accounts["credit"].sum() or 0),
        bills=list(accounts.iter_rows(named=True)),
    )


def arrears_total(start: date, end: date, today: date | None = None) -> int:
    """The Rakor Monev "Tunggakan" of a period: arrears on ``today`` of the bills of its months."""
    return arrears_report(today, start=start, end=end).total

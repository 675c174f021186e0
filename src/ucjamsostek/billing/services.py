"""Bills (tagihan): import, reconciliation against roster and rates, payments, arrears.

The reconciliation itself is :mod:`ucjamsostek.core.reconcile`; this module builds its inputs
from the database (roster = enrollments BPJS accepted, with category, payer, programmes, PU wage
base from the agreement, death date), stores the bill's payable amount, and writes
``reconciliation.csv`` / ``reconciliation.xlsx`` (DESIGN.md §5.4).
"""

from __future__ import annotations

import csv
import hashlib
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from ucjamsostek.accounts import permissions as perm
from ucjamsostek.agreements.selectors import COVERED_STATUSES
from ucjamsostek.billing.models import Invoice, InvoiceLine, Payment
from ucjamsostek.core import bpjsfiles
from ucjamsostek.core import reconcile as rc
from ucjamsostek.core.arrears import arrears
from ucjamsostek.core.nik import mask_nik
from ucjamsostek.core.rates import RateTable, load_rate_table
from ucjamsostek.core.xlsxout import Sheet, write_workbook
from ucjamsostek.registry.models import ChangeLog, Enrollment, Funder
from ucjamsostek.registry.services import log_change


def _check(actor: Any, allowed: bool) -> None:
    if actor is not None and not allowed:
        raise PermissionDenied(perm.MSG_FORBIDDEN)


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) is not None else None


def rate_table() -> RateTable:
    """The database's rate table (budget app) when available, else the packaged one."""
    try:
        from ucjamsostek.budget.selectors import rate_table as db_rates
    except ImportError:  # pragma: no cover - budget app not installed
        return load_rate_table()
    return db_rates()


def _payer(funder_kind: str) -> str:
    return "public" if funder_kind == Funder.PayerKind.PUBLIC else "other"


def roster_frame() -> pl.DataFrame:
    """One row per accepted enrollment: nik, start, end, category, payer, programmes, wage,
    death_date, enrollment_id."""
    rows = list(
        Enrollment.objects.filter(status__in=COVERED_STATUSES).values_list(
            "pk",
            "person__nik",
            "coverage_start",
            "coverage_end",
            "segment__category",
            "funder__payer_kind",
            "jkk",
            "jkm",
            "jht",
            "coverage__agreement__wage_base",
            "person__death_date",
        )
    )
    return pl.DataFrame(
        {
            "enrollment_id": [r[0] for r in rows],
            "nik": [r[1] for r in rows],
            "start": [r[2] for r in rows],
            "end": [r[3] for r in rows],
            "category": [r[4] for r in rows],
            "payer": [_payer(r[5]) for r in rows],
            "programmes": ["+".join(p for p, on in (("JKK", r[6]), ("JKM", r[7]), ("JHT", r[8])) if on) for r in rows],
            "wage": [r[9] if r[4] == "PU" else None for r in rows],
            "death_date": [r[10] for r in rows],
        },
        schema={
            "enrollment_id": pl.Int64,
            "nik": pl.Utf8,
            "start": pl.Date,
            "end": pl.Date,
            "category": pl.Utf8,
            "payer": pl.Utf8,
            "programmes": pl.Utf8,
            "wage": pl.Int64,
            "death_date": pl.Date,
        },
    )


# ------------------------------------------------------------------------------------ import
def import_bill(
    actor: Any,
    path: str | Path,
    *,
    display_name: str | None = None,
    period: date | None = None,
    number: str = "",
    replace: bool = False,
) -> Invoice:
    """Store a BPJS bill for one period (the lines' most common period unless ``period`` is
    given). A second bill for the same period needs ``replace`` (the old one and its lines go;
    a bill with payments cannot be replaced)."""
    _check(actor, perm.can_upload_bpjs_files(actor))
    p = Path(path)
    table = bpjsfiles.read_bpjs_file(p, bpjsfiles.BILL, display_name=display_name)
    frame = table.frame
    if frame.height == 0:
        raise ValidationError({"file": f"{table.source}: tagihan tidak berisi baris data."})
    if period is None:
        period = Counter(frame["period"].to_list()).most_common(1)[0][0]
    period = rc.month_start(period)
    from ucjamsostek.agreements.selectors import agreement_in_force

    with transaction.atomic():
        old = Invoice.objects.select_for_update().filter(period=period).first()
        if old is not None:
            if not replace:
                raise ValidationError(
                    {
                        "period": f"Tagihan periode {period:%m/%Y} sudah ada; "
                        "impor ulang dengan pilihan ganti (--replace)."
                    }
                )
            if old.payments.exists():
                raise ValidationError({"period": f"Tagihan periode {period:%m/%Y} sudah dibayar; tidak dapat diganti."})
            old.delete()
        inv = Invoice.objects.create(
            period=period,
            number=number.strip(),
            agreement=agreement_in_force(period),
            source_name=table.source[:255],
            sha256=hashlib.sha256(p.read_bytes()).hexdigest(),
            line_count=frame.height,
            billed_total=int(frame["amount"].sum()),
            imported_by=_user(actor),
        )
        InvoiceLine.objects.bulk_create(
            [
                InvoiceLine(
                    invoice=inv,
                    line=r["row"],
                    nik=r["nik"],
                    kpj=(r["kpj"] or "")[:20],
                    period=r["period"],
                    programme=(r["programme"] or "")[:40],
                    amount=r["amount"],
                )
                for r in frame.iter_rows(named=True)
            ],
            batch_size=5000,
        )
        log_change(
            actor,
            ChangeLog.Action.IMPORT,
            "billing.invoice",
            inv.pk,
            count=frame.height,
            changes={"period": [None, period], "billed_total": [None, inv.billed_total]},
            reason=f"Tagihan BPJS {table.source}",
        )
    return inv


def bill_frame(invoice: Invoice) -> pl.DataFrame:
    rows = list(invoice.lines.values_list("line", "nik", "period", "amount"))
    return pl.DataFrame(
        rows, schema={"line": pl.Int64, "nik": pl.Utf8, "period": pl.Date, "amount": pl.Int64}, orient="row"
    )


# ------------------------------------------------------------------------------- reconciliation
@dataclass
class Reconciliation:
    invoice: Invoice
    lines: pl.DataFrame  # core.reconcile.reconcile output
    summary: pl.DataFrame  # per class
    totals: dict[str, int]


def reconcile_invoice(invoice: Invoice, *, store: bool = True) -> Reconciliation:
    """Reconcile ``invoice``; with ``store`` keep its payable amount and summary on the bill."""
    try:
        lines = rc.reconcile(bill_frame(invoice), roster_frame(), rate_table(), invoice.period)
    except rc.ReconcileError as exc:
        raise ValidationError({"rates": str(exc)}) from exc
    summary = rc.summarise(lines)
    totals = rc.totals(lines)
    if store:
        Invoice.objects.filter(pk=invoice.pk).update(
            payable=totals["payable"],
            reconciled_at=timezone.now(),
            reconciliation={r["class"]: [r["lines"], r["difference"]] for r in summary.iter_rows(named=True)},
        )
        invoice.refresh_from_db()
    return Reconciliation(invoice, lines, summary, totals)


def reconcile_period(period: date) -> Reconciliation:
    invoice = Invoice.objects.filter(period=rc.month_start(period)).first()
    if invoice is None:
        raise ValidationError({"period": f"Belum ada tagihan untuk periode {period:%m/%Y}."})
    return reconcile_invoice(invoice)


def write_reconciliation(rec: Reconciliation, out_dir: str | Path) -> tuple[Path, Path]:
    """``reconciliation.csv`` (contract columns) and ``reconciliation.xlsx`` (for people)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    csv_path, xlsx_path = out / "reconciliation.csv", out / "reconciliation.xlsx"
    with csv_path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(rc.CSV_COLUMNS)
        for r in rec.lines.select(rc.CSV_COLUMNS).iter_rows():
            w.writerow(["" if v is None else v for v in r])
    write_reconciliation_xlsx(rec, xlsx_path)
    _record_export(None, rec)
    return csv_path, xlsx_path


def export_reconciliation_xlsx(actor: Any, rec: Reconciliation, path: str | Path) -> bool:
    """The xlsx for a web user: full NIKs (and the export recorded) for roles that may export
    personal data, masked NIKs for the others. Returns whether NIKs are in full."""
    full = actor is None or perm.can_export(actor)
    if not full:
        rec = Reconciliation(
            rec.invoice,
            rec.lines.with_columns(pl.col("nik").map_elements(mask_nik, return_dtype=pl.Utf8)),
            rec.summary,
            rec.totals,
        )
    write_reconciliation_xlsx(rec, path)
    if full:
        _record_export(actor, rec)
    return full


def _record_export(actor: Any, rec: Reconciliation) -> None:
    log_change(
        actor,
        ChangeLog.Action.EXPORT,
        "billing.reconciliation",
        rec.invoice.pk,
        count=rec.lines.height,
        reason=f"Rekonsiliasi tagihan {rec.invoice.period:%m/%Y}",
    )


def write_reconciliation_xlsx(rec: Reconciliation, path: str | Path) -> None:
    period = f"{rec.invoice.period:%m/%Y}"
    summary_rows = [
        [rc.CLASS_LABELS[r["class"]], r["class"], r["lines"], r["billed"], r["expected"], r["difference"]]
        for r in rec.summary.iter_rows(named=True)
    ]
    s = rec.summary
    summary_rows.append(
        [
            "Jumlah",
            "",
            int(s["lines"].sum()),
            int(s["billed"].sum()),
            int(s["expected"].sum()),
            int(s["difference"].sum()),
        ]
    )
    line_rows = [
        [r["line"], r["nik"], rc.CLASS_LABELS[r["class"]], r["class"], r["billed"], r["expected"], r["difference"]]
        for r in rec.lines.iter_rows(named=True)
    ]
    write_workbook(
        path,
        [
            Sheet(
                "Ringkasan",
                ["Kelas", "Kode", "Baris", "Ditagih (Rp)", "Seharusnya (Rp)", "Selisih (Rp)"],
                summary_rows,
                title=f"Rekonsiliasi tagihan BPJS periode {period}",
                widths=(36, 20, 8, 16, 16, 16),
            ),
            Sheet(
                "Rincian",
                ["Baris", "NIK", "Kelas", "Kode", "Ditagih (Rp)", "Seharusnya (Rp)", "Selisih (Rp)"],
                line_rows,
                widths=(7, 20, 36, 20, 14, 14, 14),
            ),
        ],
    )


# ------------------------------------------------------------------------------------ payments
def record_payment(
    actor: Any,
    invoice: Invoice | None,
    *,
    sp2d_number: str,
    paid_on: date,
    amount: int,
    note: str = "",
    agreement: Any = None,
) -> Payment:
    """Record an SP2D settling ``invoice`` (a monthly bill) or, without a bill, paying the
    ``agreement`` directly (e.g. quarterly lump sums of an older PKS)."""
    _check(actor, perm.role_of(actor) in (*perm.EDIT_ENROLLMENT_ROLES, "budget"))
    errors: dict[str, str] = {}
    if invoice is None and agreement is None:
        errors["invoice"] = "Sebutkan tagihan atau PKS yang dibayar."
    if not sp2d_number.strip():
        errors["sp2d_number"] = "Nomor SP2D wajib diisi."
    elif Payment.objects.filter(sp2d_number=sp2d_number.strip()).exists():
        errors["sp2d_number"] = f"SP2D {sp2d_number} sudah dicatat."
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        errors["amount"] = "Jumlah harus bilangan bulat Rupiah lebih dari 0."
    if errors:
        raise ValidationError(errors)
    if agreement is None and invoice is not None:
        agreement = invoice.agreement
    with transaction.atomic():
        pay = Payment.objects.create(
            invoice=invoice,
            agreement=agreement,
            sp2d_number=sp2d_number.strip(),
            paid_on=paid_on,
            amount=amount,
            note=note[:255],
            created_by=_user(actor),
        )
        log_change(
            actor,
            ChangeLog.Action.CREATE,
            "billing.payment",
            pay.pk,
            changes={
                "period": [None, invoice.period if invoice else None],
                "amount": [None, amount],
                "sp2d": [None, pay.sp2d_number],
            },
        )
    return pay


def arrears_frame(today: date | None = None) -> pl.DataFrame:
    """Arrears per billed month (due = reconciled payable, or the billed total before reconciling)."""
    invoices = list(Invoice.objects.values_list("period", "payable", "billed_total"))
    payments = list(Payment.objects.filter(invoice__isnull=False).values_list("invoice__period", "amount"))
    bills = pl.DataFrame(
        {"period": [i[0] for i in invoices], "due": [i[1] if i[1] is not None else i[2] for i in invoices]},
        schema={"period": pl.Date, "due": pl.Int64},
    )
    pays = pl.DataFrame(
        {"period": [p[0] for p in payments], "amount": [p[1] for p in payments]},
        schema={"period": pl.Date, "amount": pl.Int64},
    )
    return arrears(bills, pays, today or date.today())

"""Bills (tagihan): import, reconciliation against roster and rates, payments, arrears.

The reconciliation itself is :mod:`ucjamsostek.core.reconcile`; this module builds its inputs
from the database (roster = enrollments BPJS accepted, with category, payer, programmes, PU wage
base from the agreement, the death date known anywhere), stores the bill's payable amount, and writes
``reconciliation.csv`` / ``reconciliation.xlsx`` (DESIGN.md §5.4).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connections, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from ucjamsostek.accounts import permissions as perm
from ucjamsostek.agreements.selectors import agreement_for_month
from ucjamsostek.billing import accounts
from ucjamsostek.billing.models import CreditTransfer, Invoice, InvoiceLine, Lapse, Payment
from ucjamsostek.budget.selectors import rate_table as db_rates
from ucjamsostek.bulk import insert_frame
from ucjamsostek.core import bpjsfiles, csvout, xlsxml
from ucjamsostek.core import reconcile as rc
from ucjamsostek.core.intake import file_sha256
from ucjamsostek.core.money import format_rupiah
from ucjamsostek.core.nik import mask_nik_expr
from ucjamsostek.core.rates import RateTable
from ucjamsostek.nikcrypt import NIKField, decrypt_series
from ucjamsostek.registry.models import COVERED_STATUSES, ChangeLog, Enrollment, Funder, Segment
from ucjamsostek.registry.services import log_change
from ucjamsostek.screening.selectors import death_dates


def _check(actor: Any, allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(perm.MSG_FORBIDDEN)


def rate_table() -> RateTable:
    """The dated rate table reconciliation uses: the budget app's (database, else packaged)."""
    return db_rates()


_ROSTER_FIELDS: dict[str, tuple[str, pl.DataType | type[pl.DataType]]] = {
    # column: (lookup, type)
    "enrollment_id": ("pk", pl.Int64),
    "nik": ("person__nik", pl.Utf8),
    "start": ("coverage_start", pl.Date),
    "end": ("coverage_end", pl.Date),
    "category": ("segment__category", pl.Utf8),
    "payer_kind": ("funder__payer_kind", pl.Utf8),
    "jkk": ("jkk", pl.Boolean),
    "jkm": ("jkm", pl.Boolean),
    "jht": ("jht", pl.Boolean),
    "wage_base": ("coverage__agreement__wage_base", pl.Int64),
}


def query_frame(qs: QuerySet[Any], schema: dict[str, pl.DataType | type[pl.DataType]]) -> pl.DataFrame:
    """The rows of a ``values_list`` queryset as a frame with ``schema`` (one column per value).

    On PostgreSQL the query runs as ``COPY (…) TO STDOUT`` and Polars parses the csv: no Python
    object per row or cell, which is what makes a million-row roster or bill cheap to load. On
    SQLite the query's rows are fetched as the driver types them (its declared-type converters
    give dates and booleans), without the ORM's per-row iteration and converters. Elsewhere the
    queryset's own rows are used."""
    conn = connections[qs.db]
    if conn.vendor not in ("postgresql", "sqlite"):
        return pl.DataFrame(list(qs), schema=schema, orient="row")
    # COPY and the cursor bypass the fields' from_db_value: the NIK columns arrive encrypted and
    # are decrypted here, each in one call of the cipher
    compiler = qs.query.get_compiler(qs.db)
    compiler.setup_query()
    secret = [c for c, (e, _, _) in zip(schema, compiler.select, strict=False) if isinstance(e.output_field, NIKField)]
    sql, params = qs.query.sql_with_params()
    if conn.vendor == "sqlite":
        with conn.cursor() as cur:
            cur.execute(sql, params)
            frame = pl.DataFrame(cur.fetchall(), schema=schema, orient="row")
        return frame.with_columns(decrypt_series(frame[c]) for c in secret) if secret else frame
    buf = io.BytesIO()
    with transaction.atomic(using=qs.db), conn.cursor() as cur:
        cur.execute("SET LOCAL DateStyle = ISO")  # dates as 2026-01-31, whatever the server's default
        with cur.cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv)", params) as copy:
            for block in copy:
                buf.write(block)
    if not buf.tell():
        return pl.DataFrame(schema=schema)
    # booleans arrive as t/f: read them as text, then compare
    text_schema = {c: (pl.Utf8 if t == pl.Boolean else t) for c, t in schema.items()}
    frame = pl.read_csv(buf.getvalue(), has_header=False, schema=text_schema)
    if secret:
        frame = frame.with_columns(decrypt_series(frame[c]) for c in secret)
    return frame.with_columns(pl.col(c) == "t" for c, t in schema.items() if t == pl.Boolean)


def roster_frame() -> pl.DataFrame:
    """One row per accepted enrollment: nik, start, end, category, payer, programmes, wage,
    death_date (the earliest known anywhere: ``screening.selectors.death_dates``), enrollment_id."""
    qs = (
        Enrollment.objects.filter(status__in=COVERED_STATUSES)
        .order_by()
        .values_list(*(lookup for lookup, _ in _ROSTER_FIELDS.values()))
    )
    raw = query_frame(qs, {c: t for c, (_, t) in _ROSTER_FIELDS.items()})
    raw = raw.join(death_dates().select("nik", "death_date"), on="nik", how="left", maintain_order="left")
    return raw.select(
        "enrollment_id",
        "nik",
        "start",
        "end",
        "category",
        pl.when(pl.col("payer_kind") == Funder.PayerKind.PUBLIC.value)
        .then(pl.lit("public"))
        .otherwise(pl.lit("other"))
        .alias("payer"),
        pl.concat_str(
            [pl.when(pl.col(f.lower())).then(pl.lit(f)) for f in ("JKK", "JKM", "JHT")],
            separator="+",
            ignore_nulls=True,
        ).alias("programmes"),
        pl.when(pl.col("category") == "PU").then(pl.col("wage_base")).alias("wage"),
        "death_date",
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
) -> tuple[Invoice, bool]:
    """Store a BPJS bill for one period (the lines' most common period unless ``period`` is
    given). A second bill for the same period needs ``replace``: the bill keeps its place in the
    ledger of bills (its id: the order bills were first imported) and only its lines are
    replaced; a bill with payments cannot be replaced. Bills imported after it that had been
    reconciled are reconciled again, since what they repeat may have changed (DESIGN.md §5.4).
    Importing the very same file again (same content hash) changes nothing and returns the bill
    already stored. A bill for a month that no PKS covers is refused: the regency has nothing to
    pay under it. Returns ``(invoice, created)``: ``created`` is false when the file had been
    imported before (callers need not hash first)."""
    _check(actor, perm.can_upload_bpjs_files(actor))
    p = Path(path)
    try:
        sha = file_sha256(p)
    except OSError:
        sha = ""  # the reader below gives the located message
    same = Invoice.objects.filter(sha256=sha).first() if sha else None
    if same is not None:
        return same, False
    table = bpjsfiles.read_bpjs_file(p, bpjsfiles.BILL, display_name=display_name)
    frame = table.frame
    if frame.height == 0:
        raise ValidationError({"file": f"{table.source}: tagihan tidak berisi baris data."})
    if period is None:  # the most common period; on a tie the one met first in the file
        counts = frame.group_by("period", maintain_order=True).len()
        period = counts.sort("len", descending=True, maintain_order=True)["period"][0]
    period = rc.month_start(period)

    agreement = agreement_for_month(period)
    if agreement is None:
        raise ValidationError(
            {
                "period": f"{table.source}: tidak ada PKS yang berlaku untuk periode {period:%m/%Y}, "
                "jadi tagihan ini tidak dapat dicatat. Periksa periode tagihan, atau catat dulu PKS "
                "yang mencakup bulan itu (ucjamsostek agreement create)."
            }
        )
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
            InvoiceLine.objects.filter(invoice=old).delete()
        fields = {
            "period": period,
            "number": number.strip(),
            "agreement": agreement,
            "source_name": table.source[:255],
            "sha256": sha,
            "line_count": frame.height,
            "billed_total": int(frame["amount"].sum()),
            "payable": None,
            "reconciled_at": None,
            "reconciliation": {},
            "imported_at": timezone.now(),
            "imported_by": perm.recorded_user(actor),
        }
        if old is None:
            inv = Invoice.objects.create(**fields)
        else:  # the same bill (its place in the ledger), its new lines
            inv = old
            for name, value in fields.items():
                setattr(inv, name, value)
            inv.save()
        _store_lines(inv, frame)
        log_change(
            actor,
            ChangeLog.Action.IMPORT,
            "billing.invoice",
            inv.pk,
            count=frame.height,
            changes={"period": [None, period], "billed_total": [None, inv.billed_total]},
            reason=f"Tagihan BPJS {table.source}",
        )
        if old is not None:
            for later in Invoice.objects.filter(pk__gt=inv.pk, reconciled_at__isnull=False).order_by("pk"):
                reconcile_invoice(later)
    return inv, True


def _store_lines(invoice: Invoice, frame: pl.DataFrame) -> None:
    """Insert the bill's lines in bulk (``bulk.insert_frame``: no model instance per line)."""
    lines = frame.select(
        pl.lit(invoice.pk, dtype=pl.Int64).alias("invoice_id"),
        pl.col("row").cast(pl.Int64).alias("line"),
        "nik",
        pl.col("kpj").fill_null("").str.slice(0, 20),
        "period",
        pl.col("programme").fill_null("").str.slice(0, 40),
        pl.col("amount").cast(pl.Int64),
    )
    insert_frame(InvoiceLine, lines)


def bill_frame(invoice: Invoice) -> pl.DataFrame:
    qs = invoice.lines.order_by("line").values_list("line", "nik", "period", "amount")
    return query_frame(qs, {"line": pl.Int64, "nik": pl.Utf8, "period": pl.Date, "amount": pl.Int64})


_EARLIER_FIELDS: dict[str, tuple[str, pl.DataType | type[pl.DataType]]] = {
    "nik": ("nik", pl.Utf8),
    "period": ("period", pl.Date),
    "bill": ("invoice_id", pl.Int64),
    "bill_period": ("invoice__period", pl.Date),
    "bill_number": ("invoice__number", pl.Utf8),
    "line": ("line", pl.Int64),
}


def earlier_lines(invoice: Invoice) -> pl.DataFrame:
    """The ledger ``core.reconcile.reconcile`` checks ``invoice`` against: lines of the bills
    imported before it (smaller id; a replaced bill keeps its id) that bill a (NIK, month) this
    bill bills too, or its own period. The lines of every stored bill are the ledger of
    (person, programme, month) billed: a replaced bill's lines are gone with it."""
    # A (NIK, month) pair of this bill, as a row-value IN over a subquery that runs once: SQLite
    # would run a correlated EXISTS once per earlier line through the invoice index (quadratic:
    # the demo's twelfth bill took minutes), PostgreSQL plans both as a hashed semi-join.
    table = connections[InvoiceLine.objects.db].ops.quote_name(InvoiceLine._meta.db_table)
    period = connections[InvoiceLine.objects.db].ops.adapt_datefield_value(invoice.period)
    own_pairs = f"SELECT own.nik, own.period FROM {table} own WHERE own.invoice_id = %s"  # noqa: S608 (model's table)
    qs = (
        InvoiceLine.objects.filter(invoice_id__lt=invoice.pk)
        .extra(  # noqa: S610 -- the table name comes from the model, the values are bound parameters
            where=[f"({table}.period = %s OR ({table}.nik, {table}.period) IN ({own_pairs}))"],
            params=[period, invoice.pk],
        )
        .order_by()
        .values_list(*(lookup for lookup, _ in _EARLIER_FIELDS.values()))
    )
    return query_frame(qs, {c: t for c, (_, t) in _EARLIER_FIELDS.items()})


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
        lines = rc.reconcile(
            bill_frame(invoice),
            roster_frame(),
            rate_table(),
            invoice.period,
            earlier=earlier_lines(invoice),
            number=invoice.number,
        )
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
    # as csv.writer writes it: minimal quoting, CRLF line ends, an empty field for a missing line;
    # the repeated bill's period as the --period option takes it (2025-11)
    columns = rec.lines.with_columns(pl.col("repeats_period").dt.strftime("%Y-%m")).select(rc.CSV_COLUMNS)
    csvout.write_csv(columns, csv_path, line_terminator="\r\n", null_value="")
    write_reconciliation_xlsx(rec, xlsx_path)
    _record_export(perm.SYSTEM, rec)
    return csv_path, xlsx_path


def export_reconciliation_xlsx(actor: Any, rec: Reconciliation, path: str | Path) -> bool:
    """The xlsx for a web user: full NIKs (and the export recorded) for roles that may export
    personal data, masked NIKs for the others. Returns whether NIKs are in full."""
    full = perm.can_export(actor)
    if not full:
        rec = Reconciliation(
            rec.invoice,
            rec.lines.with_columns(mask_nik_expr(pl.col("nik")).alias("nik")),
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
    """``reconciliation.xlsx``: the layout :func:`ucjamsostek.core.xlsxout.write_workbook` gives
    (title row, one-line bold header with a filter, frozen panes, rupiah as ``#,##0``, text never a
    formula, empty strings kept), written column-wise by :mod:`ucjamsostek.core.xlsxml` — a bill of
    a million lines in seconds; lines past Excel's row limit go on "Rincian (2)", … ."""
    period = f"{rec.invoice.period:%m/%Y}"
    summary_rows: list[list[Any]] = [
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
    labels = pl.col("class").replace_strict(rc.CLASS_LABELS, return_dtype=pl.Utf8)
    lines = rec.lines.select(
        "line",
        "nik",
        labels.alias("label"),
        "class",
        "billed",
        "expected",
        "difference",
        pl.col("repeats_period").dt.strftime("%m/%Y"),
        "repeats_number",
        "repeats_line",
    )
    int_, text = xlsxml.INT, xlsxml.TEXT
    xlsxml.write_workbook(
        path,
        [
            xlsxml.Sheet(
                "Ringkasan",
                ["Kelas", "Kode", "Baris", "Ditagih (Rp)", "Seharusnya (Rp)", "Selisih (Rp)"],
                rows=summary_rows,
                title=f"Rekonsiliasi tagihan BPJS periode {period}",
                widths=(36, 20, 8, 16, 16, 16),
                header_style=xlsxml.HEADER_NOWRAP,
                int_style=xlsxml.NUMBER,
                freeze_header=True,
                autofilter=True,
            ),
            xlsxml.Sheet(
                "Rincian",
                [
                    "Baris",
                    "NIK",
                    "Kelas",
                    "Kode",
                    "Ditagih (Rp)",
                    "Seharusnya (Rp)",
                    "Selisih (Rp)",
                    "Mengulang tagihan periode",
                    "Mengulang tagihan nomor",
                    "Mengulang baris",
                ],
                frame=lines,
                kinds=(int_, text, text, text, int_, int_, int_, text, text, int_),
                widths=(7, 20, 36, 20, 14, 14, 14, 12, 24, 9),
                empty_text=True,
                header_style=xlsxml.HEADER_NOWRAP,
                int_style=xlsxml.NUMBER,
                freeze_header=True,
                autofilter=True,
            ),
        ],
    )


# ------------------------------------------------------------------------------------ payments
def _day(d: date) -> str:
    return f"{d:%d-%m-%Y}"


def _sp2d_date_problem(paid_on: date, invoice: Invoice | None, today: date) -> str | None:
    """Why an SP2D cannot carry ``paid_on``: a date that has not come yet, or one before the
    month the bill is for (the regency pays a month once BPJS bills it)."""
    if paid_on > today:
        return f"Tanggal SP2D {_day(paid_on)} belum terjadi (hari ini {_day(today)}); catat SP2D setelah terbit."
    if invoice is not None and paid_on < invoice.period:
        return (
            f"Tanggal SP2D {_day(paid_on)} sebelum periode tagihan {invoice.period:%m/%Y}; "
            f"SP2D tagihan ini paling cepat bertanggal {_day(invoice.period)}."
        )
    return None


def record_payment(
    actor: Any,
    invoice: Invoice | None,
    *,
    sp2d_number: str,
    paid_on: date,
    amount: int,
    note: str = "",
    agreement: Any = None,
    today: date | None = None,
) -> Payment:
    """Record an SP2D settling ``invoice`` (a monthly bill) or, without a bill, paying the
    ``agreement`` directly (e.g. quarterly lump sums of an older PKS). The SP2D date may not be
    later than ``today`` nor before the bill's month. Paying more than the bill's payable amount
    is recorded as it is: the excess is the bill's credit (kelebihan bayar,
    ``billing.accounts``), flagged on the bill and set against a later bill with
    :func:`apply_credit`."""
    _check(actor, perm.can_record_payment(actor))
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    if invoice is None and agreement is None:
        errors["invoice"] = "Sebutkan tagihan atau PKS yang dibayar."
    if not sp2d_number.strip():
        errors["sp2d_number"] = "Nomor SP2D wajib diisi."
    elif Payment.objects.filter(sp2d_number=sp2d_number.strip()).exists():
        errors["sp2d_number"] = f"SP2D {sp2d_number} sudah dicatat."
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        errors["amount"] = "Jumlah harus bilangan bulat Rupiah lebih dari 0."
    problem = _sp2d_date_problem(paid_on, invoice, today)
    if problem:
        errors["paid_on"] = problem
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
            created_by=perm.recorded_user(actor),
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


def apply_credit(
    actor: Any,
    source: Invoice,
    target: Invoice,
    *,
    amount: int | None = None,
    applied_on: date | None = None,
    note: str = "",
) -> CreditTransfer:
    """Set the over-payment (kelebihan bayar) of ``source`` against the later bill ``target``:
    ``amount`` (default: as much as both allow — the credit still available, at most what
    ``target`` still owes) on ``applied_on`` (default today). Refused, saying why, when
    ``source`` has no credit left, ``target`` is not later or owes less, or the date is wrong."""
    _check(actor, perm.can_record_payment(actor))
    today = timezone.localdate()
    applied_on = applied_on or today
    with transaction.atomic():
        both = Invoice.objects.select_for_update().filter(pk__in=[source.pk, target.pk]).order_by("pk")
        locked = {i.pk: i for i in both}
        source, target = locked[source.pk], locked[target.pk]
        src, tgt = accounts.account_of(source, today), accounts.account_of(target, today)
        errors: dict[str, str] = {}
        if target.period <= source.period:
            errors["target"] = (
                f"Kelebihan bayar tagihan {source.period:%m/%Y} hanya dapat diperhitungkan ke tagihan "
                f"bulan sesudahnya, bukan {target.period:%m/%Y}."
            )
        elif src["credit"] <= 0:
            errors["source"] = f"Tagihan {source.period:%m/%Y} tidak punya kelebihan bayar yang tersisa."
        elif tgt["outstanding"] <= 0:
            errors["target"] = f"Tagihan {target.period:%m/%Y} tidak punya tunggakan."
        else:
            amount = min(src["credit"], tgt["outstanding"]) if amount is None else amount
            if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
                errors["amount"] = "Jumlah harus bilangan bulat Rupiah lebih dari 0."
            elif amount > src["credit"]:
                errors["amount"] = (
                    f"Kelebihan bayar tagihan {source.period:%m/%Y} yang tersisa {format_rupiah(src['credit'])}, "
                    f"kurang dari {format_rupiah(amount)}."
                )
            elif amount > tgt["outstanding"]:
                errors["amount"] = (
                    f"Tunggakan tagihan {target.period:%m/%Y} {format_rupiah(tgt['outstanding'])}, kurang dari "
                    f"{format_rupiah(amount)}; sisa kelebihan bayar tetap tersimpan."
                )
        if applied_on > today:
            errors["applied_on"] = f"Tanggal {_day(applied_on)} belum terjadi (hari ini {_day(today)})."
        elif applied_on < target.period:
            errors["applied_on"] = f"Tanggal {_day(applied_on)} sebelum periode tagihan {target.period:%m/%Y}."
        if errors:
            raise ValidationError(errors)
        assert amount is not None
        credit = CreditTransfer.objects.create(
            source=source,
            target=target,
            amount=amount,
            applied_on=applied_on,
            note=note[:255],
            created_by=perm.recorded_user(actor),
        )
        log_change(
            actor,
            ChangeLog.Action.CREATE,
            "billing.credittransfer",
            credit.pk,
            changes={"from": [None, source.period], "to": [None, target.period], "amount": [None, amount]},
            reason=f"Kelebihan bayar tagihan {source.period:%m/%Y} diperhitungkan ke tagihan {target.period:%m/%Y}",
        )
    return credit


# --------------------------------------------------------------------------------------- lapse
@dataclass(frozen=True)
class LapseResult:
    ended: int  # memberships ended now
    reinstated: int  # memberships given back: their bill turned out paid within the limit
    bills: list[tuple[date, date, int]]  # (bill period, deadline, memberships ended by it, all runs)


def _owed_niks(invoice: Invoice) -> set[str]:
    """People who owe on ``invoice``: a line for the bill's own month that reconciliation finds
    payable (expected > 0). A line rejected as BILLED_TWICE, BILLED_AFTER_DEATH or not covered owes
    nothing, so leaving it unpaid ends nobody's membership."""
    own = bill_frame(invoice).filter(pl.col("period") == invoice.period).select("line", "nik")
    try:
        lines = reconcile_invoice(invoice, store=False).lines
    except ValidationError:
        # A bill that cannot be reconciled (no dated rate for a line) is owed as billed, the
        # amount ``payable_expr`` gives it: every line for its own month owes.
        return set(own["nik"].to_list())
    payable = lines.filter(pl.col("line").is_not_null() & (pl.col("expected") > 0)).select("line")
    return set(own.join(payable, on="line", how="semi")["nik"].to_list())


def _lapsing_enrollments(invoice: Invoice, deadline: date) -> QuerySet[Enrollment]:
    """BPU memberships the unpaid ``invoice`` may end on ``deadline``: people the bill billed for
    its own month, covered in that month and still covered on ``deadline`` (:func:`apply_lapse`
    keeps those of them who owe on it, :func:`_owed_niks`)."""
    billed = InvoiceLine.objects.filter(invoice=invoice, period=invoice.period).values("nik")
    return Enrollment.objects.filter(
        Q(coverage_end__isnull=True) | Q(coverage_end__gt=deadline),
        person__nik__in=billed,
        segment__category=Segment.Category.BPU,
        status__in=COVERED_STATUSES,
        coverage_start__lt=rc.next_month(invoice.period),
    )


def apply_lapse(actor: Any, today: date | None = None) -> LapseResult:
    """DOMAIN.md §1 on ``today``: a bill still unpaid at its deadline (``core.arrears``: more than
    3 months late) ends the BPU memberships billed on it on that deadline — coverage end set to
    it, status ended, a :class:`Lapse` kept with the previous end. A lapse whose bill has since
    been found paid within the limit (an SP2D dated before the deadline recorded afterwards) is
    undone. Running it again changes nothing."""
    _check(actor, perm.can_record_payment(actor))
    today = today or timezone.localdate()
    rows = accounts.bill_accounts(today)
    lapsing = {r["bill"]: r["deadline"] for r in rows.filter(pl.col("lapses")).iter_rows(named=True)}
    ended = reinstated = 0
    with transaction.atomic():
        for lapse in Lapse.objects.select_related("enrollment").exclude(invoice_id__in=list(lapsing)):
            enrollment = lapse.enrollment
            if enrollment.coverage_end == lapse.ended_on:
                enrollment.coverage_end = lapse.previous_end
                if lapse.previous_end is None or lapse.previous_end > today:
                    enrollment.status = Enrollment.Status.ACTIVE
                enrollment.updated_at = timezone.now()
                enrollment.save(update_fields=["coverage_end", "status", "updated_at"])
                reinstated += 1
            lapse.delete()
        for bill, deadline in sorted(lapsing.items(), key=lambda kv: kv[1]):
            invoice = Invoice.objects.get(pk=bill)
            candidates = list(
                _lapsing_enrollments(invoice, deadline)
                .select_for_update(of=("self",))
                .values_list("pk", "coverage_end", "person__nik")
            )
            if not candidates:  # no BPU membership to end: do not reconcile the bill for nothing
                continue
            owed = _owed_niks(invoice)
            todo = [(pk, end) for pk, end, nik in candidates if nik in owed]
            if not todo:
                continue
            Lapse.objects.bulk_create(
                [Lapse(enrollment_id=pk, invoice=invoice, ended_on=deadline, previous_end=end) for pk, end in todo]
            )
            Enrollment.objects.filter(pk__in=[pk for pk, _ in todo]).update(
                coverage_end=deadline,
                status=Enrollment.Status.ENDED,
                reason=f"Tunggakan iuran tagihan {invoice.period:%m/%Y} melewati 3 bulan",
                updated_at=timezone.now(),
            )
            ended += len(todo)
            log_change(
                actor,
                ChangeLog.Action.UPDATE,
                "billing.lapse",
                invoice.pk,
                count=len(todo),
                changes={"coverage_end": [None, deadline]},
                reason=f"Kepesertaan BPU berakhir: tagihan {invoice.period:%m/%Y} belum lunas sampai {_day(deadline)}",
            )
    per_bill = (
        Lapse.objects.values_list("invoice__period", "ended_on").annotate(n=Count("pk")).order_by("invoice__period")
    )
    return LapseResult(ended, reinstated, [(p, d, n) for p, d, n in per_bill])

"""``ucjamsostek billing import FILE [--period YYYY-MM] [--replace]``,
``billing reconcile --period YYYY-MM --out DIR`` (DESIGN.md §5.4),
``billing pay --period YYYY-MM --sp2d NO --date YYYY-MM-DD --amount RP`` (an SP2D),
``billing pay --period YYYY-MM --credit-from YYYY-MM [--amount RP] [--date YYYY-MM-DD]`` (the
over-payment of an earlier bill set against this one), ``billing arrears [--json] [--today D]``
(``{"total": N, "credit": N, "bills": [...]}``, integer rupiah), ``billing lapse [--today D]``
(BPU memberships ended by bills unpaid past the 3-month limit)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ucjamsostek.accounts.permissions import SYSTEM
from ucjamsostek.agreements.management.commands._common import parse_date, rp, run
from ucjamsostek.agreements.selectors import get_agreement_by_number
from ucjamsostek.billing import accounts, services
from ucjamsostek.billing.models import Invoice
from ucjamsostek.core.arrears import STATUS_LABELS
from ucjamsostek.core.bpjsfiles import parse_period
from ucjamsostek.core.money import parse_rupiah
from ucjamsostek.core.reconcile import CLASS_LABELS


class Command(BaseCommand):
    help = "Tagihan BPJS: import, reconcile, pay, arrears"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["import", "reconcile", "pay", "arrears", "lapse"])
        parser.add_argument("file", nargs="?", help="berkas tagihan (import)")
        parser.add_argument("--period", help="2026-01, 01/2026 atau Januari 2026")
        parser.add_argument("--out", help="folder keluaran (reconcile)")
        parser.add_argument("--replace", action="store_true", help="ganti tagihan periode yang sama")
        parser.add_argument("--number", default="", help="nomor tagihan")
        parser.add_argument("--sp2d", help="nomor SP2D (pay)")
        parser.add_argument("--date", help="tanggal SP2D YYYY-MM-DD (pay)")
        parser.add_argument("--amount", help="jumlah dibayar (Rp)")
        parser.add_argument("--agreement", help="pay: nomor PKS yang dibayar sekaligus (tanpa tagihan bulanan)")
        parser.add_argument(
            "--credit-from", metavar="YYYY-MM", help="pay: perhitungkan kelebihan bayar tagihan periode ini"
        )
        parser.add_argument("--json", action="store_true", help="arrears: hasil sebagai JSON (rupiah bulat)")
        parser.add_argument("--today", help="arrears, lapse: tanggal acuan YYYY-MM-DD (bawaan hari ini)")

    def handle(self, *args: Any, **o: Any) -> None:
        period = run(lambda: parse_period(o["period"])) if o["period"] else None
        out = self.stdout.write
        if o["action"] == "import":
            if not o["file"]:
                raise CommandError("gunakan: billing import BERKAS [--period YYYY-MM]", returncode=2)
            made, created = run(
                lambda: services.import_bill(SYSTEM, o["file"], period=period, number=o["number"], replace=o["replace"])
            )
            if not created:
                out(
                    f"Berkas ini sudah diimpor sebagai tagihan {made.period:%m/%Y} "
                    f"({made.line_count} baris, {rp(made.billed_total)}); tidak ada yang berubah."
                )
                return
            out(f"Tagihan {made.period:%m/%Y}: {made.line_count} baris, {rp(made.billed_total)}.")
        elif o["action"] == "reconcile":
            if period is None or not o["out"]:
                raise CommandError("gunakan: billing reconcile --period YYYY-MM --out FOLDER", returncode=2)
            rec = run(lambda: services.reconcile_period(period))
            csv_path, xlsx_path = services.write_reconciliation(rec, o["out"])
            for r in rec.summary.iter_rows(named=True):
                if r["lines"]:
                    out(f"{CLASS_LABELS[r['class']]}: {r['lines']} baris, selisih {rp(r['difference'])}")
            out(
                f"Ditagih {rp(rec.totals['billed'])}, wajib dibayar {rp(rec.totals['payable'])}. "
                f"Ditulis: {csv_path}, {xlsx_path}"
            )
        elif o["action"] == "pay":
            if o["credit_from"]:
                self._credit(period, o)
            else:
                self._pay(period, o)
        elif o["action"] == "lapse":
            result = run(lambda: services.apply_lapse(SYSTEM, parse_date(o["today"], "--today")))
            out(f"Kepesertaan BPU berakhir karena tunggakan: {result.ended} baru, {result.reinstated} dipulihkan.")
            for bill_period, deadline, n in result.bills:
                out(f"{bill_period:%m/%Y}\tberakhir {deadline:%d-%m-%Y}\t{n} kepesertaan")
        else:
            report = accounts.arrears_report(parse_date(o["today"], "--today"))
            if o["json"]:
                out(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
                return
            for r in report.bills:
                out(
                    f"{r['period']:%m/%Y}\twajib dibayar {rp(r['due'])}\tdibayar {rp(r['paid'])}\t"
                    f"kredit {rp(r['credit_in'] - r['credit_out'])}\ttunggakan {rp(r['outstanding'])}\t"
                    f"lebih bayar {rp(r['credit'])}\t{STATUS_LABELS[r['status']]}"
                )
            out(f"Jumlah tunggakan {rp(report.total)}; kelebihan bayar belum diperhitungkan {rp(report.credit)}.")

    def _invoice(self, period: Any, option: str) -> Invoice:
        inv = Invoice.objects.filter(period=period).first()
        if inv is None:
            raise CommandError(f"{option}: belum ada tagihan periode {period:%m/%Y}", returncode=2)
        return inv

    def _pay(self, period: Any, o: dict[str, Any]) -> None:
        if (period is None and not o["agreement"]) or not o["sp2d"] or not o["amount"]:
            raise CommandError(
                "gunakan: billing pay (--period YYYY-MM | --agreement NOMOR) --sp2d NOMOR --date YYYY-MM-DD "
                "--amount RP, atau billing pay --period YYYY-MM --credit-from YYYY-MM",
                returncode=2,
            )
        inv = self._invoice(period, "--period") if period else None
        agreement = None
        if o["agreement"]:
            agreement = get_agreement_by_number(o["agreement"])
            if agreement is None:
                raise CommandError(f"PKS nomor {o['agreement']!r} tidak ditemukan", returncode=2)
        paid_on = parse_date(o["date"], "--date")
        if paid_on is None:
            raise CommandError("--date wajib diisi", returncode=2)
        amount = run(lambda: parse_rupiah(o["amount"], label="--amount"))
        pay = run(
            lambda: services.record_payment(
                SYSTEM, inv, sp2d_number=o["sp2d"], paid_on=paid_on, amount=amount, agreement=agreement
            )
        )
        what = f"tagihan {inv.period:%m/%Y}" if inv else f"PKS {o['agreement']}"
        self.stdout.write(f"SP2D {pay.sp2d_number} {rp(pay.amount)} dicatat untuk {what}.")
        if inv is not None:
            account = accounts.account_of(inv)
            if account["credit"] > 0:
                self.stdout.write(
                    f"Kelebihan bayar {rp(account['credit'])} dicatat sebagai kredit tagihan {inv.period:%m/%Y}; "
                    f"perhitungkan ke tagihan berikutnya: billing pay --period YYYY-MM --credit-from "
                    f"{inv.period:%Y-%m}"
                )

    def _credit(self, period: Any, o: dict[str, Any]) -> None:
        if period is None:
            raise CommandError(
                "gunakan: billing pay --period YYYY-MM --credit-from YYYY-MM [--amount RP]", returncode=2
            )
        source = self._invoice(run(lambda: parse_period(o["credit_from"])), "--credit-from")
        target = self._invoice(period, "--period")
        amount = run(lambda: parse_rupiah(o["amount"], label="--amount")) if o["amount"] else None
        applied_on = parse_date(o["date"], "--date")
        credit = run(lambda: services.apply_credit(SYSTEM, source, target, amount=amount, applied_on=applied_on))
        self.stdout.write(
            f"Kelebihan bayar tagihan {source.period:%m/%Y} {rp(credit.amount)} diperhitungkan ke tagihan "
            f"{target.period:%m/%Y}."
        )

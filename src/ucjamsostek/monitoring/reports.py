"""The Rakor Monev report (PDF and xlsx) and the 6-monthly Inpres 2/2021 report (xlsx).

Built from the same :func:`selectors.dashboard_for_area` data the dashboard shows, so the report's
totals equal the dashboard's. PDF with ReportLab (pip only, no system library), charts drawn with
ReportLab graphics; xlsx with XlsxWriter. Everything in Bahasa Indonesia.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from ucjamsostek.assistance import selectors as assistance_selectors
from ucjamsostek.assistance.selectors import AssistanceTotals
from ucjamsostek.core import indicators as ind
from ucjamsostek.core.errors import UserError
from ucjamsostek.core.money import format_number, format_rupiah
from ucjamsostek.core.xlsxout import new_workbook
from ucjamsostek.jobs.selectors import jobs_for
from ucjamsostek.monitoring import selectors
from ucjamsostek.monitoring.selectors import Dashboard

STATUS_ID = {"eligible": "Layak", "review": "Perlu diperiksa", "rejected": "Ditolak"}
ACTION_STATUS_ID = {
    "not_started": "Belum dimulai",
    "in_progress": "Dalam proses",
    "done": "Selesai",
    "n_a": "Tidak berlaku",
}
FOLLOW_UP_STATUS_ID = {
    "open": "Terbuka",
    "done": "Selesai",
    "carried": "Dibawa ke rapat berikutnya",
    "dropped": "Dibatalkan",
}


@dataclass
class ReportData:
    d: Dashboard
    regency: str
    generated: datetime
    actions: list[Any]
    follow_ups: list[Any]
    meeting: Any
    bsu: AssistanceTotals | None = None  # BSU payouts since the programme began, flagged ones apart


def collect(period: str, area: str | None = None) -> ReportData:
    code = area or settings.AREA_CODE
    d = selectors.computed_dashboard(code, period)
    regency = next((n for c, n in d.lineage if c == settings.AREA_CODE), d.area_name)
    meeting = selectors.latest_meeting()
    return ReportData(
        d=d,
        regency=regency,
        generated=timezone.localtime(),
        actions=list(selectors.action_items(d.period.year)),
        follow_ups=selectors.follow_ups_of(meeting) if meeting else [],
        meeting=meeting,
        bsu=assistance_selectors.totals(None, d.period.end, area=code),
    )


def bsu_flag_rows(r: ReportData) -> list[list[Any]]:
    """BSU payouts since the programme began that a check flags: reason, lines, people, rupiah
    disbursed (the amount at stake); the last row the flagged payments together."""
    if r.bsu is None:
        return []
    rows: list[list[Any]] = [[t.label, t.lines, t.people, t.amount] for t in r.bsu.reasons]
    return rows + [["Jumlah pembayaran ditandai", r.bsu.flagged_payments, r.bsu.flagged_people, r.bsu.flagged_amount]]


def _num(v: int | None) -> str:
    return ind.NO_DATA if v is None else format_number(v)


def _rp(v: int | None) -> str:
    return ind.NO_DATA if v is None else format_rupiah(v)


def summary_rows(r: ReportData) -> list[tuple[str, str]]:
    d = r.d
    h = d.headline
    c = d.claims["cumulative"]
    rows = [
        ("Peserta aktif", _num(h["active"])),
        (
            "Jumlah pekerja (penyebut)",
            _num(h["workers"]) + (f" (sumber: {h['workers_source']}, {h['workers_year']})" if h["workers"] else ""),
        ),
        ("Cakupan kepesertaan", h["coverage_text"]),
    ]
    if h["target"]:
        rows.append((f"Target {d.period.year} ({h['target_label']})", _num(h["target"])))
        rows.append(("Capaian target", f"{h['progress_text']} ({_num(h['target_actual'])} peserta)"))
    else:
        rows.append((f"Target {d.period.year}", "belum ditetapkan"))
    rows += [
        ("Anggaran dialokasikan", _rp(d.budget.get("budget_allocated"))),
        ("Iuran ditagihkan", _rp(d.budget.get("billed"))),
        ("Iuran dibayar", _rp(d.budget.get("paid"))),
        ("Tunggakan", _rp(d.budget.get("arrears"))),
        ("Realisasi anggaran", d.budget["realisation_text"]),
        (
            "Klaim dibayar dalam periode",
            f"{_num(d.claims['period']['count'])} klaim, {_rp(d.claims['period']['amount'])}",
        ),
        ("Klaim sejak program berjalan", f"{_num(c['count'])} klaim, {_rp(c['amount'])}"),
        ("Rasio klaim", d.claims["ratio_text"]),
        ("Penerima BSU dalam periode", f"{_num(d.bsu['count'])} orang, {_rp(d.bsu['amount'])}"),
        ("Penerima BSU sejak awal", f"{_num(d.bsu['cumulative_count'])} orang, {_rp(d.bsu['cumulative_amount'])}"),
        ("Usulan divalidasi", _num(d.nominations.get("total", 0) if "NOMINATIONS" not in d.unavailable else None)),
        ("Terpapar kesenjangan perlindungan", _num(d.gap)),
    ]
    return rows


def _file_name(period: str, suffix: str) -> str:
    return f"laporan-monev-{period}.{suffix}"


# --------------------------------------------------------------------------------------------------
# PDF
# --------------------------------------------------------------------------------------------------


def build_pdf(r: ReportData) -> bytes:
    # heavy: reportlab is loaded only when a PDF is made
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.charts.linecharts import HorizontalLineChart
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import (
        KeepTogether,
        PageBreak,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    d = r.d
    styles = getSampleStyleSheet()
    h1 = ParagraphStyle("h1", parent=styles["Heading1"], fontSize=15, spaceAfter=8)
    h2 = ParagraphStyle("h2", parent=styles["Heading2"], fontSize=12, spaceBefore=10, spaceAfter=6)
    body = ParagraphStyle("body", parent=styles["BodyText"], fontSize=9.5, leading=12.5)
    small = ParagraphStyle("small", parent=body, fontSize=8, leading=10)
    cover_title = ParagraphStyle("ct", parent=h1, fontSize=20, leading=26, alignment=TA_CENTER, spaceAfter=18)
    cover_sub = ParagraphStyle("cs", parent=body, fontSize=13, leading=18, alignment=TA_CENTER)
    green = colors.HexColor("#0b6e4f")

    def esc(text: Any) -> str:
        return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    def table(rows: list[list[Any]], widths: list[float] | None = None, header: bool = True) -> Table:
        data = [[Paragraph(esc(c), small) if isinstance(c, str) and len(c) > 30 else c for c in row] for row in rows]
        t = Table(data, colWidths=widths, repeatRows=1 if header else 0)
        style = [
            ("FONT", (0, 0), (-1, -1), "Helvetica", 8.5),
            ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f3f6f4")]),
        ]
        if header:
            style += [
                ("BACKGROUND", (0, 0), (-1, 0), green),
                ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
                ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8.5),
            ]
        t.setStyle(TableStyle(style))
        return t

    story: list[Any] = []
    # ---- cover
    story += [
        Spacer(1, 5 * cm),
        Paragraph("LAPORAN RAPAT KOORDINASI<br/>MONITORING DAN EVALUASI", cover_title),
        Paragraph("Program Universal Coverage Jaminan Sosial Ketenagakerjaan", cover_sub),
        Spacer(1, 1.2 * cm),
        Paragraph(esc(r.regency.upper()), ParagraphStyle("rg", parent=cover_title, fontSize=17)),
        Paragraph(f"Periode: {esc(d.period.label)}", cover_sub),
        Spacer(1, 0.5 * cm),
        Paragraph(
            f"Wilayah: {esc(d.area_name)}" if d.area_code != settings.AREA_CODE else "Seluruh wilayah kabupaten",
            cover_sub,
        ),
        Spacer(1, 5 * cm),
        Paragraph(
            f"Disusun otomatis oleh sistem UC Jamsostek pada {r.generated:%d-%m-%Y %H:%M}. "
            f"Angka dihitung dari data sistem pada {timezone.localtime(d.snapshot.computed_at):%d-%m-%Y %H:%M}.",
            ParagraphStyle("gen", parent=small, alignment=TA_CENTER),
        ),
        PageBreak(),
    ]
    # ---- summary
    story.append(Paragraph("1. Ringkasan", h1))
    cum = d.claims["cumulative"]
    if cum["count"]:
        story.append(Paragraph(esc(cum["sentence"]) + " sejak program berjalan.", body))
        story.append(Spacer(1, 6))
    story.append(table([["Indikator", "Nilai"], *[[a, b] for a, b in summary_rows(r)]], [8 * cm, 8.5 * cm]))
    if d.unavailable:
        story.append(Spacer(1, 6))
        story.append(Paragraph("Indikator yang belum dapat dihitung (data belum tersedia di sistem):", small))
        for code, why in sorted(d.unavailable.items()):
            name = ind.INDICATOR_BY_CODE[code].name_id if code in ind.INDICATOR_BY_CODE else code
            story.append(Paragraph(f"• {esc(name)}: {esc(why)}", small))

    # ---- participants
    story.append(Paragraph("2. Kepesertaan", h1))
    if d.trend:
        dr = Drawing(16 * cm, 6 * cm)
        lc = HorizontalLineChart()
        lc.x, lc.y, lc.width, lc.height = 40, 30, 16 * cm - 60, 6 * cm - 50
        lc.data = [[n for _, _, n in d.trend]]
        lc.categoryAxis.categoryNames = [
            lab if i % max(1, len(d.trend) // 8) == 0 else "" for i, (_, lab, _) in enumerate(d.trend)
        ]
        lc.categoryAxis.labels.fontSize = 7
        lc.valueAxis.labels.fontSize = 7
        lc.valueAxis.valueMin = 0
        lc.lines[0].strokeColor = green
        lc.lines[0].strokeWidth = 2
        dr.add(lc)
        dr.add(String(40, 6 * cm - 12, "Peserta aktif per bulan", fontSize=9))
        story.append(KeepTogether([dr]))
    story.append(Paragraph("Peserta aktif per segmen dan sumber dana", h2))
    seg_rows = [["Segmen", "Peserta aktif"], *[[n, format_number(v)] for n, v in d.by_segment]]
    cat_rows = [["Kategori BPJS", "Peserta aktif"], *[[n, format_number(v)] for n, v in d.by_category]]
    fund_rows = [["Sumber dana", "Peserta aktif"], *[[n, format_number(v)] for n, v in d.by_funder]]
    story.append(table(seg_rows, [10 * cm, 4 * cm]))
    story.append(Spacer(1, 6))
    story.append(table(cat_rows, [10 * cm, 4 * cm]))
    story.append(Spacer(1, 6))
    story.append(table(fund_rows, [10 * cm, 4 * cm]))
    if d.coverage_by:
        story.append(Paragraph("Cakupan per kategori/segmen", h2))
        story.append(
            table(
                [
                    ["Kategori/segmen", "Peserta aktif", "Pekerja", "Cakupan"],
                    *[[lab, format_number(n), _num(w), txt] for lab, n, w, txt in d.coverage_by],
                ],
                [7 * cm, 3 * cm, 3 * cm, 3 * cm],
            )
        )
    if d.ranking:
        story.append(Paragraph(f"Cakupan per {d.ranking_level} (terendah lebih dahulu)", h2))
        with_data = [b for b in d.ranking if b.value is not None]
        if with_data:
            dr = Drawing(16 * cm, max(3 * cm, 0.55 * cm * len(with_data) + 1.5 * cm))
            bc = HorizontalBarChart()
            bc.x, bc.y = 110, 20
            bc.width, bc.height = 16 * cm - 140, dr.height - 35
            bc.data = [[round(float(b.value or 0) * 100, 1) for b in reversed(with_data)]]
            bc.categoryAxis.categoryNames = [b.name[:22] for b in reversed(with_data)]
            bc.categoryAxis.labels.fontSize = 7
            bc.valueAxis.labels.fontSize = 7
            bc.valueAxis.valueMin = 0
            bc.bars[0].fillColor = green
            dr.add(bc)
            story.append(dr)
        story.append(
            table(
                [
                    ["Wilayah", "Peserta aktif", "Pekerja", "Cakupan"],
                    *[[b.name, format_number(b.active), _num(b.workers), b.text] for b in d.ranking],
                ],
                [7 * cm, 3 * cm, 3 * cm, 3 * cm],
            )
        )
    if d.desa_ranking:
        story.append(Paragraph("Cakupan per desa/kelurahan (terendah lebih dahulu)", h2))
        story.append(
            table(
                [
                    ["Desa/Kelurahan", "Peserta aktif", "Pekerja", "Cakupan"],
                    *[[b.name, format_number(b.active), _num(b.workers), b.text] for b in d.desa_ranking],
                ],
                [7 * cm, 3 * cm, 3 * cm, 3 * cm],
            )
        )
    # ---- budget
    story.append(Paragraph("3. Anggaran dan pembayaran iuran", h1))
    b = d.budget
    story.append(
        table(
            [
                ["Uraian", "Nilai"],
                ["Anggaran dialokasikan", _rp(b.get("budget_allocated"))],
                ["Iuran ditagihkan", _rp(b.get("billed"))],
                ["Iuran dibayar", _rp(b.get("paid"))],
                ["Tunggakan", _rp(b.get("arrears"))],
                ["Realisasi anggaran", b["realisation_text"]],
            ],
            [8 * cm, 8 * cm],
        )
    )
    # ---- claims
    story.append(Paragraph("4. Klaim", h1))
    for label, key in (("Dalam periode", "period"), ("Sejak program berjalan", "cumulative")):
        c = d.claims[key]
        story.append(Paragraph(label, h2))
        rows = [
            ["Jenis klaim", "Jumlah", "Nominal"],
            *[[t, format_number(n), format_rupiah(a)] for t, n, a in c["by_type"]],
        ]
        rows.append(["Jumlah", _num(c["count"]), _rp(c["amount"])])
        story.append(table(rows, [6 * cm, 4 * cm, 6 * cm]))
    story.append(
        Paragraph(f"Rasio klaim (klaim dibayar ÷ iuran dibayar dalam periode): {esc(d.claims['ratio_text'])}", body)
    )
    # ---- BSU
    story.append(Paragraph("5. Bantuan Subsidi Upah (BSU)", h1))
    story.append(
        table(
            [
                ["Uraian", "Nilai"],
                ["Penerima dalam periode", _num(d.bsu["count"])],
                ["Nominal tersalur dalam periode", _rp(d.bsu["amount"])],
                ["Penerima sejak awal", _num(d.bsu["cumulative_count"])],
                ["Nominal sejak awal", _rp(d.bsu["cumulative_amount"])],
            ],
            [8 * cm, 8 * cm],
        )
    )
    if r.bsu is not None and r.bsu.flagged_payments:
        story.append(
            Paragraph(
                f"Penyaluran sejak awal: {format_number(r.bsu.payments)} pembayaran kepada "
                f"{format_number(r.bsu.people)} orang. Yang tidak memenuhi syarat, dengan nominal yang "
                "dipertaruhkan:",
                body,
            )
        )
        flagged = [
            [label, _num(lines), _num(people), _rp(amount)]
            for label, lines, people, amount in bsu_flag_rows(r)
        ]
        story.append(table([["Alasan", "Baris", "Orang", "Tersalur"], *flagged], [7 * cm, 2.5 * cm, 2.5 * cm, 4 * cm]))
    # ---- nominations
    story.append(Paragraph("6. Usulan dan validasi", h1))
    story.append(
        table(
            [
                ["Hasil validasi", "Baris usulan"],
                *[[STATUS_ID.get(k, k), format_number(v)] for k, v in sorted(d.nominations.items()) if k != "total"],
                ["Jumlah", format_number(d.nominations.get("total", 0))],
            ],
            [8 * cm, 8 * cm],
        )
    )
    story.append(
        Paragraph(
            f"Penduduk terpapar kesenjangan perlindungan pada {d.period.last_day:%d-%m-%Y}: {esc(_num(d.gap))}", body
        )
    )
    # ---- checklist
    story.append(PageBreak())
    story.append(Paragraph(f"7. Rencana aksi Inpres No. 2 Tahun 2021 (tahun {d.period.year})", h1))
    rows = [["No", "Butir", "Penanggung jawab", "Status", "Batas waktu", "Bukti / catatan"]]
    for a in r.actions:
        evidence = "; ".join(
            x
            for x in (a.evidence_url, a.apbd_line, Path(a.evidence_file.name).name if a.evidence_file else "", a.notes)
            if x
        )
        rows.append(
            [
                str(a.number),
                Paragraph(esc(a.title), small),
                Paragraph(esc(a.organisation.name if a.organisation else a.responsible), small),
                ACTION_STATUS_ID.get(a.status, a.status),
                a.due_date.strftime("%d-%m-%Y") if a.due_date else "-",
                Paragraph(esc(evidence or "-"), small),
            ]
        )
    story.append(table(rows, [1 * cm, 4.2 * cm, 3.3 * cm, 2.3 * cm, 2.2 * cm, 4.5 * cm]))
    # ---- follow-ups
    story.append(Paragraph("8. Rencana tindak lanjut", h1))
    if r.meeting:
        story.append(Paragraph(f"Rapat terakhir: {esc(r.meeting.title)}, {r.meeting.date:%d-%m-%Y}", body))
        rows = [["No", "Tindak lanjut", "Penanggung jawab", "Batas waktu", "Status"]]
        for f in r.follow_ups:
            carried = f" (lanjutan rapat {f.carried_from.meeting.date:%d-%m-%Y})" if f.carried_from_id else ""
            rows.append(
                [
                    str(f.number),
                    Paragraph(esc(f.action + carried), small),
                    Paragraph(esc(f.owner), small),
                    f.deadline.strftime("%d-%m-%Y") if f.deadline else "-",
                    FOLLOW_UP_STATUS_ID.get(f.status, f.status),
                ]
            )
        story.append(table(rows, [1 * cm, 7 * cm, 3.5 * cm, 2.3 * cm, 3.2 * cm]))
    else:
        story.append(Paragraph("Belum ada rapat yang dicatat.", body))
    # ---- annex: every figure of the dictionary with its value and its definition
    story.append(PageBreak())
    story.append(Paragraph("Lampiran. Indikator dan definisinya", h1))
    story.append(
        Paragraph(
            "Setiap angka laporan ini dibaca dari kamus indikator: nilai yang sama ditampilkan di dasbor, "
            "berkas xlsx, API dan perintah konsol untuk periode dan wilayah yang sama.",
            body,
        )
    )
    for f, (code, name, definition, numerator, denominator, as_of, level, sources) in zip(
        d.figures, definition_rows(r), strict=True
    ):
        story.append(
            KeepTogether(
                [
                    Paragraph(f"<b>{esc(name)}</b> ({esc(code)}): {esc(f.text)} — {esc(f.window)}", body),
                    Paragraph(esc(definition), small),
                    Paragraph(f"Pembilang: {esc(numerator)}. Penyebut: {esc(denominator)}.", small),
                    Paragraph(f"Tanggal acuan: {esc(as_of)}. Wilayah: {esc(level)}", small),
                    Paragraph(f"Tabel sumber: {esc(sources)}", small),
                    Spacer(1, 5),
                ]
            )
        )

    def footer(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 7.5)
        canvas.drawString(2 * cm, 1.2 * cm, f"Laporan Rakor Monev UC Jamsostek — {r.regency} — {d.period.label}")
        canvas.drawRightString(A4[0] - 2 * cm, 1.2 * cm, f"Halaman {doc.page}")
        canvas.restoreState()

    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        topMargin=2 * cm,
        bottomMargin=2 * cm,
        title=f"Laporan Rakor Monev {d.period.label}",
        author="UC Jamsostek",
        lang="id",
    )
    doc.build(story, onFirstPage=lambda c, dd: None, onLaterPages=footer)
    return buf.getvalue()


# --------------------------------------------------------------------------------------------------
# xlsx
# --------------------------------------------------------------------------------------------------


def _sheet(wb: Any, name: str, header: list[str], rows: list[list[Any]], fmt: Any, widths: list[int]) -> None:
    ws = wb.add_worksheet(name[:31])
    ws.write_row(0, 0, header, fmt["head"])
    for i, row in enumerate(rows, start=1):
        for j, value in enumerate(row):
            if isinstance(value, int) and not isinstance(value, bool):
                ws.write_number(i, j, value, fmt["int"])
            elif value is None:
                ws.write_string(i, j, ind.NO_DATA)
            else:
                ws.write(i, j, value)
    for j, w in enumerate(widths):
        ws.set_column(j, j, w)
    ws.freeze_panes(1, 0)
    if rows:
        ws.autofilter(0, 0, len(rows), len(header) - 1)


def _formats(wb: Any) -> dict[str, Any]:
    return {
        "head": wb.add_format({"bold": True, "bg_color": "#0b6e4f", "font_color": "#ffffff", "text_wrap": True}),
        "int": wb.add_format({"num_format": "#,##0"}),
        "title": wb.add_format({"bold": True, "font_size": 14}),
    }


def _pct(v: Any) -> float | None:
    return None if v is None else round(float(v) * 100, 2)


def build_xlsx(r: ReportData) -> bytes:
    d = r.d
    buf = io.BytesIO()
    wb = new_workbook(buf)
    fmt = _formats(wb)
    ws = wb.add_worksheet("Ringkasan")
    ws.write(0, 0, f"Laporan Rakor Monev UC Jamsostek — {r.regency}", fmt["title"])
    ws.write(1, 0, f"Periode: {d.period.label} ({d.period.code}); wilayah: {d.area_name}")
    ws.write(2, 0, f"Dihitung dari data sistem pada {timezone.localtime(d.snapshot.computed_at):%d-%m-%Y %H:%M}")
    ws.write_row(4, 0, ["Indikator", "Nilai"], fmt["head"])
    for i, (a, b) in enumerate(summary_rows(r), start=5):
        ws.write(i, 0, a)
        ws.write(i, 1, b)
    ws.set_column(0, 0, 42)
    ws.set_column(1, 1, 50)
    _figures_sheet(wb, r, fmt)
    _sheet(wb, "Tren bulanan", ["Bulan", "Peserta aktif"], [[c, n] for c, _, n in d.trend], fmt, [12, 16])
    _sheet(wb, "Segmen", ["Segmen", "Peserta aktif"], [[n, v] for n, v in d.by_segment], fmt, [36, 16])
    _sheet(wb, "Sumber dana", ["Sumber dana", "Peserta aktif"], [[n, v] for n, v in d.by_funder], fmt, [36, 16])
    area_head = ["Kode", "Wilayah", "Peserta aktif", "Pekerja", "Cakupan (%)"]
    _sheet(
        wb,
        "Kecamatan",
        area_head,
        [[b.code, b.name, b.active, b.workers, _pct(b.value)] for b in d.ranking],
        fmt,
        [14, 30, 14, 14, 14],
    )
    _sheet(
        wb,
        "Desa",
        area_head,
        [[b.code, b.name, b.active, b.workers, _pct(b.value)] for b in d.desa_ranking],
        fmt,
        [16, 30, 14, 14, 14],
    )
    bud = d.budget
    _sheet(
        wb,
        "Anggaran",
        ["Uraian", "Rupiah"],
        [
            ["Anggaran dialokasikan", bud.get("budget_allocated")],
            ["Iuran ditagihkan", bud.get("billed")],
            ["Iuran dibayar", bud.get("paid")],
            ["Tunggakan", bud.get("arrears")],
        ],
        fmt,
        [30, 20],
    )
    claims_rows: list[list[Any]] = []
    for label, key in (("periode", "period"), ("sejak awal program", "cumulative")):
        c = d.claims[key]
        claims_rows += [[label, t, n, a] for t, n, a in c["by_type"]]
        claims_rows.append([label, "Jumlah", c["count"], c["amount"]])
    _sheet(wb, "Klaim", ["Cakupan waktu", "Jenis", "Jumlah klaim", "Nominal (Rp)"], claims_rows, fmt, [20, 14, 14, 20])
    _sheet(
        wb, "BSU", ["Uraian", "Nilai"], [["Penerima", d.bsu["count"]], ["Nominal (Rp)", d.bsu["amount"]]], fmt, [20, 20]
    )
    _sheet(wb, "BSU ditandai", ["Alasan", "Baris", "Orang", "Tersalur (Rp)"], bsu_flag_rows(r), fmt, [44, 10, 10, 16])
    _sheet(
        wb,
        "Usulan",
        ["Hasil", "Baris"],
        [[STATUS_ID.get(k, k), v] for k, v in sorted(d.nominations.items())],
        fmt,
        [20, 12],
    )
    _action_sheet(wb, r, fmt)
    _follow_up_sheet(wb, r, fmt)
    wb.close()
    return buf.getvalue()


#: Columns of the xlsx sheet "Indikator": one row per entry of the indicator dictionary.
FIGURE_COLUMNS = [
    "Kode",
    "Indikator",
    "Rentang waktu",
    "Nilai",
    "Pembilang",
    "Penyebut",
    "Nilai (angka)",
    "Satuan",
    "Keterangan",
]
#: Columns of the annex sheet: each figure's definition (the indicator dictionary).
DEFINITION_COLUMNS = [
    "Kode",
    "Indikator",
    "Definisi",
    "Pembilang",
    "Penyebut",
    "Tanggal acuan",
    "Wilayah",
    "Tabel sumber",
]


def _figures_sheet(wb: Any, r: ReportData, fmt: dict[str, Any]) -> None:
    """Every figure of the dictionary (the dashboard's and the API's values), then its annex."""
    rows: list[list[Any]] = []
    for f in r.d.figures:
        number: Any = f.value
        if number is not None and f.definition.unit is ind.Unit.PERCENT:
            number = round(float(number) * 100, 4)
        rows.append(
            [
                f.code,
                f.definition.name.id,
                f.window,
                f.text,
                f.numerator,
                f.denominator,
                number,
                {"count": "jumlah", "percent": "persen", "rupiah": "Rupiah"}[str(f.definition.unit)],
                f.unavailable,
            ]
        )
    _sheet(wb, "Indikator", FIGURE_COLUMNS, rows, fmt, [22, 36, 22, 24, 16, 16, 16, 10, 36])
    _sheet(wb, "Lampiran definisi", DEFINITION_COLUMNS, definition_rows(r), fmt, [22, 32, 60, 60, 40, 40, 40, 36])


def definition_rows(r: ReportData) -> list[list[str]]:
    """The annex: each figure's definition from the indicator dictionary, in Bahasa Indonesia."""
    return [
        [
            d.code,
            d.name.id,
            d.definition.id,
            d.numerator.id,
            d.denominator.id if d.denominator else "—",
            f"{d.as_of.id} {ind.WINDOW_TEXT[d.window].id}",
            ind.LEVEL_TEXT[d.level].id,
            ", ".join(d.sources),
        ]
        for d in (f.definition for f in r.d.figures)
    ]


def _action_sheet(wb: Any, r: ReportData, fmt: dict[str, Any]) -> None:
    _sheet(
        wb,
        "Rencana aksi Inpres",
        [
            "No",
            "Butir",
            "Uraian",
            "Penanggung jawab",
            "Status",
            "Batas waktu",
            "Tautan bukti",
            "Mata anggaran APBD",
            "Dokumen",
            "Catatan",
        ],
        [
            [
                a.number,
                a.title,
                a.description,
                a.organisation.name if a.organisation else a.responsible,
                ACTION_STATUS_ID.get(a.status, a.status),
                a.due_date.strftime("%d-%m-%Y") if a.due_date else "",
                a.evidence_url,
                a.apbd_line,
                Path(a.evidence_file.name).name if a.evidence_file else "",
                a.notes,
            ]
            for a in r.actions
        ],
        fmt,
        [5, 34, 50, 24, 16, 12, 30, 24, 20, 40],
    )


def _follow_up_sheet(wb: Any, r: ReportData, fmt: dict[str, Any]) -> None:
    _sheet(
        wb,
        "Tindak lanjut",
        ["No", "Tindak lanjut", "Penanggung jawab", "Batas waktu", "Status", "Lanjutan dari rapat"],
        [
            [
                f.number,
                f.action,
                f.owner,
                f.deadline.strftime("%d-%m-%Y") if f.deadline else "",
                FOLLOW_UP_STATUS_ID.get(f.status, f.status),
                f.carried_from.meeting.date.strftime("%d-%m-%Y") if f.carried_from_id else "",
            ]
            for f in r.follow_ups
        ],
        fmt,
        [5, 60, 26, 12, 20, 18],
    )


def build_inpres_xlsx(r: ReportData) -> bytes:
    """The 6-monthly Inpres 2/2021 report as a table set."""
    d = r.d
    buf = io.BytesIO()
    wb = new_workbook(buf)
    fmt = _formats(wb)
    ws = wb.add_worksheet("Identitas")
    for i, (a, b) in enumerate(
        [
            ("Laporan", "Pelaksanaan Inpres No. 2 Tahun 2021 (laporan semesteran)"),
            ("Daerah", r.regency),
            ("Kode wilayah (Kemendagri)", settings.AREA_CODE),
            ("Periode", d.period.label),
            ("Tanggal data", d.period.last_day.strftime("%d-%m-%Y")),
            ("Disusun", r.generated.strftime("%d-%m-%Y %H:%M")),
        ]
    ):
        ws.write(i, 0, a, fmt["head"])
        ws.write(i, 1, b)
    ws.set_column(0, 0, 28)
    ws.set_column(1, 1, 60)
    _action_sheet(wb, r, fmt)
    _sheet(
        wb,
        "Kepesertaan",
        ["Kategori/segmen", "Peserta aktif"],
        [[f"Kategori {n}", v] for n, v in d.by_category] + [[n, v] for n, v in d.by_segment],
        fmt,
        [40, 16],
    )
    h = d.headline
    _sheet(
        wb,
        "Cakupan",
        ["Wilayah", "Peserta aktif", "Pekerja", "Sumber/tahun data pekerja", "Cakupan (%)", "Target", "Capaian (%)"],
        [
            [
                d.area_name,
                h["active"],
                h["workers"],
                f"{h['workers_source']} {h['workers_year'] or ''}".strip(),
                _pct(h["coverage"]),
                h["target"],
                _pct(h["progress"]),
            ]
        ]
        + [
            [f"{d.area_name} — {lab}", n, w, "", _pct(Fraction(n, w)) if w else None, None, None]
            for lab, n, w, _ in d.coverage_by
        ]
        + [[b.name, b.active, b.workers, "", _pct(b.value), None, None] for b in d.ranking],
        fmt,
        [30, 14, 14, 30, 14, 12, 14],
    )
    bud = d.budget
    _sheet(
        wb,
        "Anggaran",
        ["Uraian", "Rupiah"],
        [
            ["Anggaran APBD dialokasikan", bud.get("budget_allocated")],
            ["Iuran ditagihkan", bud.get("billed")],
            ["Iuran dibayar", bud.get("paid")],
            ["Tunggakan", bud.get("arrears")],
        ],
        fmt,
        [30, 20],
    )
    c = d.claims["period"]
    _sheet(
        wb,
        "Manfaat",
        ["Uraian", "Jumlah", "Nominal (Rp)"],
        [[f"Klaim {t}", n, a] for t, n, a in c["by_type"]]
        + [["Jumlah klaim", c["count"], c["amount"]], ["BSU", d.bsu["count"], d.bsu["amount"]]],
        fmt,
        [24, 12, 20],
    )
    _follow_up_sheet(wb, r, fmt)
    wb.close()
    return buf.getvalue()


def build(period: str, kind: str, area: str | None = None) -> tuple[str, bytes]:
    """``kind`` pdf | xlsx | inpres → (file name, bytes).

    The reports are official documents of the Rakor Monev in Bahasa Indonesia whatever the language
    of the user who asks for them: the texts the selectors give (ranking level, month labels, "tidak
    ada data") are made under Indonesian.
    """
    with translation.override("id"):
        return _build(period, kind, area)


def _build(period: str, kind: str, area: str | None = None) -> tuple[str, bytes]:
    r = collect(period, area)
    if kind == "pdf":
        return _file_name(r.d.period.code, "pdf"), build_pdf(r)
    if kind == "xlsx":
        return _file_name(r.d.period.code, "xlsx"), build_xlsx(r)
    if kind == "inpres":
        return f"laporan-inpres-2-2021-{r.d.period.code}.xlsx", build_inpres_xlsx(r)
    raise UserError(f"Jenis laporan tidak dikenal: {kind}")


REPORT_DIR = "monev/laporan"
_SAFE = re.compile(r"^[A-Za-z0-9._-]+$")


REPORT_KIND = "monitoring.report"


def report_job(ctx: Any, period: str, kind: str, area: str) -> dict[str, Any]:
    ctx.progress(gettext_noop("Menyusun laporan"), 0.2)
    name, data = build(period, kind, area)
    ctx.progress(gettext_noop("Menyimpan laporan"), 0.9)
    folder = Path(settings.MEDIA_ROOT) / REPORT_DIR
    folder.mkdir(parents=True, exist_ok=True)
    stored = f"{ctx.job_id}-{name}"
    (folder / stored).write_bytes(data)
    from django.urls import reverse

    return {
        "file": stored,
        "url": reverse("monitoring:report_download", args=[ctx.job_id]),
        "message": f"Laporan {name} siap diunduh.",
    }


def earlier_reports(user: Any, limit: int = 10) -> list[dict[str, Any]]:
    """The user's finished reports whose file is still stored, newest first (the Monev page lists
    them with a download link)."""
    from django.urls import reverse

    done = jobs_for(user).filter(kind=REPORT_KIND, status="done").order_by("-finished_at", "-id")
    out = []
    for job in done[: limit * 3]:
        name = (job.result or {}).get("file", "") if isinstance(job.result, dict) else ""
        if stored_report(name) is None:
            continue
        out.append(
            {
                "name": name.split("-", 1)[-1],
                "finished_at": job.finished_at,
                "url": reverse("monitoring:report_download", args=[job.pk]),
            }
        )
        if len(out) == limit:
            break
    return out


def stored_report(name: str) -> Path | None:
    if not name or not _SAFE.match(name):
        return None
    path = Path(settings.MEDIA_ROOT) / REPORT_DIR / name
    return path if path.is_file() else None

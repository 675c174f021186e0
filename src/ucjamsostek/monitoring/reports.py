"""The Rakor Monev report (PDF and xlsx) and the 6-monthly Inpres 2/2021 report (xlsx).

Built from the same :func:`selectors.dashboard_for_area` data the dashboard shows, so the report's
totals equal the dashboard's. PDF with ReportLab (pip only, no system library), charts drawn with
ReportLab graphics; xlsx with XlsxWriter. Everything in Bahasa Indonesia.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from fractions import Fraction
from pathlib import Path
from typing import Any

import polars as pl
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from ucjamsostek.assistance import selectors as assistance_selectors
from ucjamsostek.assistance.selectors import AssistanceTotals
from ucjamsostek.billing import accounts as billing_accounts
from ucjamsostek.core import arrears
from ucjamsostek.core import indicators as ind
from ucjamsostek.core.errors import UserError
from ucjamsostek.core.money import format_number, format_rupiah
from ucjamsostek.core.xlsxout import new_workbook
from ucjamsostek.jobs.selectors import jobs_for
from ucjamsostek.monitoring import selectors
from ucjamsostek.monitoring.selectors import Dashboard, Letterhead

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
    #: the same area's figures of the period before (the summary's "from X to Y")
    previous: Dashboard | None = None
    letter: Letterhead | None = None
    #: the issued report's number and date ("" / None for a draft made on the console)
    number: str = ""
    issued_on: date | None = None
    #: bills past the BPU 3-month arrears limit on the figures' day: (bills, rupiah unpaid)
    lapsed: tuple[int, int] = (0, 0)


def collect(period: str, area: str | None = None, number: str = "", issued_on: date | None = None) -> ReportData:
    code = area or settings.AREA_CODE
    d = selectors.computed_dashboard(code, period)
    regency = next((n for c, n in d.lineage if c == settings.AREA_CODE), d.area_name)
    meeting = selectors.meeting_for_period(d.period)  # never a later meeting's follow-ups
    previous = selectors.computed_dashboard(code, d.period.previous().code)
    return ReportData(
        d=d,
        regency=regency,
        generated=timezone.localtime(),
        actions=list(selectors.action_items(d.period.year)),
        follow_ups=selectors.follow_ups_of(meeting) if meeting else [],
        meeting=meeting,
        bsu=assistance_selectors.totals(None, d.period.end, area=code),
        previous=previous,
        letter=selectors.letterhead(),
        number=number,
        issued_on=issued_on,
        lapsed=_lapsed(d) if d.area_code == settings.AREA_CODE else (0, 0),
    )


def _lapsed(d: Dashboard) -> tuple[int, int]:
    """Bills unpaid past the BPU 3-month limit on the day the figures were taken."""
    day = d.figures[0].as_of if d.figures and d.figures[0].as_of else d.period.last_day
    frame = billing_accounts.bill_accounts(day).filter(pl.col("status") == arrears.LAPSED)
    return frame.height, int(frame["outstanding"].sum() or 0) if frame.height else 0


# --------------------------------------------------------------------------------------------------
# The executive summary: sentences made from the indicator dictionary's figures
# --------------------------------------------------------------------------------------------------


@dataclass
class ExecutiveSummary:
    changes: list[str]
    findings: list[str]
    recommendations: list[str]


def _moved(before: Any, after: Any, up: str, down: str, same: str) -> str:
    if before is None or after is None or before == after:
        return same
    return up if after > before else down


def executive_summary(r: ReportData) -> ExecutiveSummary:
    """What changed since the period before, the findings and the recommendations, each sentence
    built from the figures of the indicator dictionary (the same texts the annex and the
    dashboard show)."""
    d, fig = r.d, r.d.fig
    prev = r.previous.fig if r.previous is not None else {}
    changes: list[str] = []
    findings: list[str] = []
    recs: list[str] = []
    prev_label = r.previous.period.label if r.previous is not None else ""

    cov, pcov = fig["COVERAGE"], prev.get("COVERAGE")
    if cov.value is not None and pcov is not None and pcov.value is not None:
        verb = _moved(pcov.value, cov.value, "naik", "turun", "tetap")
        if verb == "tetap":
            changes.append(f"Cakupan kepesertaan tetap {cov.text} ({cov.window}), sama dengan {prev_label}.")
        else:
            changes.append(
                f"Cakupan kepesertaan {verb} dari {pcov.text} ({pcov.window}) menjadi {cov.text} ({cov.window})."
            )
    elif cov.value is not None:
        changes.append(f"Cakupan kepesertaan {cov.text} ({cov.window}).")
    act, pact = fig["ACTIVE"], prev.get("ACTIVE")
    if act.numerator is not None and pact is not None and pact.numerator is not None:
        diff = act.numerator - pact.numerator
        if diff:
            verb = "bertambah" if diff > 0 else "berkurang"
            changes.append(
                f"Peserta aktif {verb} {format_number(abs(diff))} orang, dari {pact.text} ({pact.window}) "
                f"menjadi {act.text} ({act.window})."
            )
        else:
            changes.append(f"Peserta aktif tetap {act.text} orang ({act.window}).")
    else:
        changes.append(f"Peserta aktif {act.text} orang ({act.window}).")
    tgt = fig["TARGET_PROGRESS"]
    if tgt.value is not None and tgt.denominator:
        label = d.headline.get("target_label") or "seluruh peserta"
        changes.append(
            f"Capaian target {d.period.year} ({label}): {tgt.text}, yaitu {format_number(tgt.numerator or 0)} "
            f"dari {format_number(tgt.denominator)} peserta."
        )
        if tgt.value < 1:
            short = tgt.denominator - (tgt.numerator or 0)
            recs.append(
                f"Percepat pendaftaran {label}: masih kurang {format_number(short)} peserta untuk mencapai target "
                f"{format_number(tgt.denominator)}."
            )

    gap, days = fig["GAP_EXPOSED"], fig["GAP_PERSON_DAYS"]
    if gap.numerator:
        text = f"{gap.text} orang yang pernah terlindungi tidak lagi terlindungi ({gap.window})"
        if days.numerator:
            text += f"; jumlah hari tanpa perlindungan mereka dalam periode ini {days.text} hari"
        findings.append(text + ".")
        recs.append(
            f"Daftarkan kembali {gap.text} orang yang kehilangan perlindungan agar risiko kerja mereka "
            "kembali ditanggung."
        )
    elif gap.numerator == 0:
        findings.append(f"Tidak ada warga yang kehilangan perlindungan ({gap.window}).")

    billed, paid, owed = fig["BILLED_YTD"], fig["PAID_YTD"], fig["ARREARS_YTD"]
    if owed.numerator is not None:
        findings.append(f"Iuran ditagihkan {billed.text}, dibayar {paid.text}, tunggakan {owed.text} ({owed.window}).")
        bills, unpaid = r.lapsed
        if bills:
            findings.append(
                f"{format_number(bills)} tagihan belum lunas melewati batas tunggakan 3 bulan, sebesar "
                f"{format_rupiah(unpaid)}: kepesertaan BPU yang ditagih di dalamnya berakhir."
            )
            recs.append(f"Lunasi segera tunggakan {format_rupiah(unpaid)} yang melewati batas 3 bulan.")
        elif owed.numerator:
            recs.append(f"Selesaikan tunggakan iuran {owed.text} sebelum mencapai batas 3 bulan.")
    real = fig["BUDGET_REALISATION"]
    if real.value is not None:
        findings.append(
            f"Realisasi anggaran {real.text} ({real.window}): iuran dibayar ÷ anggaran dialokasikan "
            f"{fig['BUDGET_ALLOCATED'].text}."
        )

    cc, ca, ratio = fig["CLAIMS_COUNT"], fig["CLAIMS_AMOUNT"], fig["CLAIMS_RATIO"]
    if cc.numerator is not None:
        text = f"{cc.text} klaim dibayar dalam periode senilai {ca.text}"
        if ratio.value is not None:
            text += f"; rasio klaim {ratio.text} (klaim dibayar ÷ iuran dibayar dalam periode)"
        findings.append(text + ".")
    total = fig["CLAIMS_COUNT_TOTAL"]
    if total.numerator:
        findings.append(
            f"Sejak program berjalan {total.text} klaim dibayar senilai {fig['CLAIMS_AMOUNT_TOTAL'].text} "
            f"({total.window})."
        )

    lowest = next((b for b in d.ranking if b.value is not None), None)
    if lowest is not None and len(d.ranking) > 1:
        findings.append(f"Cakupan terendah di {d.ranking_level} {lowest.name}: {lowest.text}.")
        recs.append(f"Prioritaskan sosialisasi dan pendaftaran di {d.ranking_level} {lowest.name}.")
    late = [
        f for f in r.follow_ups if f.status == "open" and f.deadline is not None and f.deadline <= d.period.last_day
    ]
    if late:
        recs.append(f"Tuntaskan {format_number(len(late))} tindak lanjut rapat yang melewati batas waktu.")
    if not recs:
        recs.append("Pertahankan capaian dan lanjutkan pemantauan bulanan.")
    return ExecutiveSummary(changes, findings, recs)


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
    """The summary table's (indicator, value) rows — the PDF's, the xlsx's and the dashboard's."""
    return [(a, b) for a, b, _w in summary_table_rows(r)]


def summary_table_rows(r: ReportData) -> list[tuple[str, str, str]]:
    """(indicator, value, the days the value covers — the dictionary's window of each figure)."""
    d = r.d
    f = d.fig
    h = d.headline
    c = d.claims["cumulative"]
    rows = [
        ("Peserta aktif", _num(h["active"]), f["ACTIVE"].window),
        (
            "Jumlah pekerja (penyebut)",
            _num(h["workers"]) + (f" (sumber: {h['workers_source']}, {h['workers_year']})" if h["workers"] else ""),
            f["WORKERS"].window,
        ),
        ("Cakupan kepesertaan", h["coverage_text"], f["COVERAGE"].window),
    ]
    if h["target"]:
        rows.append((f"Target {d.period.year} ({h['target_label']})", _num(h["target"]), f"Tahun {d.period.year}"))
        rows.append(
            (
                "Capaian target",
                f"{h['progress_text']} ({_num(h['target_actual'])} peserta)",
                f["TARGET_PROGRESS"].window,
            )
        )
    else:
        rows.append((f"Target {d.period.year}", "belum ditetapkan", f"Tahun {d.period.year}"))
    rows += [
        ("Anggaran dialokasikan", _rp(d.budget.get("budget_allocated")), f["BUDGET_ALLOCATED"].window),
        ("Iuran ditagihkan", _rp(d.budget.get("billed")), f["BILLED_YTD"].window),
        ("Iuran dibayar", _rp(d.budget.get("paid")), f["PAID_YTD"].window),
        ("Tunggakan", _rp(d.budget.get("arrears")), f["ARREARS_YTD"].window),
        ("Realisasi anggaran", d.budget["realisation_text"], f["BUDGET_REALISATION"].window),
        (
            "Klaim dibayar dalam periode",
            f"{_num(d.claims['period']['count'])} klaim, {_rp(d.claims['period']['amount'])}",
            f["CLAIMS_COUNT"].window,
        ),
        (
            "Klaim sejak program berjalan",
            f"{_num(c['count'])} klaim, {_rp(c['amount'])}",
            f["CLAIMS_COUNT_TOTAL"].window,
        ),
        ("Rasio klaim", d.claims["ratio_text"], f["CLAIMS_RATIO"].window),
        (
            "Penerima BSU dalam periode",
            f"{_num(d.bsu['count'])} orang, {_rp(d.bsu['amount'])}",
            f["BSU_COUNT"].window,
        ),
        (
            "Penerima BSU sejak awal",
            f"{_num(d.bsu['cumulative_count'])} orang, {_rp(d.bsu['cumulative_amount'])}",
            f["BSU_COUNT_TOTAL"].window,
        ),
        (
            "Usulan divalidasi",
            _num(d.nominations.get("total", 0) if "NOMINATIONS" not in d.unavailable else None),
            f["NOMINATIONS"].window,
        ),
        ("Terpapar kesenjangan perlindungan", _num(d.gap), f["GAP_EXPOSED"].window),
    ]
    return rows


#: The ratios the report explains with their definition (the indicator dictionary's).
RATIOS = ("COVERAGE", "TARGET_PROGRESS", "BUDGET_REALISATION", "CLAIMS_RATIO")


def ratio_rows(r: ReportData) -> list[tuple[str, str, str]]:
    """(name, definition with numerator ÷ denominator, value) of each ratio in the report."""
    out = []
    for code in RATIOS:
        f = r.d.fig[code]
        dd = f.definition
        how = f"{dd.definition.id} ({dd.numerator.id} ÷ {dd.denominator.id if dd.denominator else '—'})"
        value = f.text
        if f.numerator is not None and f.denominator:
            value += f" = {format_number(f.numerator)} ÷ {format_number(f.denominator)}"
        out.append((dd.name.id, how, value))
    return out


def letterhead_flowables(r: ReportData, letter: Letterhead, body: Any, small: Any) -> list[Any]:
    """The kop surat: the logo left, the government and the office centred, a double rule below."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.platypus import HRFlowable, Image, Paragraph, Table, TableStyle

    def esc(text: Any) -> str:
        return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    gov = ParagraphStyle("kop1", parent=body, fontName="Helvetica-Bold", fontSize=14, leading=17, alignment=TA_CENTER)
    office = ParagraphStyle(
        "kop2", parent=body, fontName="Helvetica-Bold", fontSize=12, leading=15, alignment=TA_CENTER
    )
    addr = ParagraphStyle("kop3", parent=small, alignment=TA_CENTER)
    text = [Paragraph(esc(letter.government.upper()), gov), Paragraph(esc(letter.office.upper()), office)]
    if letter.address:
        text.append(Paragraph(esc(letter.address), addr))
    logo: Any = ""
    if letter.logo is not None:
        try:
            logo = Image(str(letter.logo))
            scale = min(2.2 * cm / logo.imageWidth, 2.2 * cm / logo.imageHeight)
            logo.drawWidth, logo.drawHeight = logo.imageWidth * scale, logo.imageHeight * scale
        except Exception:  # noqa: BLE001 - a logo that cannot be drawn leaves the space empty
            logo = ""
    t = Table([[logo, text, ""]], colWidths=[2.6 * cm, 11.8 * cm, 2.6 * cm])
    t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("ALIGN", (0, 0), (0, 0), "CENTER")]))
    return [
        t,
        HRFlowable(width="100%", thickness=2, color=colors.black, spaceBefore=3, spaceAfter=1),
        HRFlowable(width="100%", thickness=0.6, color=colors.black, spaceBefore=0, spaceAfter=6),
    ]


def signature_lines(r: ReportData, letter: Letterhead) -> tuple[list[str], list[str]]:
    """The left (Mengetahui, the regent) and right (place, date, the head of the office) columns."""
    day = r.issued_on or timezone.localdate()
    left = ["Mengetahui,", f"{letter.leader_title},", "", "", "", letter.leader_name or "(....................)"]
    right = [
        f"{letter.place}, {day.day} {ind.MONTHS_ID[day.month - 1]} {day.year}",
        f"{letter.head_title},",
        "",
        "",
        letter.head_name or "(....................)",
        f"NIP {letter.head_nip}" if letter.head_nip else "NIP ....................",
    ]
    return left, right


def signature_table(r: ReportData, letter: Letterhead, body: Any) -> Any:
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, Table, TableStyle

    style = ParagraphStyle("sig", parent=body, alignment=TA_CENTER, leading=12)
    left, right = signature_lines(r, letter)

    def esc(text: str) -> str:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") or "&nbsp;"

    rows = [[Paragraph(esc(a), style), Paragraph(esc(b), style)] for a, b in zip(left, right, strict=True)]
    t = Table(rows, colWidths=[8.5 * cm, 8.5 * cm])
    t.setStyle(TableStyle([("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
    return t


def _file_name(period: str, suffix: str) -> str:
    return f"laporan-monev-{period}.{suffix}"


# --------------------------------------------------------------------------------------------------
# PDF
# --------------------------------------------------------------------------------------------------


def build_pdf(r: ReportData) -> bytes:
    """The report: page 1 the letterhead, number, executive summary and signatures; then the
    tables and charts; the annex last. Every page but the first says "Halaman X dari Y"."""
    # heavy: reportlab is loaded only when a PDF is made
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.charts.linecharts import HorizontalLineChart
    from reportlab.graphics.shapes import Drawing, Rect, String
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.pdfbase.pdfmetrics import stringWidth
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
    # a heading keeps with what follows it: never alone at the foot of a page
    h1 = ParagraphStyle("h1", parent=styles["Heading1"], fontSize=14, spaceBefore=6, spaceAfter=6, keepWithNext=1)
    h2 = ParagraphStyle("h2", parent=styles["Heading2"], fontSize=11.5, spaceBefore=8, spaceAfter=5, keepWithNext=1)
    h3 = ParagraphStyle("h3", parent=h2, fontSize=10, spaceBefore=4, spaceAfter=2, keepWithNext=1)
    body = ParagraphStyle("body", parent=styles["BodyText"], fontSize=9.5, leading=12.5)
    small = ParagraphStyle("small", parent=body, fontSize=8, leading=10)
    bullet = ParagraphStyle("bullet", parent=body, fontSize=9, leading=11.5, leftIndent=12, firstLineIndent=-10)
    title = ParagraphStyle("title", parent=body, fontName="Helvetica-Bold", fontSize=12, leading=15,
                           alignment=TA_CENTER, spaceBefore=6)  # fmt: skip
    centre = ParagraphStyle("centre", parent=body, alignment=TA_CENTER)
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
    letter = r.letter or selectors.letterhead()
    # ---- page 1: letterhead, number, the one-page executive summary, the signatures
    story += letterhead_flowables(r, letter, body, small)
    story.append(Paragraph("LAPORAN RAPAT KOORDINASI MONITORING DAN EVALUASI", title))
    story.append(Paragraph("Program Universal Coverage Jaminan Sosial Ketenagakerjaan", centre))
    story.append(Spacer(1, 4))
    wilayah = d.area_name if d.area_code != settings.AREA_CODE else f"{r.regency} (seluruh wilayah)"
    meta = [
        ["Nomor", ":", r.number or "...................."],
        ["Periode", ":", f"{d.period.label} ({d.period.start:%d-%m-%Y} s.d. {d.period.last_day:%d-%m-%Y})"],
        ["Wilayah", ":", wilayah],
        ["Data per", ":", f"{timezone.localtime(d.snapshot.computed_at):%d-%m-%Y %H:%M}"],
    ]
    mt = Table(meta, colWidths=[2.2 * cm, 0.4 * cm, 14.4 * cm])
    mt.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), "Helvetica", 9), ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                            ("TOPPADDING", (0, 0), (-1, -1), 1)]))  # fmt: skip
    story.append(mt)
    story.append(Paragraph("Ringkasan Eksekutif", h1))
    summary = executive_summary(r)
    for head, sentences in (
        ("Perubahan sejak periode sebelumnya", summary.changes),
        ("Temuan", summary.findings),
        ("Rekomendasi", summary.recommendations),
    ):
        story.append(Paragraph(head, h3))
        story += [Paragraph(f"{i}. {esc(t)}", bullet) for i, t in enumerate(sentences, start=1)]
    story.append(Spacer(1, 10))
    story.append(KeepTogether([signature_table(r, letter, body)]))
    story.append(PageBreak())
    # ---- summary table
    story.append(Paragraph("1. Ringkasan angka", h1))
    cum = d.claims["cumulative"]
    if cum["count"]:
        story.append(Paragraph(esc(cum["sentence"]) + " sejak program berjalan.", body))
        story.append(Spacer(1, 6))
    story.append(
        table(
            [["Indikator", "Nilai", "Rentang waktu"], *[[a, b, w] for a, b, w in summary_table_rows(r)]],
            [6.5 * cm, 6 * cm, 4.5 * cm],
        )
    )
    story.append(Spacer(1, 6))
    story.append(Paragraph("Definisi rasio", h2))
    for name, definition, value in ratio_rows(r):
        story.append(Paragraph(f"<b>{esc(name)}</b>: {esc(definition)} Nilai: {esc(value)}.", small))
    if d.unavailable:
        story.append(Spacer(1, 6))
        story.append(Paragraph("Indikator yang belum dapat dihitung (data belum tersedia di sistem):", small))
        for code, why in sorted(d.unavailable.items()):
            name = ind.INDICATOR_BY_CODE[code].name_id if code in ind.INDICATOR_BY_CODE else code
            story.append(Paragraph(f"• {esc(name)}: {esc(why)}", small))

    # ---- participants
    story.append(Paragraph("2. Kepesertaan", h1))
    if d.trend:
        dr = Drawing(16 * cm, 6.5 * cm)
        lc = HorizontalLineChart()
        lc.x, lc.y, lc.width, lc.height = 45, 30, 16 * cm - 65, 6.5 * cm - 62
        months = [c for c, _, _ in d.trend]
        # every participant, then one line per segment (its own target is in the summary)
        segments = [sr for sr in d.trend_series if sr.breakdown][:4]
        names = ["Seluruh peserta", *[sr.name for sr in segments]]
        lc.data = [[n for _, _, n in d.trend]] + [[dict(sr.months).get(c, 0) for c in months] for sr in segments]
        lc.categoryAxis.categoryNames = [
            lab if i % max(1, len(d.trend) // 8) == 0 else "" for i, (_, lab, _) in enumerate(d.trend)
        ]
        lc.categoryAxis.labels.fontSize = 7
        lc.valueAxis.labels.fontSize = 7
        lc.valueAxis.labelTextFormat = _axis_number
        lc.valueAxis.valueMin = 0
        palette = [green, colors.HexColor("#c05621"), colors.HexColor("#2b6cb0"), colors.HexColor("#805ad5"),
                   colors.HexColor("#718096")]  # fmt: skip
        for i in range(len(names)):
            lc.lines[i].strokeColor = palette[i % len(palette)]
            lc.lines[i].strokeWidth = 2 if i == 0 else 1.2
        dr.add(lc)
        dr.add(String(45, 6.5 * cm - 12, "Peserta aktif per akhir bulan (orang)", fontSize=9))
        x = 45.0
        for i, name in enumerate(names):  # the legend, one key per line, above the plot
            dr.add(Rect(x, 6.5 * cm - 27, 10, 3, fillColor=palette[i % len(palette)], strokeColor=None))
            dr.add(String(x + 13, 6.5 * cm - 28, name, fontSize=7))
            x += 20 + stringWidth(name, "Helvetica", 7)
        story.append(dr)  # a drawing never splits; the heading before it keeps with it
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
            bc.x, bc.y = 110, 34
            bc.width, bc.height = 16 * cm - 140, dr.height - 45
            bc.data = [[round(float(b.value or 0) * 100, 1) for b in reversed(with_data)]]
            bc.categoryAxis.categoryNames = [b.name[:22] for b in reversed(with_data)]
            bc.categoryAxis.labels.fontSize = 7
            bc.valueAxis.labels.fontSize = 7
            bc.valueAxis.labelTextFormat = _axis_percent
            bc.valueAxis.valueMin = 0
            bc.bars[0].fillColor = green
            dr.add(bc)
            dr.add(String(110, 2, "Cakupan kepesertaan (%)", fontSize=7))
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
        flagged = [[label, _num(lines), _num(people), _rp(amount)] for label, lines, people, amount in bsu_flag_rows(r)]
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

    footer_text = f"Laporan Rakor Monev UC Jamsostek — {r.regency} — {d.period.label}"
    if r.number:
        footer_text += f" — Nomor {r.number}"
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
    doc.build(story, canvasmaker=_numbered_canvas(footer_text))
    return buf.getvalue()


def _axis_number(v: float) -> str:
    """A chart's axis label with the thousands separator: 10000 → ``10.000``."""
    return format_number(round(v))


def _axis_percent(v: float) -> str:
    return ind.format_percent(Fraction(round(v * 10), 1000), places=0 if float(v).is_integer() else 1)


def _numbered_canvas(text: str) -> Any:
    """A canvas that writes "Halaman X dari Y" on every page once the page count is known."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import cm
    from reportlab.pdfgen.canvas import Canvas

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 - ReportLab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.setFont("Helvetica", 7.5)
                self.drawString(2 * cm, 1.2 * cm, text)
                self.drawRightString(A4[0] - 2 * cm, 1.2 * cm, f"Halaman {self._pageNumber} dari {total}")
                super().showPage()
            super().save()

    return NumberedCanvas


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
    ws.write(3, 0, f"Nomor: {r.number or '-'}")
    ws.write_row(4, 0, ["Indikator", "Nilai", "Rentang waktu"], fmt["head"])
    for i, (a, b, w) in enumerate(summary_table_rows(r), start=5):
        ws.write(i, 0, a)
        ws.write(i, 1, b)
        ws.write(i, 2, w)
    ws.set_column(0, 0, 42)
    ws.set_column(1, 1, 50)
    ws.set_column(2, 2, 28)
    summary = executive_summary(r)
    _sheet(
        wb,
        "Ringkasan eksekutif",
        ["Bagian", "No", "Kalimat"],
        [
            [part, i, text]
            for part, texts in (
                ("Perubahan sejak periode sebelumnya", summary.changes),
                ("Temuan", summary.findings),
                ("Rekomendasi", summary.recommendations),
            )
            for i, text in enumerate(texts, start=1)
        ],
        fmt,
        [32, 5, 110],
    )
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


def build(
    period: str, kind: str, area: str | None = None, number: str = "", issued_on: date | None = None
) -> tuple[str, bytes]:
    """``kind`` pdf | xlsx | inpres → (file name, bytes). ``number``/``issued_on``: the issued
    report's number and date (a report made on the console is a draft with a blank number).

    The reports are official documents of the Rakor Monev in Bahasa Indonesia whatever the language
    of the user who asks for them: the texts the selectors give (ranking level, month labels, "tidak
    ada data") are made under Indonesian.
    """
    with translation.override("id"):
        return _build(period, kind, area, number, issued_on)


def _build(
    period: str, kind: str, area: str | None = None, number: str = "", issued_on: date | None = None
) -> tuple[str, bytes]:
    if kind not in ("pdf", "xlsx", "inpres"):
        raise UserError(f"Jenis laporan tidak dikenal: {kind}")
    r = collect(period, area, number, issued_on)
    if kind == "pdf":
        return _file_name(r.d.period.code, "pdf"), build_pdf(r)
    if kind == "xlsx":
        return _file_name(r.d.period.code, "xlsx"), build_xlsx(r)
    return f"laporan-inpres-2-2021-{r.d.period.code}.xlsx", build_inpres_xlsx(r)


#: Dashboard charts whose numbers download as xlsx (``/monev/grafik/<name>.xlsx``).
CHARTS = {
    "tren": "Peserta aktif per bulan",
    "wilayah": "Cakupan per wilayah",
    "desa": "Cakupan per desa/kelurahan",
    "anggaran": "Realisasi anggaran",
    "segmen": "Peserta aktif per segmen",
}


def chart_xlsx(d: Dashboard, chart: str) -> tuple[str, bytes]:
    """The numbers a dashboard chart draws, one sheet with its period, area and the figures'
    window (Bahasa Indonesia, like the reports)."""
    with translation.override("id"):
        return _chart_xlsx(d, chart)


def _chart_xlsx(d: Dashboard, chart: str) -> tuple[str, bytes]:
    area_head = ["Kode", "Wilayah", "Peserta aktif", "Pekerja", "Cakupan (%)"]
    f = d.fig
    head: list[str]
    rows: list[list[Any]]
    extra: list[tuple[str, Any]] = []
    if chart == "tren":  # every participant, then one column per segment (the chart's lines)
        series = [s for s in d.trend_series if s.breakdown]
        by_month = [dict(s.months) for s in series]
        head = ["Bulan", "Peserta aktif", *[s.name for s in series]]
        rows = [[c, n, *[m.get(c, 0) for m in by_month]] for c, _, n in d.trend]
        window = f["ACTIVE"].window
        extra = [(f"Target {s.name} {d.period.year}", s.target) for s in d.trend_series if s.target]
    elif chart in ("wilayah", "desa"):
        bars = d.ranking if chart == "wilayah" else d.desa_ranking
        head, rows = area_head, [[b.code, b.name, b.active, b.workers, _pct(b.value)] for b in bars]
        window = f["COVERAGE"].window
    elif chart == "anggaran":
        bud = d.budget
        head = ["Uraian", "Rupiah"]
        rows = [
            ["Anggaran dialokasikan", bud.get("budget_allocated")],
            ["Iuran ditagihkan", bud.get("billed")],
            ["Iuran dibayar", bud.get("paid")],
            ["Tunggakan", bud.get("arrears")],
        ]
        window = f["BILLED_YTD"].window
    elif chart == "segmen":
        head, rows = ["Segmen", "Peserta aktif"], [[n, v] for n, v in d.by_segment]
        window = f["ACTIVE"].window
    else:
        raise UserError(f"Grafik tidak dikenal: {chart}")
    buf = io.BytesIO()
    wb = new_workbook(buf)
    fmt = _formats(wb)
    _sheet(wb, CHARTS[chart], head, rows, fmt, ([16, 30, 14, 14, 14] + [18] * len(head))[: len(head)])
    info = wb.add_worksheet("Keterangan")
    for i, (a, b) in enumerate(
        [
            ("Grafik", CHARTS[chart]),
            ("Wilayah", f"{d.area_name} ({d.area_code})"),
            ("Periode", f"{d.period.label} ({d.period.code})"),
            ("Rentang waktu", window),
            ("Dihitung", f"{timezone.localtime(d.snapshot.computed_at):%d-%m-%Y %H:%M}"),
            *extra,
        ]
    ):
        info.write(i, 0, a, fmt["head"])
        info.write(i, 1, b)
    info.set_column(0, 0, 18)
    info.set_column(1, 1, 50)
    wb.close()
    return f"grafik-{chart}-{d.area_code}-{d.period.code}.xlsx", buf.getvalue()


REPORT_DIR = "monev/laporan"
_SAFE = re.compile(r"^[A-Za-z0-9._-]+$")


REPORT_KIND = "monitoring.report"


def report_job(ctx: Any, period: str, kind: str, area: str) -> dict[str, Any]:
    """Make the report, give it the year's next number (printed on it) and keep the file, listed
    with its number and date among the issued reports (downloadable again, shareable)."""
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.urls import reverse

    from ucjamsostek.monitoring import services

    user = get_user_model().objects.filter(pk=ctx.user_id).first() if ctx.user_id else None
    ctx.progress(gettext_noop("Menyusun laporan"), 0.2)
    folder = Path(settings.MEDIA_ROOT) / REPORT_DIR
    folder.mkdir(parents=True, exist_ok=True)
    with transaction.atomic():  # no number without its file
        issued = services.issue_report(user, period, area, kind)
        name, data = build(period, kind, area, issued.number, issued.issued_on)
        ctx.progress(gettext_noop("Menyimpan laporan"), 0.9)
        stored = f"{ctx.job_id}-{name}"
        (folder / stored).write_bytes(data)
        issued.file = stored
        issued.save(update_fields=["file"])
    return {
        "file": stored,
        "number": issued.number,
        "url": reverse("monitoring:report_download", args=[ctx.job_id]),
        "message": f"Laporan {name} nomor {issued.number} siap diunduh.",
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

"""Scenario exports: the selection list with its summary as xlsx, and a one-page PDF brief.

xlsx cells are written with XlsxWriter's typed writers and ``strings_to_formulas`` off, so a value
that starts with ``=``, ``+``, ``-`` or ``@`` (a name, an address) is stored as text and never
becomes a formula (CSV/formula injection).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import IO, Any

import polars as pl

from ucjamsostek.core.budget import Selection, format_date_id
from ucjamsostek.core.money import format_number, format_rupiah
from ucjamsostek.core.priority import PART_LABELS, SCORE_PARTS
from ucjamsostek.core.xlsxout import new_workbook

LEFT_OUT_SHEET_LIMIT = 200_000  # more rows than this would take minutes to write (DESIGN §7)

LIST_COLUMNS: tuple[tuple[str, str], ...] = (
    ("rank", "Peringkat"),
    ("nik", "NIK"),
    ("name", "Nama"),
    ("village_code", "Kode desa"),
    ("village_name", "Desa/Kelurahan"),
    ("district_name", "Kecamatan"),
    ("segment", "Segmen"),
    ("category", "Kategori"),
    ("cost", "Biaya (Rp)"),
    ("score", "Skor"),
    *((p, PART_LABELS[p]) for p in SCORE_PARTS),
    ("continuing", "Didahulukan (peserta lama)"),
)
LEFT_OUT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("rank", "Peringkat"),
    ("nik", "NIK"),
    ("name", "Nama"),
    ("village_code", "Kode desa"),
    ("village_name", "Desa/Kelurahan"),
    ("segment", "Segmen"),
    ("cost", "Biaya (Rp)"),
    ("score", "Skor"),
    ("reason", "Kode alasan"),
    ("reason_text", "Alasan tidak terpilih"),
)

SummaryRows = Sequence[tuple[str, Any]]

METHOD_TEXT = {
    "greedy": "urutan prioritas (tepat bila biaya per orang sama)",
    "milp": "optimasi tepat (HiGHS): sebanyak mungkin orang, lalu skor prioritas tertinggi",
    "greedy-fallback": "urutan prioritas (optimasi HiGHS tidak selesai dalam batas waktu)",
}


def _cell(ws: Any, r: int, c: int, value: Any, fmt: dict[str, Any]) -> None:
    if value is None:
        ws.write_blank(r, c, None)
    elif isinstance(value, bool):
        ws.write_string(r, c, "ya" if value else "tidak")
    elif isinstance(value, int):
        ws.write_number(r, c, value, fmt["int"])
    elif isinstance(value, datetime | date):
        ws.write_datetime(r, c, datetime(value.year, value.month, value.day), fmt["date"])
    else:
        ws.write_string(r, c, str(value))


def _table(ws: Any, fmt: dict[str, Any], frame: pl.DataFrame, columns: Sequence[tuple[str, str]]) -> None:
    present = [(k, label) for k, label in columns if k in frame.columns]
    for c, (_, label) in enumerate(present):
        ws.write_string(0, c, label, fmt["head"])
        ws.set_column(c, c, max(10, min(32, len(label) + 4)))
    for r, row in enumerate(frame.select([k for k, _ in present]).iter_rows(), start=1):
        for c, value in enumerate(row):
            _cell(ws, r, c, value, fmt)
    if present:
        ws.autofilter(0, 0, max(frame.height, 1), len(present) - 1)
        ws.freeze_panes(1, 0)


def write_workbook(
    target: str | IO[bytes],
    summary: SummaryRows,
    selected: pl.DataFrame,
    left_out: pl.DataFrame | None = None,
    by_area: pl.DataFrame | None = None,
) -> None:
    """Write the scenario workbook: Ringkasan, Terpilih, Per wilayah, Tidak terpilih."""
    wb = new_workbook(target)
    fmt = {
        "head": wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1}),
        "int": wb.add_format({"num_format": "#,##0"}),
        "date": wb.add_format({"num_format": "dd-mm-yyyy"}),
        "bold": wb.add_format({"bold": True}),
    }
    ws = wb.add_worksheet("Ringkasan")
    ws.set_column(0, 0, 34)
    ws.set_column(1, 1, 60)
    for r, (label, value) in enumerate(summary):
        ws.write_string(r, 0, label, fmt["bold"])
        _cell(ws, r, 1, value, fmt)
    _table(wb.add_worksheet("Terpilih"), fmt, selected, LIST_COLUMNS)
    if by_area is not None:
        _table(
            wb.add_worksheet("Per wilayah"),
            fmt,
            by_area,
            (
                ("area", "Kode wilayah"),
                ("area_name", "Nama wilayah"),
                ("eligible", "Calon layak"),
                ("quota", "Kuota"),
                ("selected", "Terpilih"),
                ("cost", "Biaya (Rp)"),
            ),
        )
    if left_out is not None:
        ws = wb.add_worksheet("Tidak terpilih")
        if left_out.height > LEFT_OUT_SHEET_LIMIT:
            ws.write_string(
                0,
                0,
                f"{format_number(left_out.height)} orang tidak terpilih: terlalu banyak untuk lembar ini; "
                "jumlah per alasan ada di Ringkasan.",
            )
        else:
            _table(ws, fmt, left_out, LEFT_OUT_COLUMNS)
    wb.close()


def selection_summary(selection: Selection, extra: Iterable[tuple[str, Any]] = ()) -> list[tuple[str, Any]]:
    sc = selection.scenario
    rows: list[tuple[str, Any]] = [
        ("Tahun anggaran", sc.year),
        ("Pagu", format_rupiah(sc.ceiling)),
        ("Mulai perlindungan", format_date_id(sc.start_date)),
        ("Jumlah bulan", sc.months),
        ("Jenis pembayar", "APBN/APBD" if sc.payer == "public" else "Selain APBN/APBD"),
        ("Program", " + ".join(sc.programmes)),
        ("Segmen", ", ".join(sc.segments) or "semua"),
        ("Kuota", f"per {sc.quota_by} ({sc.quota_mode})" if sc.quota_by else "tanpa kuota"),
        ("Peserta tahun lalu didahulukan", "ya" if sc.continuity else "tidak"),
        ("Calon layak", selection.selected.height + selection.left_out.height),
        ("Terpilih (orang)", selection.count),
        ("Biaya", format_rupiah(selection.cost)),
        ("Sisa pagu", format_rupiah(selection.remaining)),
        ("Metode", METHOD_TEXT.get(selection.method, selection.method)),
    ]
    for category, wage, cost in selection.unit_costs.iter_rows():
        label = f"Biaya per orang {category}" + (f" (upah {format_rupiah(wage)})" if wage else "")
        rows.append((label, format_rupiah(cost)))
    for reason, n in selection.left_out.group_by("reason_text").len().sort("reason_text").iter_rows():
        rows.append((f"Tidak terpilih: {reason}", n))
    policy = sc.policy.to_dict()
    rows.append(
        (
            "Bobot prioritas",
            f"miskin ekstrem {policy['extreme_poverty_points']}; desil ×{policy['decile_step']}; "
            f"peserta tahun lalu {policy['continuity_points']}; pekerjaan dan usia menurut tabel",
        )
    )
    rows.extend(extra)
    return rows


def with_region_names(frame: pl.DataFrame, names: dict[str, str], column: str, out: str) -> pl.DataFrame:
    if column not in frame.columns:
        return frame
    codes = list(names)
    return frame.with_columns(
        pl.col(column).replace_strict(codes, [names[c] for c in codes], default=None, return_dtype=pl.Utf8).alias(out)
    )


def selection_workbook_bytes(
    summary: SummaryRows, selected: pl.DataFrame, left_out: pl.DataFrame | None, by_area: pl.DataFrame | None
) -> bytes:
    buf = io.BytesIO()
    write_workbook(buf, summary, selected, left_out, by_area)
    return buf.getvalue()


# ------------------------------------------------------------------------------------ PDF


def brief_pdf(
    title: str,
    summary: SummaryRows,
    areas: Sequence[tuple[str, int, int]],
    note: str = "",
    projection: Sequence[tuple[int, int, int]] = (),
) -> bytes:
    """A one-page A4 brief: key figures, people and cost per area (``(name, people, rupiah)``),
    the multi-year path (``(year, people, rupiah)``) and a note (claims outlook, assumptions)."""
    # heavy: reportlab is loaded only when a PDF is made
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=1.6 * cm,
        rightMargin=1.6 * cm,
        topMargin=1.4 * cm,
        bottomMargin=1.2 * cm,
        title=title,
    )
    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=8, leading=10)
    story: list[Any] = [Paragraph(_esc(title), styles["Title"])]
    key = Table(
        [[Paragraph(_esc(k), small), Paragraph(_esc(str(v)), small)] for k, v in summary],
        colWidths=[6 * cm, 11.5 * cm],
    )
    key.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [key, Spacer(1, 0.3 * cm)]
    if areas:
        rows = [["Wilayah", "Orang", "Biaya"]] + [
            [_esc(n), format_number(p), format_rupiah(c)] for n, p, c in areas[:20]
        ]
        t = Table(rows, colWidths=[8 * cm, 3 * cm, 6.5 * cm])
        t.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDEBF7")),
                    ("FONTSIZE", (0, 0), (-1, -1), 8),
                    ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
                ]
            )
        )
        story += [t, Spacer(1, 0.3 * cm)]
    if projection:
        rows = [["Tahun", "Target (orang)", "Biaya"]] + [
            [str(y), format_number(n), format_rupiah(c)] for y, n, c in projection
        ]
        t = Table(rows, colWidths=[4 * cm, 5 * cm, 8.5 * cm])
        t.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDEBF7")),
                    ("FONTSIZE", (0, 0), (-1, -1), 8),
                    ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
                ]
            )
        )
        story.append(t)
    if note:
        story += [Spacer(1, 0.3 * cm), Paragraph(_esc(note), small)]
    doc.build(story)
    return buf.getvalue()


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

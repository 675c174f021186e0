"""The human report ``hasil-validasi.xlsx`` (DESIGN.md §5.3), in Bahasa Indonesia.

Sheet *Hasil Validasi*: every input row with its decision (Layak / Perlu ditinjau / Ditolak), the
plain-language reasons, the duplicate cluster and the resolved region, then the input values;
header frozen, autofilter on. Sheet *Ringkasan*: totals per decision, per reason and per
kecamatan/desa.

Two forms, one writer: ``screen --out`` writes the **screening-time** report (the decision of the
screening, DESIGN.md §5.3); a stored batch's web download passes ``final`` — per row the final
decision after review and who took it, when and why — and the rows sheet gets the columns
:data:`FINAL_COLUMNS` after "Keputusan", the summary a table of final decisions.

Text is always written as text, so a value starting with ``= + - @`` never
becomes a formula (inline strings in the default streaming writer, ``write_string`` in the
XlsxWriter one). Measured on 100 000 rows the streaming writer is several times faster than
XlsxWriter (``constant_memory``), which makes the report affordable for a million rows.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

import polars as pl

from ucjamsostek.core import reasons as rc
from ucjamsostek.core import xlsxml
from ucjamsostek.core.xlsxout import new_workbook

if TYPE_CHECKING:
    from ucjamsostek.core.screen import ScreeningResult

ROWS_SHEET = "Hasil Validasi"
SUMMARY_SHEET = "Ringkasan"

#: (column in result.rows, header, width)
COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("row", "Baris", 7),
    ("decision", "Keputusan", 15),
    ("reason_text", "Alasan", 60),
    ("reason_codes", "Kode Alasan", 24),
    ("cluster", "Klaster Ganda", 14),
    ("region_code", "Kode Wilayah", 15),
    ("nik_raw", "NIK", 20),
    ("name", "Nama", 28),
    ("sex", "JK", 5),
    ("birth_place", "Tempat Lahir", 14),
    ("birth_date", "Tanggal Lahir", 13),
    ("address", "Alamat", 18),
    ("village", "Desa/Kelurahan", 20),
    ("district", "Kecamatan", 18),
    ("occupation", "Pekerjaan", 18),
    ("phone", "No HP", 15),
    ("segment", "Segmen", 10),
    ("decile", "Desil", 6),
)
#: (column of ``final``, header, width): the final decision after review, with who, when and why.
FINAL_COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("final_decision", "Keputusan akhir", 15),
    ("final_action", "Tindakan tinjauan", 24),
    ("decided_by", "Ditinjau oleh", 18),
    ("decided_at", "Waktu tinjauan", 17),
    ("decision_reason", "Alasan tinjauan", 40),
)
#: What ``final`` holds per row: the final status (eligible/review/rejected) and, for a row an
#: operator decided, the action's label, the reviewer, the local date-time and the reason.
FINAL_SCHEMA: dict[str, Any] = {
    "row": pl.Int64,
    "final_status": pl.Utf8,
    "final_action": pl.Utf8,
    "decided_by": pl.Utf8,
    "decided_at": pl.Datetime("us"),
    "decision_reason": pl.Utf8,
}
_CHUNK = 50_000


def columns(final: bool = False) -> tuple[tuple[str, str, int], ...]:
    """The rows sheet's columns; with the final decision after "Keputusan" when ``final``."""
    return (*COLUMNS[:2], *FINAL_COLUMNS, *COLUMNS[2:]) if final else COLUMNS


def report_frame(result: ScreeningResult, final: pl.DataFrame | None = None) -> pl.DataFrame:
    """The rows sheet as a frame of display values (used by the writer and by tests); with
    ``final`` (:data:`FINAL_SCHEMA`) the final-decision columns too (a row ``final`` lacks keeps
    its screening decision)."""
    labels = {code: r.label for code, r in rc.REASONS.items()}
    text = (
        result.findings.with_columns(
            pl.format(
                "{}: {}",
                pl.col("code").replace_strict(labels, default=pl.col("code"), return_dtype=pl.Utf8),
                pl.col("message"),
            ).alias("t")
        )
        .group_by("row", maintain_order=True)
        .agg(pl.col("t").str.join("; ").alias("reason_text"))
    )
    frame = result.rows.join(text, on="row", how="left")
    if final is not None:
        decided = final.select(pl.col(c).cast(t) for c, t in FINAL_SCHEMA.items())
        frame = frame.join(decided, on="row", how="left").with_columns(
            pl.coalesce("final_status", "status")
            .replace_strict(rc.STATUS_TEXT, return_dtype=pl.Utf8)
            .alias("final_decision"),
            pl.col("decided_at").dt.strftime("%d-%m-%Y %H:%M"),
        )
    return (
        frame.with_columns(
            pl.col("status").replace_strict(rc.STATUS_TEXT, return_dtype=pl.Utf8).alias("decision"),
            pl.col("reasons").list.join(", ").alias("reason_codes"),
            pl.col("cluster").cast(pl.Utf8),
            pl.col("decile").cast(pl.Utf8),
            pl.col("birth_date").dt.strftime("%d-%m-%Y"),
        )
        .sort("row")
        .select([c for c, _, _ in columns(final is not None)])
    )


def write_report(
    result: ScreeningResult,
    path: str | os.PathLike[str],
    *,
    source_name: str = "",
    progress: Callable[[str, float], None] | None = None,
    engine: str = "xml",
    final: pl.DataFrame | None = None,
) -> None:
    """Write the report to ``path``. ``engine`` "xml" (default) streams the sheet XML built with
    Polars (:mod:`ucjamsostek.core.xlsxml`, about 10× faster); "xlsxwriter" writes it cell by cell
    with XlsxWriter in constant-memory mode. Both give the same sheets, styles and filters.
    ``final`` (:data:`FINAL_SCHEMA`): add the final decision after review (see the module doc)."""
    if engine == "xml":
        _write_report_xml(result, path, source_name=source_name, progress=progress, final=final)
    elif engine == "xlsxwriter":
        _write_report_xlsxwriter(result, path, source_name=source_name, progress=progress, final=final)
    else:
        raise ValueError(f"unknown report engine {engine!r}")


def _write_report_xml(
    result: ScreeningResult,
    path: str | os.PathLike[str],
    *,
    source_name: str,
    progress: Callable[[str, float], None] | None,
    final: pl.DataFrame | None = None,
) -> None:
    frame = report_frame(result, final)
    cols = columns(final is not None)
    colours = {rc.STATUS_TEXT[rc.Status.ELIGIBLE]: xlsxml.GREEN, rc.STATUS_TEXT[rc.Status.REVIEW]: xlsxml.AMBER,
               rc.STATUS_TEXT[rc.Status.REJECTED]: xlsxml.RED}  # fmt: skip
    rows = xlsxml.Sheet(
        ROWS_SHEET,
        header=[h for _, h, _ in cols],
        widths=[w for _, _, w in cols],
        frame=frame,
        kinds=["int"] + ["text"] * (len(cols) - 1),
        styles={1: colours, 2: colours} if final is not None else {1: colours},
        freeze_header=True,
        autofilter=True,
    )
    table: list[list[Any]] = []
    bold: set[int] = set()
    for headers, body in summary_tables(result, source_name, final):
        bold.add(len(table))
        table.append(list(headers))
        table.extend(body)
        table.append([])
    summary = xlsxml.Sheet(SUMMARY_SHEET, widths=[34, 16, 16, 16, 16, 16], rows=table, bold_rows=bold)

    def report(fraction: float) -> None:
        if progress is not None:
            progress("laporan", fraction)

    xlsxml.write_workbook(path, [rows, summary], progress=report)


def _write_report_xlsxwriter(
    result: ScreeningResult,
    path: str | os.PathLike[str],
    *,
    source_name: str,
    progress: Callable[[str, float], None] | None,
    final: pl.DataFrame | None = None,
) -> None:
    frame = report_frame(result, final)
    cols = columns(final is not None)
    coloured = {1, 2} if final is not None else {1}
    wb = new_workbook(os.fspath(path), constant_memory=True)
    try:
        bold = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"})
        fmt = {
            "Layak": wb.add_format({"font_color": "#006100"}),
            "Perlu ditinjau": wb.add_format({"font_color": "#9C5700"}),
            "Ditolak": wb.add_format({"font_color": "#9C0006"}),
        }
        ws = wb.add_worksheet(ROWS_SHEET)
        for j, (_, header, width) in enumerate(cols):
            ws.set_column(j, j, width)
            ws.write_string(0, j, header, bold)
        ws.freeze_panes(1, 0)
        n = frame.height
        ws.autofilter(0, 0, max(n, 1), len(cols) - 1)
        i = 1
        for start in range(0, n, _CHUNK):
            chunk = frame.slice(start, _CHUNK)
            for values in chunk.iter_rows():
                ws.write_number(i, 0, values[0])
                for j in range(1, len(values)):
                    v = values[j]
                    if v is not None:
                        ws.write_string(i, j, str(v), fmt.get(v) if j in coloured else None)
                i += 1
            if progress is not None:
                progress("laporan", min(1.0, (start + _CHUNK) / max(n, 1)))
        _write_summary(wb, result, source_name, bold, final)
    finally:
        wb.close()


def summary_tables(
    result: ScreeningResult, source_name: str, final: pl.DataFrame | None = None
) -> list[tuple[list[str], list[list[Any]]]]:
    """The summary sheet as (header, rows) tables: run facts, per decision, per reason, per
    kecamatan/desa (resolved names where the village was resolved, the text as typed otherwise);
    with ``final``, the final decisions after review after the screening's."""
    s = result.summary
    info: list[list[Any]] = [
        ["Berkas", source_name or s.get("source", "")],
        ["Tanggal acuan", _fmt_date(s.get("as_of"))],
        ["Batas usia", f"{s.get('age_min')}–{s.get('age_max')} tahun"],
        ["Jumlah baris", int(s.get("input_rows", 0))],
        ["Waktu proses (detik)", float(s.get("seconds", 0.0))],
    ]
    status_rows: list[list[Any]] = [[rc.STATUS_TEXT[st], int(s.get("status", {}).get(st.value, 0))] for st in rc.Status]
    reason_rows: list[list[Any]] = [
        [rc.label_of(code), code, int(count)] for code, count in s.get("reasons", {}).items()
    ]
    rows = result.rows
    district = pl.coalesce(
        [pl.col(c) for c in ("district_name", "district") if c in rows.columns] + [pl.lit("(kosong)")]
    )
    village = pl.coalesce([pl.col(c) for c in ("village_name", "village") if c in rows.columns] + [pl.lit("(kosong)")])
    per = (
        rows.select(district.alias("k"), village.alias("d"), "status")
        .group_by("k", "d")
        .agg(
            (pl.col("status") == "eligible").sum().alias("e"),
            (pl.col("status") == "review").sum().alias("r"),
            (pl.col("status") == "rejected").sum().alias("x"),
            pl.len().alias("n"),
        )
        .sort("k", "d")
    )
    places: list[list[Any]] = [[k, d, int(e), int(r), int(x), int(n)] for k, d, e, r, x, n in per.iter_rows()]
    decisions = [(["Keputusan", "Jumlah"], status_rows)]
    if final is not None:
        last = rows.select("row", "status").join(final.select("row", "final_status"), on="row", how="left")
        counts = dict(last.group_by(pl.coalesce("final_status", "status")).len().iter_rows())
        final_rows: list[list[Any]] = [[rc.STATUS_TEXT[st], int(counts.get(st.value, 0))] for st in rc.Status]
        reviewed = int(final["decided_by"].is_not_null().sum())
        decisions.append((["Keputusan akhir", "Jumlah"], [*final_rows, ["Diputuskan dalam tinjauan", reviewed]]))
    return [
        (["Keterangan", "Nilai"], info),
        *decisions,
        (["Alasan", "Kode", "Jumlah"], reason_rows),
        (["Kecamatan", "Desa/Kelurahan", "Layak", "Perlu ditinjau", "Ditolak", "Jumlah"], places),
    ]


def _write_summary(
    wb: Any, result: ScreeningResult, source_name: str, bold: Any, final: pl.DataFrame | None = None
) -> None:
    ws = wb.add_worksheet(SUMMARY_SHEET)
    ws.set_column(0, 0, 34)
    ws.set_column(1, 6, 16)
    top = 0
    for headers, body in summary_tables(result, source_name, final):
        for j, h in enumerate(headers):
            ws.write_string(top, j, h, bold)
        for i, row in enumerate(body, start=top + 1):
            for j, v in enumerate(row):
                if isinstance(v, int | float) and not isinstance(v, bool):
                    ws.write_number(i, j, v)
                elif v is not None:
                    ws.write_string(i, j, str(v))
        top += len(body) + 2


def _fmt_date(value: Any) -> str:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value).strftime("%d-%m-%Y")
        except ValueError:
            return value
    return "" if value is None else str(value)

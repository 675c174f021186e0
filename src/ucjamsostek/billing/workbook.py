"""The reconciliation workbook (``reconciliation.xlsx``), written column-wise with Polars.

It is the workbook :func:`ucjamsostek.core.xlsxout.write_workbook` makes with XlsxWriter — same
sheets, cells, column widths, optional title row, bold header with a filter, frozen panes,
integers (rupiah, line numbers) as numbers with a ``#,##0`` format, text always as text (never a
formula) — but a sheet's rows come from a Polars frame and each chunk of rows becomes XML in one
vectorised string expression. XlsxWriter spends ~25 µs of Python per cell: a bill of a million
lines (7 million cells) took minutes, here seconds.

A sheet holds at most :data:`MAX_ROWS` rows (Excel's limit); a longer frame continues on further
sheets (``Rincian (2)``, …) with the header repeated, so no line is ever dropped.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

import polars as pl

from ucjamsostek.core.xlsxml import NS, NS_R, column_letter

MAX_ROWS = 1_048_576  # rows per worksheet in Excel
_CONTROL = r"[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]"

#: cell styles (index into cellXfs)
PLAIN, HEADER, TITLE, MONEY = 0, 1, 2, 3
INT, TEXT = "int", "text"

STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f"<styleSheet {NS}>"
    '<fonts count="3"><font><sz val="11"/><color theme="1"/><name val="Calibri"/><family val="2"/>'
    '<scheme val="minor"/></font><font><b/><sz val="11"/><color theme="1"/><name val="Calibri"/><family val="2"/>'
    '<scheme val="minor"/></font><font><b/><sz val="13"/><color theme="1"/><name val="Calibri"/><family val="2"/>'
    '<scheme val="minor"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFDDEBF7"/><bgColor indexed="64"/></patternFill></fill>'
    "</fills>"
    '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border><border><left style="thin">'
    '<color auto="1"/></left><right style="thin"><color auto="1"/></right><top style="thin"><color auto="1"/>'
    '</top><bottom style="thin"><color auto="1"/></bottom><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1"/>'
    '<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="3" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '<dxfs count="0"/><tableStyles count="0" defaultTableStyle="TableStyleMedium9" '
    'defaultPivotStyle="PivotStyleLight16"/></styleSheet>'
)


@dataclass
class Sheet:
    """A worksheet: optional ``title`` (row 1, then an empty row), a header with a filter and the
    panes frozen under it, then either small Python ``rows`` or a Polars ``frame`` whose columns
    are :data:`INT` or :data:`TEXT` as given by ``kinds``. Integers get the ``#,##0`` format;
    ``None`` leaves the cell empty."""

    name: str
    headers: Sequence[str]
    rows: Sequence[Sequence[Any]] = ()
    frame: pl.DataFrame | None = None
    kinds: Sequence[str] = ()
    title: str | None = None
    widths: Sequence[int] = ()


def _width(chars: float) -> str:
    """The column width XlsxWriter writes for ``set_column(…, chars)`` (Calibri 11: 7 px a digit)."""
    pixels = int(chars * 12 + 0.5) if chars < 1 else int(chars * 7 + 0.5) + 5
    return f"{(pixels * 256 // 7) / 256.0:.16g}"


def _text(value: str) -> str:
    return escape(value)


def _small_cell(ref: str, value: Any, style: int = PLAIN) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        value = "ya" if value else "tidak"
    if isinstance(value, int):
        return f'<c r="{ref}" s="{MONEY if style == PLAIN else style}"><v>{value}</v></c>'
    s = f' s="{style}"' if style else ""
    return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{_text(str(value))}</t></is></c>'


def _cell_expr(col: str, letter: str, row_no: pl.Expr, kind: str) -> pl.Expr:
    value = pl.col(col)
    ref = pl.concat_str([pl.lit(f'<c r="{letter}'), row_no])
    if kind == INT:
        body = pl.concat_str(
            [ref, pl.lit(f'" s="{MONEY}"><v>'), value.cast(pl.Int64).cast(pl.Utf8), pl.lit("</v></c>")]
        )
        return pl.when(value.is_not_null()).then(body).otherwise(pl.lit(""))
    text = (
        value.cast(pl.Utf8)
        .str.replace_all(_CONTROL, "")
        .str.replace_all("&", "&amp;", literal=True)
        .str.replace_all("<", "&lt;", literal=True)
        .str.replace_all(">", "&gt;", literal=True)
    )
    body = pl.concat_str([ref, pl.lit('" t="inlineStr"><is><t xml:space="preserve">'), text, pl.lit("</t></is></c>")])
    return pl.when(value.is_not_null()).then(body).otherwise(pl.lit(""))


@dataclass
class _Part:
    """One worksheet of the file (a long frame makes several)."""

    sheet: Sheet
    name: str
    frame: pl.DataFrame | None
    ncols: int
    header_row: int  # 1-based
    last_row: int  # 1-based, at least the header row


def _parts(sheets: Sequence[Sheet], max_rows: int) -> list[_Part]:
    parts: list[_Part] = []
    for sheet in sheets:
        header_row = 3 if sheet.title else 1
        ncols = max([len(sheet.headers), *(len(r) for r in sheet.rows)] or [1])
        if sheet.frame is None:
            parts.append(_Part(sheet, sheet.name[:31], None, ncols, header_row, header_row + len(sheet.rows)))
            continue
        room = max_rows - header_row
        frame, n = sheet.frame, 0
        while True:
            chunk = frame.slice(n * room, room)
            name = sheet.name if n == 0 else f"{sheet.name} ({n + 1})"
            parts.append(_Part(sheet, name[:31], chunk, ncols, header_row, header_row + chunk.height))
            n += 1
            if n * room >= frame.height:
                break
    return parts


def _sheet_head(part: _Part, selected: bool) -> str:
    sheet, h = part.sheet, part.header_row
    last_col = column_letter(part.ncols - 1)
    out = [
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet {NS} {NS_R}>',
        f'<dimension ref="A1:{last_col}{part.last_row}"/>',
        f"<sheetViews><sheetView {'tabSelected=' + chr(34) + '1' + chr(34) + ' ' if selected else ''}"
        f'workbookViewId="0"><pane ySplit="{h}" topLeftCell="A{h + 1}" activePane="bottomLeft" state="frozen"/>'
        f'<selection pane="bottomLeft"/></sheetView></sheetViews>',
        '<sheetFormatPr defaultRowHeight="15"/>',
    ]
    widths = [sheet.widths[j] if j < len(sheet.widths) else 16 for j in range(len(sheet.headers))]
    if widths:
        cols = "".join(
            f'<col min="{j + 1}" max="{j + 1}" width="{_width(w)}" customWidth="1"/>' for j, w in enumerate(widths)
        )
        out.append(f"<cols>{cols}</cols>")
    out.append("<sheetData>")
    if sheet.title:
        out.append(f'<row r="1">{_small_cell("A1", sheet.title, TITLE)}</row>')
    cells = "".join(_small_cell(f"{column_letter(j)}{h}", str(x), HEADER) for j, x in enumerate(sheet.headers))
    out.append(f'<row r="{h}">{cells}</row>')
    return "".join(out)


def _write_part(zf: zipfile.ZipFile, index: int, part: _Part, chunk: int) -> None:
    sheet, first = part.sheet, part.header_row + 1
    with zf.open(f"xl/worksheets/sheet{index}.xml", "w", force_zip64=True) as out:
        out.write(_sheet_head(part, index == 1).encode("utf-8"))
        if part.frame is None:
            for i, row in enumerate(sheet.rows):
                r = first + i
                line = "".join(_small_cell(f"{column_letter(j)}{r}", v) for j, v in enumerate(row))
                out.write(f'<row r="{r}">{line}</row>'.encode())
        else:
            names = part.frame.columns
            for start in range(0, part.frame.height, chunk):
                rows = part.frame.slice(start, chunk).with_row_index("_r", offset=first + start)
                row_no = pl.col("_r").cast(pl.Utf8)
                cells = [_cell_expr(c, column_letter(j), row_no, sheet.kinds[j]) for j, c in enumerate(names)]
                xml = rows.select(
                    pl.concat_str([pl.lit('<row r="'), row_no, pl.lit('">'), *cells, pl.lit("</row>")]).str.join("")
                ).item()
                out.write(xml.encode("utf-8"))
        tail = f'</sheetData><autoFilter ref="A{part.header_row}:{column_letter(part.ncols - 1)}{part.last_row}"/>'
        tail += '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>'
        out.write(tail.encode("utf-8"))


def write_workbook(
    path: str | os.PathLike[str], sheets: Sequence[Sheet], *, chunk: int = 100_000, max_rows: int = MAX_ROWS
) -> None:
    """Write ``sheets`` to the xlsx file ``path``."""
    parts = _parts(sheets, max_rows)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for i, part in enumerate(parts, start=1):
            _write_part(zf, i, part, chunk)
        n = len(parts)
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, n + 1)
        )
        zf.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            f"{overrides}</Types>",
        )
        zf.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>',
        )
        rels = "".join(
            f'<Relationship Id="rId{i}" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
            f'Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, n + 1)
        )
        rels += (
            f'<Relationship Id="rId{n + 1}" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
        )
        zf.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>',
        )
        entries = "".join(
            f'<sheet name="{escape(p.name, {chr(34): "&quot;"})}" sheetId="{i}" r:id="rId{i}"/>'
            for i, p in enumerate(parts, start=1)
        )
        quoted = [p.name.replace("'", "''") for p in parts]
        names = "".join(
            f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
            f"{escape(chr(39) + quoted[i] + chr(39))}!$A${p.header_row}:${column_letter(p.ncols - 1)}${p.last_row}"
            "</definedName>"
            for i, p in enumerate(parts)
        )
        zf.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook {NS} {NS_R}>'
            '<bookViews><workbookView activeTab="0"/></bookViews>'
            f"<sheets>{entries}</sheets><definedNames>{names}</definedNames></workbook>",
        )
        zf.writestr("xl/styles.xml", STYLES)

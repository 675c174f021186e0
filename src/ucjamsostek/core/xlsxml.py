"""The project's fast xlsx writer: sheet XML built column-wise with Polars, streamed into the zip.

XlsxWriter spends ~25 µs of Python per cell, so a million-row workbook takes minutes; here each
chunk of rows becomes XML in one vectorised string expression. It writes the screening report
(``hasil-validasi.xlsx``) and the reconciliation workbook (``reconciliation.xlsx``).

A :class:`Sheet` is an optional title row, a header row and then either a Polars ``frame`` (each
column of kind :data:`INT` or :data:`TEXT`) or a few Python ``rows``. What it can write:

* text always as inline strings, never as formulas (``=``/``+``/``-``/``@`` at the start stay
  text), XML control characters dropped;
* integers as numbers, in the sheet's ``int_style`` (e.g. :data:`NUMBER`, ``#,##0``);
* the cell styles of :data:`STYLES`: header, title, coloured decisions, number format;
* column widths in characters, as XlsxWriter's ``set_column`` and Excel's dialog take them;
* a frozen header and an autofilter on it;
* a frame longer than a worksheet holds (:data:`MAX_ROWS`) continues on further sheets
  ``Name (2)``, ``Name (3)``, … with the title and header repeated, so no row is ever dropped.
"""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

import polars as pl

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
NS_R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
_CONTROL = r"[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]"
_CONTROL_RE = re.compile(_CONTROL)

MAX_ROWS = 1_048_576  # rows per worksheet in Excel

#: column kinds of a :attr:`Sheet.frame`
INT, TEXT = "int", "text"

#: cell style ids of :data:`STYLES`: plain; header (bold, blue fill, border, wrapped, top-aligned);
#: green, amber, red text; title (bold, 13 pt); ``#,##0`` number; header on one line (no wrap)
PLAIN, HEADER, GREEN, AMBER, RED, TITLE, NUMBER, HEADER_NOWRAP = range(8)

_FONT = '<font>{}<sz val="{}"/>{}<name val="Calibri"/><family val="2"/></font>'
_FONTS = [
    _FONT.format("", 11, ""),
    _FONT.format("<b/>", 11, ""),
    _FONT.format("", 11, '<color rgb="FF006100"/>'),
    _FONT.format("", 11, '<color rgb="FF9C5700"/>'),
    _FONT.format("", 11, '<color rgb="FF9C0006"/>'),
    _FONT.format("<b/>", 13, ""),
]
_HEADER_XF = '<xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1"'
_XFS = [  # in the order of the style ids
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>',
    _HEADER_XF + ' applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>',
    '<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/>',
    '<xf numFmtId="0" fontId="3" fillId="0" borderId="0" xfId="0" applyFont="1"/>',
    '<xf numFmtId="0" fontId="4" fillId="0" borderId="0" xfId="0" applyFont="1"/>',
    '<xf numFmtId="0" fontId="5" fillId="0" borderId="0" xfId="0" applyFont="1"/>',
    '<xf numFmtId="3" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>',
    _HEADER_XF + "/>",
]
_BORDER = '<{0} style="thin"><color auto="1"/></{0}>'
STYLES = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet {NS}>'
    f'<fonts count="{len(_FONTS)}">{"".join(_FONTS)}</fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFDDEBF7"/><bgColor indexed="64"/></patternFill></fill>'
    '</fills><borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>'
    f"<border>{''.join(_BORDER.format(side) for side in ('left', 'right', 'top', 'bottom'))}<diagonal/></border>"
    '</borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    f'<cellXfs count="{len(_XFS)}">{"".join(_XFS)}</cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_width(chars: float) -> str:
    """The stored width of a column ``chars`` characters wide, as XlsxWriter's ``set_column`` and
    Excel's column-width dialog store it (Calibri 11: 7 pixels a digit, 5 pixels of padding)."""
    pixels = int(chars * 12 + 0.5) if chars < 1 else int(chars * 7 + 0.5) + 5
    return f"{(pixels * 256 // 7) / 256.0:.16g}"


@dataclass
class Sheet:
    """One worksheet: an optional ``title`` (row 1, then an empty row), a ``header`` row, then
    either a Polars ``frame`` (streamed in chunks) or small Python ``rows``."""

    name: str
    header: Sequence[str] = ()
    #: per column, in characters (see :func:`column_width`)
    widths: Sequence[float] = ()
    frame: pl.DataFrame | None = None
    #: per column of ``frame``: :data:`INT` or :data:`TEXT`
    kinds: Sequence[str] = ()
    #: per column index of ``frame``: text value → style id (e.g. a decision in green or red)
    styles: dict[int, dict[str, int]] = field(default_factory=dict)
    #: small tables: None = empty cell, str, int, float, bool ("ya"/"tidak")
    rows: Sequence[Sequence[Any]] = ()
    #: 0-based indexes into ``rows`` written in ``header_style``
    bold_rows: set[int] = field(default_factory=set)
    title: str | None = None
    header_style: int = HEADER
    #: style of integer cells (e.g. :data:`NUMBER` for ``#,##0``)
    int_style: int = PLAIN
    #: write an empty string of ``frame`` as an empty text cell (as XlsxWriter does), not leave it out
    empty_text: bool = False
    freeze_header: bool = False
    autofilter: bool = False


@dataclass
class _Part:
    """One worksheet of the file; a frame longer than ``max_rows`` makes several."""

    sheet: Sheet
    name: str
    frame: pl.DataFrame | None
    offset: int  # rows of the sheet's frame on the parts before this one
    ncols: int
    top: int  # row of the header (or of the first body row without a header), 1-based
    first: int  # first body row
    last: int  # last row, at least 1


def _parts(sheets: Sequence[Sheet], max_rows: int) -> list[_Part]:
    parts: list[_Part] = []
    for sheet in sheets:
        top = 3 if sheet.title else 1
        first = top + 1 if sheet.header else top
        body = sheet.frame.width if sheet.frame is not None else max((len(r) for r in sheet.rows), default=0)
        ncols = max(len(sheet.header), body, 1)
        if sheet.frame is None:
            last = max(first - 1 + len(sheet.rows), 1)
            parts.append(_Part(sheet, sheet.name[:31], None, 0, ncols, top, first, last))
            continue
        room = max_rows - first + 1
        offset = 0
        while True:
            piece = sheet.frame.slice(offset, room)
            name = sheet.name if offset == 0 else f"{sheet.name} ({offset // room + 1})"
            last = max(first - 1 + piece.height, 1)
            parts.append(_Part(sheet, name[:31], piece, offset, ncols, top, first, last))
            offset += room
            if offset >= sheet.frame.height:
                break
    return parts


def _small_cell(ref: str, value: Any, style: int = PLAIN, int_style: int = PLAIN) -> str:
    if value is None:
        return f'<c r="{ref}" s="{style}"/>' if style else ""
    if isinstance(value, bool):
        value = "ya" if value else "tidak"
    elif isinstance(value, int | float):
        style = style or (int_style if isinstance(value, int) else PLAIN)
        s = f' s="{style}"' if style else ""
        return f'<c r="{ref}"{s}><v>{value!r}</v></c>'
    s = f' s="{style}"' if style else ""
    text = escape(_CONTROL_RE.sub("", str(value)))
    return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def _cell_expr(sheet: Sheet, j: int, col: str, row_no: pl.Expr) -> pl.Expr:
    """The XML of column ``j`` (named ``col``) of ``sheet.frame`` in each row; "" for no cell."""
    value, letter, styles = pl.col(col), column_letter(j), sheet.styles.get(j)
    if sheet.kinds[j] == INT:
        s = f' s="{sheet.int_style}"' if sheet.int_style else ""
        xml = pl.concat_str(
            [
                pl.lit(f'<c r="{letter}'),
                row_no,
                pl.lit(f'"{s}><v>'),
                value.cast(pl.Int64).cast(pl.Utf8),
                pl.lit("</v></c>"),
            ]
        )
        return pl.when(value.is_not_null()).then(xml).otherwise(pl.lit(""))
    string = value.cast(pl.Utf8)
    text = (
        string.str.replace_all(_CONTROL, "")
        .str.replace_all("&", "&amp;", literal=True)
        .str.replace_all("<", "&lt;", literal=True)
        .str.replace_all(">", "&gt;", literal=True)
    )
    if styles:
        style = string.replace_strict({k: f' s="{v}"' for k, v in styles.items()}, default="", return_dtype=pl.Utf8)
        head = [pl.lit(f'<c r="{letter}'), row_no, pl.lit('"'), style.fill_null(""), pl.lit(' t="inlineStr"><is><t')]
    else:
        head = [pl.lit(f'<c r="{letter}'), row_no, pl.lit('" t="inlineStr"><is><t')]
    xml = pl.concat_str([*head, pl.lit(' xml:space="preserve">'), text, pl.lit("</t></is></c>")])
    present = value.is_not_null() if sheet.empty_text else value.is_not_null() & (string != "")
    return pl.when(present).then(xml).otherwise(pl.lit(""))


def _head(part: _Part, selected: bool) -> str:
    sheet = part.sheet
    tab = ' tabSelected="1"' if selected else ""
    out = [
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet {NS} {NS_R}>',
        f'<dimension ref="A1:{column_letter(part.ncols - 1)}{part.last}"/>',
    ]
    split = part.first - 1
    if sheet.freeze_header and split:
        out.append(
            f'<sheetViews><sheetView{tab} workbookViewId="0"><pane ySplit="{split}" topLeftCell="A{part.first}" '
            f'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A{part.first}" '
            f'sqref="A{part.first}"/></sheetView></sheetViews>'
        )
    else:
        out.append(f'<sheetViews><sheetView{tab} workbookViewId="0"/></sheetViews>')
    out.append('<sheetFormatPr defaultRowHeight="15"/>')
    if sheet.widths:
        cols = "".join(
            f'<col min="{j + 1}" max="{j + 1}" width="{column_width(w)}" customWidth="1"/>'
            for j, w in enumerate(sheet.widths)
        )
        out.append(f"<cols>{cols}</cols>")
    out.append("<sheetData>")
    if sheet.title:
        out.append(f'<row r="1">{_small_cell("A1", sheet.title, TITLE)}</row>')
    if sheet.header:
        h = part.top
        cells = "".join(
            _small_cell(f"{column_letter(j)}{h}", x, sheet.header_style) for j, x in enumerate(sheet.header)
        )
        out.append(f'<row r="{h}">{cells}</row>')
    return "".join(out)


def _write_part(
    zf: zipfile.ZipFile, index: int, part: _Part, chunk: int, progress: Callable[[float], None] | None
) -> None:
    sheet, first = part.sheet, part.first
    with zf.open(f"xl/worksheets/sheet{index}.xml", "w", force_zip64=True) as out:
        out.write(_head(part, index == 1).encode("utf-8"))
        if part.frame is None:
            for i, row in enumerate(sheet.rows):
                r = first + i
                style = sheet.header_style if i in sheet.bold_rows else PLAIN
                line = "".join(
                    _small_cell(f"{column_letter(j)}{r}", v, style, sheet.int_style) for j, v in enumerate(row)
                )
                out.write(f'<row r="{r}">{line}</row>'.encode())
        else:
            frame = part.frame
            total = max(sheet.frame.height if sheet.frame is not None else 0, 1)
            for start in range(0, frame.height, chunk):
                rows = frame.slice(start, chunk).with_row_index("_r", offset=first + start)
                row_no = pl.col("_r").cast(pl.Utf8)
                cells = [_cell_expr(sheet, j, c, row_no) for j, c in enumerate(frame.columns)]
                xml = rows.select(
                    pl.concat_str([pl.lit('<row r="'), row_no, pl.lit('">'), *cells, pl.lit("</row>")])
                    .str.join("")
                    .cast(pl.Binary)
                ).item()
                out.write(xml)
                if progress is not None:
                    progress(min(1.0, (part.offset + start + chunk) / total))
        tail = "</sheetData>"
        if sheet.autofilter:
            tail += f'<autoFilter ref="A{part.top}:{column_letter(part.ncols - 1)}{part.last}"/>'
        tail += '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>'
        out.write(tail.encode("utf-8"))


def write_workbook(
    path: str | os.PathLike[str],
    sheets: Sequence[Sheet],
    *,
    chunk: int = 50_000,
    progress: Callable[[float], None] | None = None,
    compresslevel: int = 1,
    max_rows: int = MAX_ROWS,
) -> None:
    """Write ``sheets`` to an xlsx file at ``path``; ``progress`` gets the fraction of the first
    sheet's frame written; a frame longer than ``max_rows`` rows a sheet goes on over more sheets."""
    parts = _parts(sheets, max_rows)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as zf:
        for i, part in enumerate(parts, start=1):
            _write_part(zf, i, part, chunk, progress if part.sheet is sheets[0] else None)
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
        names = "".join(
            f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
            f"{escape(chr(39) + p.name.replace(chr(39), chr(39) * 2) + chr(39))}"
            f"!$A${p.top}:${column_letter(p.ncols - 1)}${p.last}</definedName>"
            for i, p in enumerate(parts)
            if p.sheet.autofilter
        )
        zf.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook {NS} {NS_R}>'
            '<bookViews><workbookView activeTab="0"/></bookViews>'
            f"<sheets>{entries}</sheets>" + (f"<definedNames>{names}</definedNames>" if names else "") + "</workbook>",
        )
        zf.writestr("xl/styles.xml", STYLES)

"""A small streaming xlsx writer that builds the sheet XML column-wise with Polars.

XlsxWriter spends ~25 µs of Python per cell, so a million-row report takes minutes; here each row's
XML is one vectorised string expression and the rows are streamed into the zip in chunks. It
writes only what the screening report needs: text cells as inline strings (never formulas, so
``=``/``+``/``-``/``@`` at the start stay text), integer cells, a few cell styles (bold header,
coloured decision), column widths, a frozen header row and an autofilter.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

import polars as pl

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
NS_R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
_CONTROL = r"[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]"

#: cell style ids of :data:`STYLES`
PLAIN, HEADER, GREEN, AMBER, RED = 0, 1, 2, 3, 4

STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet {NS}><fonts count="5"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font><font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font><font><sz val="11"/><color rgb="FF006100"/><name val="Calibri"/><family val="2"/></font><font><sz val="11"/><color rgb="FF9C5700"/><name val="Calibri"/><family val="2"/></font><font><sz val="11"/><color rgb="FF9C0006"/><name val="Calibri"/><family val="2"/></font></fonts><fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill><fill><patternFill patternType="solid"><fgColor rgb="FFDDEBF7"/><bgColor indexed="64"/></patternFill></fill></fills><borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border><border><left style="thin"><color auto="1"/></left><right style="thin"><color auto="1"/></right><top style="thin"><color auto="1"/></top><bottom style="thin"><color auto="1"/></bottom><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf><xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/><xf numFmtId="0" fontId="3" fillId="0" borderId="0" xfId="0" applyFont="1"/><xf numFmtId="0" fontId="4" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"""  # noqa: E501


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _text_xml(value: str) -> str:
    return escape(value)


@dataclass
class Sheet:
    """One worksheet: a header, then either a Polars ``frame`` (streamed) or small ``rows``."""

    name: str
    header: Sequence[str] = ()
    widths: Sequence[float] = ()
    frame: pl.DataFrame | None = None
    #: per column of ``frame``: "text", "int", or "text" with a style from ``styles`` (value → style id)
    kinds: Sequence[str] = ()
    styles: dict[int, dict[str, int]] = field(default_factory=dict)
    rows: list[list[Any]] = field(default_factory=list)  # small tables: (None = empty, str, int/float)
    bold_rows: set[int] = field(default_factory=set)  # 0-based indexes into ``rows`` written bold
    freeze_header: bool = False
    autofilter: bool = False


def _cell_expr(col: str, letter: str, row_no: pl.Expr, kind: str, styles: dict[str, int] | None) -> pl.Expr:
    value = pl.col(col)
    ref = pl.concat_str([pl.lit(f'<c r="{letter}'), row_no, pl.lit('"')])
    if kind == "int":
        return (
            pl.when(value.is_not_null())
            .then(pl.concat_str([ref, pl.lit("><v>"), value.cast(pl.Int64).cast(pl.Utf8), pl.lit("</v></c>")]))
            .otherwise(pl.lit(""))
        )
    text = (
        value.cast(pl.Utf8)
        .str.replace_all(_CONTROL, "")
        .str.replace_all("&", "&amp;", literal=True)
        .str.replace_all("<", "&lt;", literal=True)
        .str.replace_all(">", "&gt;", literal=True)
    )
    style = pl.lit("")
    if styles:
        style = (
            value.cast(pl.Utf8)
            .replace_strict({k: f' s="{v}"' for k, v in styles.items()}, default="", return_dtype=pl.Utf8)
            .fill_null("")
        )
    return (
        pl.when(value.is_not_null() & (value.cast(pl.Utf8) != ""))
        .then(
            pl.concat_str(
                [ref, style, pl.lit(' t="inlineStr"><is><t xml:space="preserve">'), text, pl.lit("</t></is></c>")]
            )
        )
        .otherwise(pl.lit(""))
    )


def _small_cell(letter: str, row: int, value: Any, style: int) -> str:
    s = f' s="{style}"' if style else ""
    if value is None:
        return f'<c r="{letter}{row}"{s}/>' if style else ""
    if isinstance(value, bool):
        value = str(value)
    if isinstance(value, int | float):
        return f'<c r="{letter}{row}"{s}><v>{value!r}</v></c>'
    return f'<c r="{letter}{row}"{s} t="inlineStr"><is><t xml:space="preserve">{_text_xml(str(value))}</t></is></c>'


def _head(sheet: Sheet, ncols: int, nrows: int) -> str:
    last = f"{column_letter(max(ncols, 1) - 1)}{max(nrows, 1)}"
    parts = [f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet {NS} {NS_R}>']
    parts.append(f'<dimension ref="A1:{last}"/>')
    if sheet.freeze_header:
        parts.append(
            '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
            'state="frozen"/><selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
        )
    else:
        parts.append('<sheetViews><sheetView workbookViewId="0"/></sheetViews>')
    parts.append('<sheetFormatPr defaultRowHeight="15"/>')
    if sheet.widths:
        cols = "".join(
            f'<col min="{i + 1}" max="{i + 1}" width="{w}" customWidth="1"/>' for i, w in enumerate(sheet.widths)
        )
        parts.append(f"<cols>{cols}</cols>")
    parts.append("<sheetData>")
    if sheet.header:
        cells = "".join(_small_cell(column_letter(j), 1, h, HEADER) for j, h in enumerate(sheet.header))
        parts.append(f'<row r="1">{cells}</row>')
    return "".join(parts)


def _write_sheet(
    zf: zipfile.ZipFile, index: int, sheet: Sheet, chunk: int, progress: Callable[[float], None] | None
) -> tuple[int, int]:
    first = 2 if sheet.header else 1
    if sheet.frame is not None:
        ncols, nrows = sheet.frame.width, sheet.frame.height + first - 1
    else:
        ncols = max([len(sheet.header), *(len(r) for r in sheet.rows)] or [1])
        nrows = len(sheet.rows) + first - 1
    with zf.open(f"xl/worksheets/sheet{index}.xml", "w", force_zip64=True) as out:
        out.write(_head(sheet, ncols, nrows).encode("utf-8"))
        if sheet.frame is not None:
            frame = sheet.frame
            names = frame.columns
            for start in range(0, frame.height, chunk):
                part = frame.slice(start, chunk).with_row_index("_i", offset=start + first)
                row_no = pl.col("_i").cast(pl.Utf8)
                cells = [
                    _cell_expr(c, column_letter(j), row_no, sheet.kinds[j], sheet.styles.get(j))
                    for j, c in enumerate(names)
                ]
                xml = part.select(
                    pl.concat_str([pl.lit('<row r="'), row_no, pl.lit('">'), *cells, pl.lit("</row>")]).alias("x")
                )["x"]
                out.write("".join(xml.to_list()).encode("utf-8"))
                if progress is not None:
                    progress(min(1.0, (start + chunk) / max(frame.height, 1)))
        else:
            for i, row in enumerate(sheet.rows):
                r = i + first
                style = HEADER if i in sheet.bold_rows else PLAIN
                line = "".join(_small_cell(column_letter(j), r, v, style) for j, v in enumerate(row))
                out.write(f'<row r="{r}">{line}</row>'.encode())
        tail = "</sheetData>"
        if sheet.autofilter:
            tail += f'<autoFilter ref="A1:{column_letter(ncols - 1)}{max(nrows, 1)}"/>'
        tail += '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>'
        out.write(tail.encode("utf-8"))
    return ncols, nrows


def write_workbook(
    path: str | os.PathLike[str],
    sheets: Sequence[Sheet],
    *,
    chunk: int = 50_000,
    progress: Callable[[float], None] | None = None,
    compresslevel: int = 1,
) -> None:
    """Write ``sheets`` to an xlsx file at ``path``."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as zf:
        sizes = [_write_sheet(zf, i + 1, s, chunk, progress if i == 0 else None) for i, s in enumerate(sheets)]
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i + 1}.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(len(sheets))
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
            f'<Relationship Id="rId{i + 1}" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
            f'Target="worksheets/sheet{i + 1}.xml"/>'
            for i in range(len(sheets))
        )
        rels += (
            f'<Relationship Id="rId{len(sheets) + 1}" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
        )
        zf.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>',
        )
        entries = "".join(
            f'<sheet name="{escape(s.name, {chr(34): "&quot;"})}" sheetId="{i + 1}" r:id="rId{i + 1}"/>'
            for i, s in enumerate(sheets)
        )
        names = "".join(
            f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
            f"'{escape(s.name)}'!$A$1:${column_letter(sizes[i][0] - 1)}${max(sizes[i][1], 1)}</definedName>"
            for i, s in enumerate(sheets)
            if s.autofilter
        )
        zf.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook {NS} {NS_R}>'
            '<bookViews><workbookView activeTab="0"/></bookViews>'
            f"<sheets>{entries}</sheets>" + (f"<definedNames>{names}</definedNames>" if names else "") + "</workbook>",
        )
        zf.writestr("xl/styles.xml", STYLES)

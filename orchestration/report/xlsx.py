"""A small Office Open XML spreadsheet writer: what the report's .xlsx files need, and no more.

Sheets of rows (strings, numbers, booleans, empty cells), a bold first row, a number format per
column, column widths and a frozen first row and column. openpyxl's write-only mode built an XML
element per cell and took 0.7-1.0 s for an assessment's 10 000 Party rows, more than the rest of the
report; strings joined here take about 0.1 s (issue 15). Strings are stored inline (no shared-string
table), which Excel, LibreOffice and openpyxl all read.
"""

from __future__ import annotations

import math
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

# the cell styles of styles.xml, by their index there
PLAIN, BOLD, ONE_DECIMAL = 0, 1, 2
# characters XML 1.0 cannot hold, even escaped
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_NOT_IN_NAMES = re.compile(r"[\[\]:*?/\\]")
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_STYLES = (
    f'{_HEAD}<styleSheet xmlns="{_MAIN}">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="0.0"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


@dataclass
class Sheet:
    """One worksheet: its first row is bold; ``styles[j]`` is column j's style below it (a number
    format applies to numbers only); ``widths[j]`` its width in characters."""

    name: str
    rows: list[list]
    widths: list[float] = field(default_factory=list)
    styles: list[int] = field(default_factory=list)
    freeze_first_row_and_column: bool = False


def save(path: Path, sheets: list[Sheet]) -> None:
    """Write ``sheets`` as the workbook ``path``."""
    names = [sheet.name for sheet in sheets]
    for name in names:
        if not 0 < len(name) <= 31 or _NOT_IN_NAMES.search(name) or names.count(name) > 1:
            raise ValueError(
                f"spreadsheet {path.name}: sheet name {name!r} is empty, longer than 31 characters, "
                "holds one of []:*?/\\ or is not unique (Excel refuses it)"
            )
    parts = {
        "[Content_Types].xml": _content_types(len(sheets)),
        "_rels/.rels": _relationships([("officeDocument", "xl/workbook.xml")]),
        "xl/workbook.xml": _workbook(sheets),
        "xl/_rels/workbook.xml.rels": _relationships(
            [("worksheet", f"worksheets/sheet{n}.xml") for n in range(1, len(sheets) + 1)]
            + [("styles", "styles.xml")]
        ),
        "xl/styles.xml": _STYLES,
    }
    for n, sheet in enumerate(sheets, start=1):
        parts[f"xl/worksheets/sheet{n}.xml"] = _worksheet(
            sheet, f"spreadsheet {path.name}, sheet {sheet.name!r}"
        )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for name, text in parts.items():
            book.writestr(name, text)


def sheet_name(text: str) -> str:
    """``text`` as a sheet name Excel takes: its forbidden characters as spaces, cut to 31 characters."""
    return _NOT_IN_NAMES.sub(" ", text)[:31].strip()


def column_letter(index: int) -> str:
    """The letters of the 0-based column ``index``: 0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _worksheet(sheet: Sheet, where: str) -> str:
    width = max((len(row) for row in sheet.rows), default=0)
    letters = [column_letter(j) for j in range(width)]
    styles = [*sheet.styles, *[PLAIN] * (width - len(sheet.styles))]
    out = [f'{_HEAD}<worksheet xmlns="{_MAIN}">']
    if sheet.freeze_first_row_and_column:
        out.append(
            '<sheetViews><sheetView workbookViewId="0"><pane xSplit="1" ySplit="1" topLeftCell="B2" '
            'activePane="bottomRight" state="frozen"/></sheetView></sheetViews>'
        )
    if sheet.widths:
        out.append("<cols>")
        out.extend(
            f'<col min="{j}" max="{j}" width="{w}" customWidth="1"/>' for j, w in enumerate(sheet.widths, 1)
        )
        out.append("</cols>")
    out.append("<sheetData>")
    for n, row in enumerate(sheet.rows, start=1):
        out.append(f'<row r="{n}">')
        for j, value in enumerate(row):
            if value is not None:
                out.append(_cell(where, f"{letters[j]}{n}", value, BOLD if n == 1 else styles[j]))
        out.append("</row>")
    out.append("</sheetData></worksheet>")
    return "".join(out)


def _cell(where: str, cell: str, value, style: int) -> str:
    """One cell's XML; ``where`` (file and sheet) and ``cell`` name it in an error."""
    ref = f'r="{cell}"' + (f' s="{style}"' if style else "")
    if isinstance(value, str):
        if _NOT_XML.search(value):
            raise ValueError(f"{where}, cell {cell}: a control character XML cannot hold, in {value!r}")
        return f'<c {ref} t="inlineStr"><is><t xml:space="preserve">{escape(value)}</t></is></c>'
    if isinstance(value, bool):
        return f'<c {ref} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float | Decimal):
        if not math.isfinite(value):  # Excel has no NaN or infinity: its error value instead
            return f'<c {ref} t="e"><v>#NUM!</v></c>'
        return f"<c {ref}><v>{value}</v></c>"
    raise TypeError(
        f"{where}, cell {cell}: {type(value).__name__} {value!r} is not a string, number or boolean"
    )


def _workbook(sheets: list[Sheet]) -> str:
    listed = "".join(
        f'<sheet name={quoteattr(sheet.name)} sheetId="{n}" r:id="rId{n}"/>'
        for n, sheet in enumerate(sheets, start=1)
    )
    return f'{_HEAD}<workbook xmlns="{_MAIN}" xmlns:r="{_RELATIONSHIPS}"><sheets>{listed}</sheets></workbook>'


def _relationships(targets: list[tuple[str, str]]) -> str:
    listed = "".join(
        f'<Relationship Id="rId{n}" Type="{_RELATIONSHIPS}/{kind}" Target="{target}"/>'
        for n, (kind, target) in enumerate(targets, start=1)
    )
    return f'{_HEAD}<Relationships xmlns="{_PACKAGE_RELATIONSHIPS}">{listed}</Relationships>'


def _content_types(n_sheets: int) -> str:
    sheets = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{_TYPE}.worksheet+xml"/>'
        for n in range(1, n_sheets + 1)
    )
    return (
        f'{_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_TYPE}.sheet.main+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{_TYPE}.styles+xml"/>'
        f"{sheets}</Types>"
    )

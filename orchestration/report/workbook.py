"""The spreadsheet export of one assessment, as BCH analyzer users expect: <assessment>.xlsx.

One sheet per thematic area (goal) with the report's figures, unrounded (shown to one decimal), one
sheet of the Parties behind every figure, and a README sheet saying what each column means.
"""

from __future__ import annotations

import re
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FIGURE_COLUMNS = {
    "indicator_code": "The indicator's code in the catalogue (marts.dim_indicator).",
    "title": "What the indicator measures.",
    "status": "compared (a comparison with the baseline), not_compared (no baseline figure) or not_measured.",
    "region_code": "africa, asia_pacific, cee, grulac, weog, or global for every Party.",
    "comparison_population": "comparable_set (Parties answering in both cycles) or all_parties_at_cutoff.",
    "n_comparable": "Parties in the comparable set (national-report indicators).",
    "baseline_n_met": "Parties that met the indicator at the baseline, in that population.",
    "baseline_pct": "baseline_n_met as a share of the population, 0-100.",
    "cycle_n_met": "Parties that met the indicator in the assessed cycle, in that population.",
    "cycle_pct": "cycle_n_met as a share of the population, 0-100.",
    "change_pp": "cycle_pct - baseline_pct, in percentage points.",
    "polarity": "higher_is_better or lower_is_better: whether a positive change is progress.",
    "value_kind": "What the headline value counts: pct_parties, pct_records, n_parties or n_records.",
    "baseline_value": "The headline value at the baseline, over all reporting Parties.",
    "cycle_value": "The headline value in the assessed cycle, over all reporting Parties.",
    "change_relative_pct": "For counts: the relative change of the headline value, in %.",
    "note": "Why an indicator is not measured or not compared, where it is not.",
}
PARTY_COLUMNS = {
    "indicator_code": "The indicator.",
    "party_code": "The Party's lowercase ISO 3166-1 alpha-2 code (BCH government).",
    "party_name": "The Party's name.",
    "region_code": "Its UN regional group (empty: in none, counted in global only).",
    "in_comparable_set": "True when it answered in both cycles, so it counts in the comparison.",
    "baseline_status": "met, not_met, not_answered, not_in_population or not_a_party at the baseline.",
    "baseline_answer": "Its answer to the indicator's question at the baseline (question key: option code).",
    "cycle_status": "The same in the assessed cycle.",
    "cycle_answer": "Its answer in the assessed cycle.",
}
PCT_COLUMNS = {
    "baseline_pct",
    "cycle_pct",
    "change_pp",
    "baseline_value",
    "cycle_value",
    "change_relative_pct",
}


def write(assessment: dict, regions: list[dict], build: dict, path: Path) -> None:
    book = Workbook(write_only=True)  # streamed: several thousand Party rows per assessment
    _readme(book.create_sheet("README"), assessment, build)
    for area in assessment["areas"]:
        sheet = book.create_sheet(sheet_name(area["code"], area["name"]))
        _table(sheet, list(FIGURE_COLUMNS), _figure_rows(area, regions))
    parties = book.create_sheet("Parties")
    _table(
        parties,
        list(PARTY_COLUMNS),
        [
            {"indicator_code": indicator["indicator_code"], **party}
            for area in assessment["areas"]
            for indicator in area["indicators"]
            for party in indicator["parties"]
        ],
    )
    book.save(path)


def sheet_name(code: str, name: str) -> str:
    """An Excel sheet name: at most 31 characters, none of []:*?/\\."""
    return re.sub(r"[\[\]:*?/\\]", " ", f"{code} {name}")[:31].strip()


def _figure_rows(area: dict, regions: list[dict]) -> list[dict]:
    rows = []
    for indicator in area["indicators"]:
        base = {
            key: indicator.get(key) for key in ("indicator_code", "title", "polarity", "value_kind", "note")
        }
        base["status"] = indicator["kind"]
        if not indicator["progress"]:
            rows.append(base)
        for region in regions:
            row = indicator["progress"].get(region["region_code"])
            if row:
                rows.append({**base, **{k: row[k] for k in FIGURE_COLUMNS if k in row}})
    return rows


def _table(sheet, columns: list[str], rows: list[dict]) -> None:
    for index, column in enumerate(columns, start=1):
        width = 50 if column in ("title", "note") else max(12, len(column) + 2)
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "B2"
    sheet.append([_bold(sheet, column) for column in columns])
    for row in rows:
        sheet.append([_cell(sheet, column, row.get(column)) for column in columns])


def _bold(sheet, value) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.font = Font(bold=True)
    return cell


def _cell(sheet, column: str, value):
    """Shares and changes shown to one decimal; the stored value stays unrounded."""
    if column not in PCT_COLUMNS or value is None:
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = "0.0"
    return cell


def _readme(sheet, assessment: dict, build: dict) -> None:
    sheet.column_dimensions["A"].width = 20
    sheet.column_dimensions["B"].width = 24
    sheet.column_dimensions["C"].width = 100
    sheet.append([_bold(sheet, assessment["title"])])
    sheet.append(
        [
            f"Cycle {assessment['cycle_code']} against the baseline {assessment['baseline_cycle_code']}; "
            f"cutoff {assessment['cutoff_date']}; "
            f"snapshot {build['snapshot_id']} ({build['source']})"
            + ("; SYNTHETIC data: invented answers" if build["synthetic"] else "")
        ]
    )
    sheet.append(["Values are unrounded (shown to one decimal); shares are 0-100."])
    sheet.append([])
    sheet.append(["sheet", "column", "meaning"])
    for column, meaning in FIGURE_COLUMNS.items():
        sheet.append(["each thematic area", column, meaning])
    for column, meaning in PARTY_COLUMNS.items():
        sheet.append(["Parties", column, meaning])

"""The spreadsheet export of one assessment, as BCH analyzer users expect: <assessment>.xlsx.

One sheet per thematic area (goal) with the report's figures, unrounded (shown to one decimal), one
sheet of the Parties behind every figure, and a README sheet saying what each column means.
"""

from __future__ import annotations

from pathlib import Path

from orchestration.report import xlsx

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
    """``assessment``'s spreadsheet at ``path``: the README, a sheet per thematic area, the Parties."""
    parties = [
        {"indicator_code": indicator["indicator_code"], **party}
        for area in assessment["areas"]
        for indicator in area["indicators"]
        for party in indicator["parties"]
    ]
    xlsx.save(
        path,
        [
            _readme(assessment, build),
            *[
                _table(
                    xlsx.sheet_name(f"{area['code']} {area['name']}"),
                    FIGURE_COLUMNS,
                    _figure_rows(area, regions),
                )
                for area in assessment["areas"]
            ],
            _table("Parties", PARTY_COLUMNS, parties),
        ],
    )


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


def _table(name: str, columns: dict[str, str], rows: list[dict]) -> xlsx.Sheet:
    """A header of ``columns`` and a line per row; shares and changes shown to one decimal (the stored
    value stays unrounded)."""
    return xlsx.Sheet(
        name,
        [list(columns), *([row.get(column) for column in columns] for row in rows)],
        widths=[50 if column in ("title", "note") else max(12, len(column) + 2) for column in columns],
        styles=[xlsx.ONE_DECIMAL if column in PCT_COLUMNS else xlsx.PLAIN for column in columns],
        freeze_first_row_and_column=True,
    )


def _readme(assessment: dict, build: dict) -> xlsx.Sheet:
    lines = [
        [assessment["title"]],
        [
            f"Cycle {assessment['cycle_code']} against the baseline {assessment['baseline_cycle_code']}; "
            f"cutoff {assessment['cutoff_date']}; "
            f"snapshot {build['snapshot_id']} ({build['source']})"
            + ("; SYNTHETIC data: invented answers" if build["synthetic"] else "")
        ],
        ["Values are unrounded (shown to one decimal); shares are 0-100."],
        [],
        ["sheet", "column", "meaning"],
        *(["each thematic area", column, meaning] for column, meaning in FIGURE_COLUMNS.items()),
        *(["Parties", column, meaning] for column, meaning in PARTY_COLUMNS.items()),
    ]
    return xlsx.Sheet("README", lines, widths=[20, 24, 100])

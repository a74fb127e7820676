"""Headline figures of a publication: printed at the end of a refresh and written to report.md.

The headline of a cycle is the comparison of the assessment that assesses it (dim_assessment: its
catalogue's indicators against its baseline); a cycle no assessment assesses shows every indicator
without comparison. Where a cycle is compared with its baseline, a
national-report indicator reads as the comparable-set pair (baseline share, cycle share, change, and
how many Parties answered in both cycles), as the Secretariat analyses it (SBI/3/3 para 11); BCH-record
and treaty indicators over every Party at each cutoff. The share over all reporting Parties stays
beside it, labelled as such. Every number comes from the marts; nothing is recomputed here.
"""

import duckdb

from orchestration.settings import Settings

HEADLINE_SQL = """
select
    s.indicator_code,
    i.title,
    s.value_kind,
    s.value,
    s.n_met,
    s.n_parties,
    p.comparison_population,
    p.n_comparable,
    p.baseline_pct,
    p.cycle_pct,
    p.change_pp,
    p.baseline_value,
    p.change_value,
    p.change_relative_pct
from marts.indicator_status as s
inner join marts.dim_indicator as i on s.indicator_code = i.indicator_code
left join marts.dim_assessment as a on s.cycle_code = a.cycle_code
left join marts.indicator_progress as p
    on
        p.assessment_code = a.assessment_code
        and p.analysis_as_of = 'cutoff'
        and p.indicator_code = s.indicator_code
        and p.region_code = s.region_code
where
    s.cycle_code = ?
    and s.region_code = 'global'
    and (a.catalogue_code is null or i.catalogue_code = a.catalogue_code)
order by s.indicator_code
"""
LEGEND = (
    "national-report shares over the comparable set (Parties that answered in the cycle and the "
    "baseline), with the share over all reporting Parties beside it; BCH-record and treaty figures "
    "over every Party at each cutoff; change in points for shares, relative for counts"
)
TITLE_WIDTH = 60


def headline_table(con: duckdb.DuckDBPyConnection, cycle_code: str) -> list[str]:
    """Lines of a fixed-width table of every indicator's headline figures for one cycle.

    Indicators by title, as the HTML report names them (the code at the end of the line); the
    columns name the two cycles of the comparison.
    """
    rows = con.execute(HEADLINE_SQL, [cycle_code]).fetchall()
    if not rows:
        return []
    baseline = con.execute(
        "select baseline_cycle_code from marts.dim_assessment where cycle_code = ?", [cycle_code]
    ).fetchone()
    header = (
        f"{'indicator':<{TITLE_WIDTH}}{f'baseline {baseline[0]}' if baseline else 'baseline':>13}"
        f"{f'cycle {cycle_code}':>13}{'change':>9}  basis"
    )
    return [header, *(_line(row) for row in rows)]


def _title(title: str) -> str:
    return title if len(title) < TITLE_WIDTH else title[: TITLE_WIDTH - 2] + "…"


def _line(row: tuple) -> str:
    """One indicator: baseline, cycle, change and the population they are over (HEADLINE_SQL's row)."""
    code, title, kind, value, n_met, n_parties, population, n_comparable, baseline_pct, cycle_pct = row[:10]
    change_pp, baseline_value, change_value, change_relative = row[10:]
    reporting = f"{n_met}/{n_parties}"
    if population == "comparable_set":
        baseline, cycle, change = _pct(baseline_pct), _pct(cycle_pct), _signed(change_pp)
        basis = f"comparable set of {n_comparable}; all reporting {_pct(value)} ({reporting})"
    elif population == "all_parties_at_cutoff":
        baseline, cycle = _value(kind, baseline_value), _value(kind, value)
        change = _change(kind, change_pp, change_value, change_relative)
        basis = f"all Parties at each cutoff ({reporting} now)"
    else:
        baseline, cycle, change = "-", _value(kind, value), "-"
        basis = f"all reporting Parties ({reporting}); no baseline comparison"
    return f"{_title(title):<{TITLE_WIDTH}}{baseline:>13}{cycle:>13}{change:>9}  {basis} [{code}]"


EMPTY_CYCLES_SQL = """
select c.cycle_code, c.cutoff_date, c.registry_cutoff_date
from marts.dim_cycle as c
where not exists (
    select 1 from marts.fct_report_answer as a where a.cycle_code = c.cycle_code and a.is_counted
)
order by c.cutoff_date
"""
QUARANTINE_SQL = """
select stage, field, count(*) as n
from marts.fct_quarantine
group by all
order by n desc, stage, field
"""
QUARANTINE_ROWS_SHOWN = 50


def quarantine_counts(con: duckdb.DuckDBPyConnection) -> dict:
    """What was set aside: the total, and counts by stage and field (for manifest.json)."""
    rows = con.execute(QUARANTINE_SQL).fetchall()
    return {
        "total": sum(n for *_, n in rows),
        "by_field": {f"{stage}:{field}": n for stage, field, n in rows},
    }


def _quarantine_lines(quarantine: dict) -> list[str]:
    if not quarantine.get("total"):
        return ["Quarantine: no record set aside."]
    parts = ", ".join(f"{key} {n}" for key, n in quarantine["by_field"].items())
    return [
        f"Quarantine: {quarantine['total']} records set aside ({parts}); "
        "each with its reason in marts.fct_quarantine."
    ]


def print_summary(settings: Settings, publication: dict, cycle_code: str) -> None:
    synthetic = " (SYNTHETIC embedded snapshot)" if publication.get("synthetic") else ""
    print(f"\nPublished {publication['published_at']} from snapshot {publication['snapshot_id']}{synthetic}")
    print(f"  DuckDB : {settings.published_db}  (schema marts)")
    print(f"  Parquet: {settings.published_dir / 'parquet'}/<table>/  (one folder per table)")
    out = settings.published_dir
    print(f"  Docs   : {out / 'docs' / 'index.html'} (dbt), {out / 'quality' / 'index.html'} (checks)")
    print(f"  Report : {settings.published_dir / 'report.md'} (headline figures)")
    print("  tables : " + ", ".join(f"{t} ({n})" for t, n in publication["tables"].items()))
    print("  " + "\n  ".join(_quarantine_lines(publication.get("quarantine", {}))))
    with duckdb.connect(str(settings.published_db), read_only=True) as con:
        lines = headline_table(con, cycle_code)
        empty = con.execute(EMPTY_CYCLES_SQL).fetchall()
    for code, cutoff, registry_cutoff in empty:
        moved = (
            f" (moved from {registry_cutoff} by CPB_CUTOFF_DATE / --cutoff-date)"
            if cutoff != registry_cutoff
            else ""
        )
        print(
            f"  WARNING: cycle {code} has no counted report at its cutoff {cutoff}{moved}; "
            "its figures are empty."
        )
    if lines:
        print(f"\nHeadline figures, {cycle_code}: {LEGEND}.")
        print("\n".join("  " + line for line in lines))
    else:
        print(f"\nNo indicator figures for cycle {cycle_code}.")
    # last, where a reader of `make run` looks: the report with charts, drill-down and spreadsheets
    print(f"\nReport: {settings.published_dir / 'report' / 'index.html'}")


def report_markdown(db_path, publication: dict) -> str:
    """report.md: where the figures come from, then one table per cycle."""
    synthetic = " **Synthetic embedded snapshot: invented answers.**" if publication.get("synthetic") else ""
    parts = [
        "# Cartagena Protocol indicators: headline figures\n",
        f"Snapshot `{publication['snapshot_id']}` ({publication['source']}), published "
        f"{publication['published_at']}.{synthetic} Figures: {LEGEND}. Full detail in "
        "`cpb_indicators.duckdb` (schema `marts`).\n",
    ]
    with duckdb.connect(str(db_path), read_only=True) as con:
        cycles = con.execute(
            "select c.cycle_code, c.title, a.baseline_cycle_code from marts.dim_cycle as c "
            "left join marts.dim_assessment as a using (cycle_code) order by c.cutoff_date"
        ).fetchall()
        for cycle_code, title, baseline in cycles:
            lines = headline_table(con, cycle_code)
            if lines:
                against = f" (against {baseline})" if baseline else ""
                parts.append(f"## {cycle_code}: {title}{against}\n\n```\n" + "\n".join(lines) + "\n```\n")
        parts.append(_quarantine_section(con, publication.get("quarantine", {})))
    return "\n".join(parts)


def _quarantine_section(con: duckdb.DuckDBPyConnection, quarantine: dict) -> str:
    """The records set aside, each with its file, record, field and reason (the first ones in full)."""
    lines = ["## Quarantined records\n", *_quarantine_lines(quarantine), ""]
    rows = con.execute(
        "select snapshot_id, source_file, record_index, field, value, reason from marts.fct_quarantine "
        f"order by source_file, record_index, field limit {QUARANTINE_ROWS_SHOWN}"
    ).fetchall()
    if rows:
        lines += ["| snapshot | file | record | field | value | reason |", "|---|---|---|---|---|---|"]
        lines += ["| " + " | ".join("" if v is None else str(v) for v in row) + " |" for row in rows]
        if quarantine.get("total", 0) > len(rows):
            lines.append(f"\n… and {quarantine['total'] - len(rows)} more in `marts.fct_quarantine`.")
    return "\n".join(lines) + "\n"


def _pct(value) -> str:
    return "-" if value is None else f"{value:.1f}%"


def _signed(value) -> str:
    return "-" if value is None else f"{value:+.1f}"


def _value(kind: str, value) -> str:
    if value is None:
        return "-"
    return {"pct_parties": f"{value:.1f}%", "pct_records": f"{value:.1f}% rec."}.get(
        kind, f"{value:.0f} {'records' if kind == 'n_records' else 'Parties'}"
    )


def _change(kind: str, change_pp, change_value, change_relative) -> str:
    if kind == "pct_records":
        return _signed(change_value)
    if kind in ("n_parties", "n_records"):
        return "-" if change_relative is None else f"{change_relative:+.0f}%"
    return _signed(change_pp)

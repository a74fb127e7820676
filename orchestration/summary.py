"""Headline figures of a publication: printed at the end of a refresh and written to report.md."""

import duckdb

from orchestration.settings import Settings

HEADLINE_SQL = """
select
    s.indicator_code,
    s.value_kind,
    s.value,
    s.n_met,
    s.n_parties,
    p.change_pp,
    p.change_value,
    p.change_relative_pct
from marts.indicator_status as s
left join marts.indicator_progress as p
    on p.indicator_code = s.indicator_code and p.cycle_code = s.cycle_code and p.region_code = s.region_code
where s.cycle_code = ? and s.region_code = 'global'
order by s.indicator_code
"""
LEGEND = "all Parties; change vs the baseline (shares: points over the comparable set; counts: relative)"


def headline_table(con: duckdb.DuckDBPyConnection, cycle_code: str) -> list[str]:
    """Lines of a fixed-width table of every indicator's headline value for one cycle."""
    rows = con.execute(HEADLINE_SQL, [cycle_code]).fetchall()
    if not rows:
        return []
    lines = [f"{'indicator':<33}{'value':>16}{'met/of':>10}{'change':>10}"]
    for code, kind, value, n_met, n_parties, change_pp, change_value, change_relative in rows:
        lines.append(
            f"{code:<33}{_value(kind, value):>16}{f'{n_met}/{n_parties}':>10}"
            f"{_change(kind, change_pp, change_value, change_relative):>10}"
        )
    return lines


def print_summary(settings: Settings, publication: dict, cycle_code: str) -> None:
    synthetic = " (SYNTHETIC embedded snapshot)" if publication.get("synthetic") else ""
    print(f"\nPublished {publication['published_at']} from snapshot {publication['snapshot_id']}{synthetic}")
    print(f"  DuckDB : {settings.published_db}  (schema marts)")
    print(f"  Parquet: {settings.published_dir / 'parquet'}/<table>.parquet")
    print(f"  Report : {settings.published_dir / 'report.md'}")
    print("  tables : " + ", ".join(f"{t} ({n})" for t, n in publication["tables"].items()))
    with duckdb.connect(str(settings.published_db), read_only=True) as con:
        lines = headline_table(con, cycle_code)
    if not lines:
        print(f"\nNo indicator figures for cycle {cycle_code}.")
        return
    print(f"\nHeadline figures, {cycle_code}, {LEGEND}:")
    print("\n".join("  " + line for line in lines))


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
        cycles = con.execute("select cycle_code, title from marts.dim_cycle order by cutoff_date").fetchall()
        for cycle_code, title in cycles:
            lines = headline_table(con, cycle_code)
            if lines:
                parts.append(f"## {cycle_code}: {title}\n\n```\n" + "\n".join(lines) + "\n```\n")
    return "\n".join(parts)


def _value(kind: str, value) -> str:
    if value is None:
        return "-"
    return {"pct_parties": f"{value:.1f}%", "pct_records": f"{value:.1f}% rec."}.get(
        kind, f"{value:.0f} {'records' if kind == 'n_records' else 'Parties'}"
    )


def _change(kind: str, change_pp, change_value, change_relative) -> str:
    if kind == "pct_records" and change_value is not None:
        return f"{change_value:+.1f}"
    if kind in ("n_parties", "n_records") and change_relative is not None:
        return f"{change_relative:+.0f}%"
    return f"{change_pp:+.1f}" if change_pp is not None else "-"

"""The closing summary of a refresh: what was published, where, and the headline figures."""

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


def print_summary(settings: Settings, publication: dict, cycle_code: str) -> None:
    synthetic = " (SYNTHETIC embedded snapshot)" if publication.get("synthetic") else ""
    print(f"\nPublished {publication['published_at']} from snapshot {publication['snapshot_id']}{synthetic}")
    print(f"  DuckDB : {settings.published_db}  (schema marts)")
    print(f"  Parquet: {settings.published_dir / 'parquet'}/<table>.parquet")
    print("  tables : " + ", ".join(f"{t} ({n})" for t, n in publication["tables"].items()))
    with duckdb.connect(str(settings.published_db), read_only=True) as con:
        rows = con.execute(HEADLINE_SQL, [cycle_code]).fetchall()
    if not rows:
        print(f"\nNo indicator figures for cycle {cycle_code}.")
        return
    print(
        f"\nHeadline figures, {cycle_code}, all Parties; change vs the baseline "
        "(shares: points over the comparable set; counts: relative):"
    )
    print(f"  {'indicator':<33}{'value':>16}{'met/of':>10}{'change':>10}")
    for code, kind, value, n_met, n_parties, change_pp, change_value, change_relative in rows:
        print(
            f"  {code:<33}{_value(kind, value):>16}{f'{n_met}/{n_parties}':>10}"
            f"{_change(kind, change_pp, change_value, change_relative):>10}"
        )


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

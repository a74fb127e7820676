"""The closing summary of a refresh: what was published, where, and the headline figures."""

import duckdb

from orchestration.settings import Settings

HEADLINE_SQL = """
select
    s.indicator_code,
    s.n_met,
    s.n_parties,
    s.pct,
    p.change_pp,
    p.n_comparable
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
        f"\nHeadline figures, {cycle_code}, all Parties (change in points vs the baseline, comparable set):"
    )
    print(f"  {'indicator':<32} {'met/answered':>13} {'share':>7} {'change':>8}")
    for code, n_met, n_parties, pct, change, _n_comparable in rows:
        share = f"{pct:6.1f}%" if pct is not None else "      -"
        delta = f"{change:+7.1f}" if change is not None else "       -"
        print(f"  {code:<32} {f'{n_met}/{n_parties}':>13} {share} {delta}")

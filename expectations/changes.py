"""Change detection: the build's counts and shares against the current publication.

Between two runs the published figures barely move: reports counted in a cycle are those filed by
its cutoff, long past. A region that loses most of its counted Parties overnight is far likelier a
broken extraction (a missing page of an analyzer export, a mistyped cutoff) than news, and it would
reach every BI dashboard unnoticed. So each of these is compared with the previous publication:

- per cycle and UN region, the Parties with a counted report (``fct_report_answer.is_counted``);
- per cycle, the counted reports;
- per indicator, cycle and region, the share ``indicator_status.pct``.

A count moving by more than ``max_count_change_pct`` percent, or a share by more than
``max_share_change_pp`` points, fails the gate; a count that disappears moves by -100%. New rows
(a new cycle, a new indicator) and shares without a value on either side are not compared. Great
Expectations judges the frame ``(metric, previous, current, change)``, so its Data Docs show what
was compared and what moved.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

if TYPE_CHECKING:  # pandas loads with the checks, not with the Dagster definitions that import this
    import pandas as pd

from expectations.validate import Suite, SuiteResult, validate_frame
from orchestration.sql import sql_escape

SUITE_NAME = "changes_since_publication"
COLUMNS = ["metric", "kind", "previous", "current", "count_change_pct", "share_change_pp"]
COUNTS_SQL = """
select 'region ' || p.region_code || ': counted Parties ' || f.cycle_code as metric,
       count(distinct f.party_code) as value
from marts.fct_report_answer as f inner join marts.dim_party as p on f.party_code = p.party_code
where f.is_counted and p.region_code is not null
group by all
union all
select 'cycle ' || cycle_code || ': counted reports' as metric, count(distinct document_id) as value
from marts.fct_report_answer
where is_counted
group by all
"""
SHARES_SQL = """
select 'indicator ' || indicator_code || ' ' || cycle_code || ' ' || region_code || ': share' as metric,
       pct as value
from marts.indicator_status
where pct is not null
"""


@dataclass(frozen=True)
class ChangeReport:
    compared: bool  # False when nothing is published yet
    moved: list[dict]  # metric, previous, current, change, unit, threshold, message
    result: SuiteResult | None


def detect_changes(
    marts_db: Path,
    published_db: Path,
    max_count_change_pct: float,
    max_share_change_pp: float,
    context=None,
) -> ChangeReport:
    """Compare the build's marts (``marts_db``) with ``published_db``; list every metric that moved beyond
    its threshold. ``context``: the GX context that keeps the result (None: kept nowhere)."""
    import pandas as pd

    compared = Path(published_db).is_file()
    # nothing published: an empty comparison, validated all the same so Data Docs list the suite
    frame = (
        change_frame(marts_db, published_db)
        if compared
        else pd.DataFrame({c: pd.Series(dtype=float) for c in COLUMNS})
    )
    suite = Suite(
        SUITE_NAME,
        "marts.indicator_status",
        f"Counted Parties per region and cycle and counted reports per cycle move by at most "
        f"{max_count_change_pct:g}%, indicator shares by at most {max_share_change_pp:g} points, "
        "against the previous publication (cpb refresh --accept-changes lets a real move through).",
        [
            _within("count_change_pct", max_count_change_pct),
            _within("share_change_pp", max_share_change_pp),
        ],
        identify=["metric"],
    )
    result = validate_frame(suite, frame, context=context)
    flagged = {row["metric"] for row in result.unexpected_rows}
    limits = {"count_change_pct": max_count_change_pct, "share_change_pp": max_share_change_pp}
    moved = [_moved(row, limits) for row in frame.itertuples(index=False) if row.metric in flagged]
    return ChangeReport(compared, moved, result)


def change_frame(marts_db: Path, published_db: Path) -> pd.DataFrame:
    """One row per metric: previous and current value and the change in % (counts) or points (shares)."""
    import pandas as pd

    with duckdb.connect(str(marts_db), read_only=True) as con:
        con.execute(f"attach '{sql_escape(published_db)}' as previous (read_only)")
        frames = []
        for kind, sql in (("count", COUNTS_SQL), ("share", SHARES_SQL)):
            frames.append(
                con.sql(
                    f"""
                    with current_values as ({sql}),
                    previous_values as ({sql.replace("marts.", "previous.marts.")})
                    select coalesce(c.metric, p.metric) as metric, '{kind}' as kind,
                           p.value::double as previous, c.value::double as current
                    from current_values as c full outer join previous_values as p on c.metric = p.metric
                    """
                ).df()
            )
        con.execute("detach previous")
    frame = pd.concat(frames, ignore_index=True).sort_values("metric", ignore_index=True)
    counts = frame["kind"] == "count"
    frame.loc[counts, "current"] = frame.loc[counts, "current"].fillna(0)  # a count that vanished is 0
    difference = frame["current"] - frame["previous"]
    frame["count_change_pct"] = (100 * difference / frame["previous"]).where(counts)
    frame["share_change_pp"] = difference.where(~counts)
    return frame[COLUMNS]


def _within(column: str, limit: float) -> dict:
    return {
        "type": "expect_column_values_to_be_between",
        "kwargs": {"column": column, "min_value": -limit, "max_value": limit},
    }


def _moved(row, limits: dict) -> dict:
    if row.kind == "count":
        change, unit, limit = row.count_change_pct, "%", limits["count_change_pct"]
        message = f"{row.metric} {row.previous:.0f} -> {row.current:.0f} ({change:+.0f}%) exceeds {limit:g}%"
    else:
        change, unit, limit = row.share_change_pp, "pp", limits["share_change_pp"]
        message = (
            f"{row.metric} {row.previous:.1f}% -> {row.current:.1f}% ({change:+.1f} pp) exceeds {limit:g} pp"
        )
    return {
        "metric": row.metric,
        "previous": row.previous,
        "current": row.current,
        "change": round(float(change), 3),
        "unit": unit,
        "threshold": limit,
        "message": message,
    }

"""What the report shows, read from the published marts.

Every figure is a column of a mart, never recomputed here, so the report, the spreadsheet and a BI
tool reading ``cpb_indicators.duckdb`` agree to the last digit.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import groupby
from pathlib import Path

import duckdb

REGIONS_SQL = (
    "select region_code, name from marts.dim_region order by region_code = 'global' desc, region_code"
)
ASSESSMENTS_SQL = "select * from marts.dim_assessment order by cutoff_date, assessment_code"
CYCLES_SQL = "select * from marts.dim_cycle order by cutoff_date"
INDICATORS_SQL = """
select * from marts.dim_indicator
where catalogue_code = ?
order by thematic_area, operational_objective, indicator_code
"""
# both analyses: the official figures (at the cutoff) and as of the snapshot
PROGRESS_SQL = "select * from marts.indicator_progress where assessment_code = ?"
STATUS_SQL = """
select s.*, c.cutoff_date
from marts.indicator_status as s
inner join marts.dim_cycle as c using (cycle_code)
inner join marts.dim_indicator as i using (indicator_code)
where i.catalogue_code = ?
order by s.indicator_code, c.cutoff_date, s.region_code
"""
# Parties at the cutoff of a cycle and the baseline, by fct_party_indicator; reports counted at the
# cutoff and as of the snapshot, by fct_national_report
PARTIES_AT_CUTOFF_SQL = (
    "select count(distinct party_code) from marts.fct_party_indicator where cycle_code = ?"
)
COUNTED_REPORTS_SQL = """
select
    count(distinct party_code) filter (where is_counted),
    count(distinct party_code) filter (where is_counted_as_of_snapshot)
from marts.fct_national_report where cycle_code = ?
"""
FILED_BOTH_SQL = """
select count(*) from (
    select party_code from marts.fct_national_report where cycle_code = ? and is_counted
    intersect
    select party_code from marts.fct_national_report where cycle_code = ? and is_counted
)
"""
# one row per indicator of the catalogue and Party at either cutoff: its status on each side and its
# answers to the indicator's questions (cycle's own keys); in_comparable_set as indicator_progress
PARTIES_SQL = """
with assessment as (
    select * from marts.dim_assessment where assessment_code = $assessment
),

indicators as (
    select i.indicator_code, i.source, string_split(i.nr4_question_keys, '|') as keys
    from marts.dim_indicator as i inner join assessment using (catalogue_code)
),

-- one row per indicator and question key: answers join on equal keys (a hash join), not a list lookup
indicator_keys as (
    select distinct indicator_code, unnest(keys) as question_key from indicators
),

facts as (
    select f.*, (f.cycle_code = assessment.cycle_code) as is_cycle
    from marts.fct_party_indicator as f
    inner join indicators using (indicator_code)
    cross join assessment
    where f.cycle_code in (assessment.cycle_code, assessment.baseline_cycle_code)
),

answers as (
    select
        k.indicator_code,
        a.cycle_code,
        a.party_code,
        string_agg(
            a.question_key || ': ' || coalesce(a.answer_value, a.answer_text), '; '
            order by a.question_key, a.answer_position
        ) as answer
    from marts.fct_report_answer as a
    inner join indicator_keys as k on a.reference_question_key = k.question_key
    where a.is_counted and a.cycle_code in (select unnest([cycle_code, baseline_cycle_code]) from assessment)
    group by all
),

sides as (
    select
        indicator_code,
        party_code,
        any_value(region_code) as region_code,
        any_value(status) filter (where not is_cycle) as baseline_status,
        any_value(status) filter (where is_cycle) as cycle_status,
        bool_or(is_met is not null and not is_cycle) as baseline_answered,
        bool_or(is_met is not null and is_cycle) as cycle_answered,
        any_value(n_records) filter (where not is_cycle) as baseline_n_records,
        any_value(n_records) filter (where is_cycle) as cycle_n_records
    from facts
    group by all
)

select
    sides.indicator_code,
    sides.party_code,
    coalesce(p.name, sides.party_code) as party_name,
    sides.region_code,
    coalesce(sides.baseline_status, 'not_a_party') as baseline_status,
    coalesce(sides.cycle_status, 'not_a_party') as cycle_status,
    i.source = 'national_report' and sides.baseline_answered and sides.cycle_answered as in_comparable_set,
    b.answer as baseline_answer,
    c.answer as cycle_answer,
    sides.baseline_n_records,
    sides.cycle_n_records
from sides
inner join indicators as i using (indicator_code)
left join marts.dim_party as p using (party_code)
cross join assessment
left join answers as b
    on b.indicator_code = sides.indicator_code and b.party_code = sides.party_code
    and b.cycle_code = assessment.baseline_cycle_code
left join answers as c
    on c.indicator_code = sides.indicator_code and c.party_code = sides.party_code
    and c.cycle_code = assessment.cycle_code
order by
    sides.indicator_code, sides.region_code nulls last, in_comparable_set desc, sides.cycle_status, party_name
"""
QUARANTINE_SQL = """
select stage, field, reason, count(*) as n
from marts.fct_quarantine
group by all
order by n desc, stage, field
"""
TIMELINESS_SQL = """
select cycle_code, days_after_deadline, n_parties, n_filed, pct_filed::double as pct_filed, is_comparison_day
from marts.reporting_timeliness
where region_code = 'global'
order by cycle_code, days_after_deadline
"""
# each cycle's question for a 4th-report key, with its text
QUESTIONS_SQL = """
select q.reference_question_key, q.cycle_code, q.question_key, q.title, q.parent_title
from marts.dim_question as q
inner join marts.dim_cycle as c using (cycle_code)
order by c.cutoff_date, q.question_key
"""


def rows(con: duckdb.DuckDBPyConnection, sql: str, params=None) -> list[dict]:
    result = con.execute(sql, params or [])
    names = [d[0] for d in result.description]
    return [dict(zip(names, row, strict=True)) for row in result.fetchall()]


def load(published_db: Path) -> dict:
    """Everything the report and the spreadsheet show, for every assessment."""
    with duckdb.connect(str(published_db), read_only=True) as con:
        data = {
            "regions": rows(con, REGIONS_SQL),
            "cycles": rows(con, CYCLES_SQL),
            "quarantine": rows(con, QUARANTINE_SQL),
            "timeliness": rows(con, TIMELINESS_SQL),
        }
        data["assessments"] = [_assessment(con, a) for a in rows(con, ASSESSMENTS_SQL)]
        data["questions"] = defaultdict(list)
        for row in rows(con, QUESTIONS_SQL):
            data["questions"][row.pop("reference_question_key")].append(row)
    return data


def _assessment(con, assessment: dict) -> dict:
    code = assessment["assessment_code"]
    progress = defaultdict(dict)
    for row in rows(con, PROGRESS_SQL, [code]):
        progress[(row["indicator_code"], row["analysis_as_of"])][row["region_code"]] = row
    status = defaultdict(list)
    for row in rows(con, STATUS_SQL, [assessment["catalogue_code"]]):
        status[row["indicator_code"]].append(row)
    parties = defaultdict(list)
    for row in rows(con, PARTIES_SQL, {"assessment": code}):
        parties[row.pop("indicator_code")].append(row)
    indicators = [
        {
            **indicator,
            "progress": progress.get((indicator["indicator_code"], "cutoff"), {}),
            "progress_as_of": progress.get((indicator["indicator_code"], "snapshot"), {}),
            "status": status.get(indicator["indicator_code"], []),
            "parties": parties.get(indicator["indicator_code"], []),
        }
        for indicator in rows(con, INDICATORS_SQL, [assessment["catalogue_code"]])
    ]
    for indicator in indicators:
        indicator["kind"] = _kind(indicator)
    return {
        **assessment,
        "headline": _headline(con, assessment),
        "indicators": indicators,
        "areas": [
            {"code": area, "name": name or area, "indicators": list(members)}
            for (area, name), members in groupby(
                indicators, key=lambda i: (i["thematic_area"], i["thematic_area_name"])
            )
        ],
    }


def _kind(indicator: dict) -> str:
    """compared (has indicator_progress), not_measured (the framework cannot measure it), or not_compared."""
    if indicator["source"] == "not_measured":
        return "not_measured"
    return "compared" if indicator["progress"] else "not_compared"


def _headline(con, assessment: dict) -> dict:
    """Reports counted against Parties at each side's cutoff, and Parties that filed on both sides."""
    sides = {}
    for side in ("baseline_cycle_code", "cycle_code"):
        cycle = assessment[side]
        counted, as_of = con.execute(COUNTED_REPORTS_SQL, [cycle]).fetchone()
        (parties,) = con.execute(PARTIES_AT_CUTOFF_SQL, [cycle]).fetchone()
        sides[side] = {"cycle_code": cycle, "counted": counted, "counted_as_of": as_of, "parties": parties}
    (both,) = con.execute(
        FILED_BOTH_SQL, [assessment["cycle_code"], assessment["baseline_cycle_code"]]
    ).fetchone()
    return {"baseline": sides["baseline_cycle_code"], "cycle": sides["cycle_code"], "filed_both": both}

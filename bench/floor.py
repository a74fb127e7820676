"""The floor: the national-report indicators of a snapshot with nothing but Python and DuckDB SQL.

    python bench/floor.py [SNAPSHOT_DIR] [--out file.parquet | --time]

A minimal, independent re-implementation of the national-report rows of the marts
``indicator_status`` (n_parties, n_met, pct per indicator x cycle x region, ``global`` included) and
``indicator_progress`` (the comparable set: n_comparable, baseline_n_met, cycle_n_met, change_pp),
read straight from a snapshot's raw gzip JSON. No dbt, no landing, no warehouse: the repository's
data files (``dbt_project/seeds/*.csv``) and the crosswalk rows of
:func:`orchestration.crosswalk.build_crosswalk` (mapping composition is not re-implemented) are
its only other inputs. Its time is the bench's floor: what a bare script takes for the same figures.

``--out`` writes one Parquet file with both marts (column ``mart``: ``indicator_status`` or
``indicator_progress``); ``--time`` prints only the elapsed time and the row counts.

The indicators read the answers of the counted reports only (a Party's latest report by the
cutoff), so the floor's answer work does not grow when reports are repeated (the bench's scaled
snapshots).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import duckdb
import pyarrow as pa

PROJECT = Path(__file__).resolve().parents[1]
if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))

from orchestration.crosswalk import REFERENCE_CYCLE, build_crosswalk  # noqa: E402
from orchestration.registry import load_cycles  # noqa: E402

DBT_PROJECT = PROJECT / "dbt_project"
SEEDS = DBT_PROJECT / "seeds"
EMBEDDED = PROJECT / "raw" / "embedded"
REPORT_META = ("government", "documentId", "date", "_id", "realm", "header")

# One selected value of an answer element, as int_report_answers reads it: `value`, else
# `identifier`, else the raw scalar; booleans 'true'/'false'; integral numbers without a decimal
# point. Free-text-only elements give null (never counted); a value '' is kept only beside free text.
ELEMENT_VALUE = """
case
    when json_type(e) = 'BOOLEAN' then e::varchar
    when json_type(e) = 'VARCHAR' then nullif(e ->> '$', '')
    when json_type(e) in ('BIGINT', 'UBIGINT') then e::varchar
    when json_type(e) = 'DOUBLE' then {num}
    when json_type(e) = 'OBJECT' and json_exists(e, '$.value') then
        case json_type(e -> '$.value')
            when 'BOOLEAN' then (e -> '$.value')::varchar
            when 'VARCHAR' then
                case when e ->> '$.value' <> '' or {has_text} then e ->> '$.value' end
            when 'BIGINT' then (e -> '$.value')::varchar
            when 'UBIGINT' then (e -> '$.value')::varchar
            when 'DOUBLE' then {num_value}
        end
    when json_type(e) = 'OBJECT' and json_type(e -> '$.identifier') = 'VARCHAR' then e ->> '$.identifier'
end
"""
_NUM = (
    "case when {x}::double = trunc({x}::double) then trunc({x}::double)::bigint::varchar"
    " else {x}::double::varchar end"
)


def _has_text() -> str:
    """Free text beside a value: a non-blank string, or a multilingual object with a non-blank language."""
    parts = []
    for k in ("additionalInformation", "details", "customValue"):
        path = f"e -> '$.{k}'"
        parts.append(f"(json_type({path}) = 'VARCHAR' and trim({path} ->> '$') <> '')")
        parts.append(
            f"(json_type({path}) = 'OBJECT' and len(list_filter(json_extract_string({path}, '$.*'), "
            "lambda t: trim(t) <> '')) > 0)"
        )
    return "(" + " or ".join(parts) + ")"


def element_value_sql() -> str:
    return ELEMENT_VALUE.format(
        num=_NUM.format(x="e"), num_value=_NUM.format(x="(e -> '$.value')"), has_text=_has_text()
    )


def answers_sql() -> str:
    """The counted reports' answers (the indicators read no other), element by element with the
    element's position."""
    meta = ", ".join(f"'{k}'" for k in REPORT_META)
    return f"""
with report_maps as (
    select r.cycle_code, r.document_id, r.party_code, json_transform(r.json, '"MAP(VARCHAR, JSON)"') as m
    from reports as r
    semi join counted_reports as c on r.cycle_code = c.cycle_code and r.document_id = c.document_id
),
raw_answers as (
    select * from (
        select
            cycle_code, document_id, party_code,
            unnest(map_keys(m)) as question_key, unnest(map_values(m)) as v
        from report_maps
    )
    where question_key not in ({meta})
),
element_lists as (
    select
        cycle_code,
        document_id,
        party_code,
        question_key,
        case
            when json_type(v) = 'ARRAY' then cast(v as json[])
            when json_type(v) = 'OBJECT' and json_type(v -> '$.options') = 'ARRAY'
                then cast(v -> '$.options' as json[])
            else [v]
        end as element_list
    from raw_answers
    where v is not null and json_type(v) <> 'NULL'
),
elements as (
    select
        * exclude (element_list),
        unnest(element_list) as e,
        generate_subscripts(element_list, 1) as position
    from element_lists
)
select cycle_code, document_id, party_code, question_key, position, {element_value_sql()} as answer_value
from elements
where e is not null and json_type(e) <> 'NULL'"""


def compute(snapshot_dir: Path, con: duckdb.DuckDBPyConnection | None = None) -> duckdb.DuckDBPyConnection:
    """Create tables ``floor_status`` and ``floor_progress`` in ``con`` (a new in-memory database)."""
    con = con or duckdb.connect()
    snapshot_dir = Path(snapshot_dir)
    cycles = load_cycles(DBT_PROJECT)
    con.execute("set TimeZone = 'UTC'")

    def seed(name: str) -> None:
        con.execute(
            f"create or replace table {name} as select * from "
            f"read_csv('{SEEDS / (name + '.csv')}', header = true, all_varchar = true)"
        )

    for name in ("report_cycles", "assessments", "indicators", "regions", "bch_question_options"):
        seed(name)
    crosswalk = pa.Table.from_pylist(
        build_crosswalk(DBT_PROJECT, cycles),
        schema=pa.schema(
            [(c, pa.string()) for c in ("cycle_code", "question_key", "reference_question_key", "value_map")]
        ),
    )
    con.register("crosswalk_rows", crosswalk)
    con.execute(
        "create or replace table question_crosswalk as select cycle_code, question_key, "
        "reference_question_key, cast(value_map as json) as value_map from crosswalk_rows"
    )
    con.unregister("crosswalk_rows")

    files = sorted((snapshot_dir / "national_reports").glob("*.json*"))
    known = {c.cycle_code for c in cycles}
    files = [f for f in files if f.name.split(".")[0] in known]
    file_list = ", ".join(f"'{f}'" for f in files)
    utc_date = "cast(timezone('UTC', cast({x} as timestamptz)) as date)"
    con.execute(
        f"""
create or replace table cycles as
select
    r.cycle_code,
    r.bch_schema,
    nullif(a.baseline_cycle_code, '') as baseline_cycle_code,
    a.catalogue_code,
    cast(r.cutoff_date as date) as cutoff_date
from report_cycles as r
left join assessments as a on r.cycle_code = a.cycle_code;

-- countries, the one Party rule (stg_bch__country_treaties) and the UN regional groups
create or replace table treaties as
with t as (
    select
        lower(json ->> '$.code') as country_code,
        unnest(json_keys(json -> '$.treaties')) as treaty_code,
        json -> '$.treaties' as treaties
    from read_json_objects('{snapshot_dir / "countries.json*"}', format = 'array')
),
served as (
    select
        country_code,
        treaty_code,
        lower(treaties -> treaty_code ->> 'instrument') as instrument,
        {utc_date.format(x="treaties -> treaty_code ->> 'deposit'")} as deposit_date,
        {utc_date.format(x="treaties -> treaty_code ->> 'party'")} as served_party_date
    from t
)
select
    country_code,
    treaty_code,
    case
        when instrument = 'succession' then coalesce(served_party_date, deposit_date)
        when instrument in ('ratification', 'accession', 'acceptance', 'approval')
            then greatest(served_party_date, deposit_date + 90)
    end as party_date
from served;

create or replace table countries as
select distinct lower(json ->> '$.code') as country_code
from read_json_objects('{snapshot_dir / "countries.json*"}', format = 'array');

create or replace table country_regions as
with members as (
    select
        json ->> '$.identifier' as region_identifier,
        case
            when json_array_length(json -> '$.expandedNarrowerTerms') > 0
                then json -> '$.expandedNarrowerTerms'
            else coalesce(json -> '$.narrowerTerms', '[]')
        end as member_codes
    from read_json_objects('{snapshot_dir / "thesaurus" / "regions.json*"}', format = 'array')
)
select lower(unnest(cast(m.member_codes as varchar[]))) as country_code, r.region_code
from members as m
inner join regions as r on r.bch_identifier = m.region_identifier;

create or replace table parties as
select
    c.cycle_code,
    k.country_code as party_code,
    cr.region_code,
    coalesce(cpb.party_date <= c.cutoff_date, false) as is_cpb_party,
    coalesce(sp.party_date <= c.cutoff_date, false) as is_sp_party
from cycles as c
cross join countries as k
left join treaties as cpb on cpb.country_code = k.country_code and cpb.treaty_code = 'XXVII8a'
left join treaties as sp on sp.country_code = k.country_code and sp.treaty_code = 'XXVII8c'
left join country_regions as cr on cr.country_code = k.country_code;

-- reports: a government, a document id and a date; the first of a duplicated document id
create or replace table raw_reports as
select
    split_part(parse_filename(filename), '.', 1) as cycle_code,
    unnest(range(json_array_length(json)::bigint)) as record_index,
    unnest(cast(json as json[])) as json
from read_json_objects(
    [{file_list}], format = 'unstructured', filename = true, maximum_object_size = 1073741824
);

create or replace table reports as
with placed as (
    select
        cycle_code,
        record_index,
        lower(trim(json ->> '$.government.identifier')) as party_code,
        case json_type(json -> '$.documentId')
            when 'VARCHAR' then nullif(json ->> '$.documentId', '')
            when 'NULL' then null
            else (json -> '$.documentId')::varchar
        end as document_id,
        try_cast(left(
            case json_type(json -> '$.date')
                when 'VARCHAR' then json ->> '$.date'
                when 'OBJECT' then json -> '$.date' ->> '$."$date"'
            end, 10) as date) as report_date,
        json
    from raw_reports
    where json_type(json) = 'OBJECT' and json_type(json -> '$.government.identifier') = 'VARCHAR'
)
select * exclude (n)
from (
    select *, row_number() over (partition by cycle_code, document_id order by record_index) as n
    from placed
    where party_code <> '' and document_id is not null and report_date is not null
)
where n = 1;

-- int_national_reports_counted: a Party's latest report dated by the cutoff
create or replace table counted_reports as
select cycle_code, document_id, party_code
from (
    select
        r.cycle_code,
        r.document_id,
        r.party_code,
        p.is_cpb_party,
        row_number() over (
            partition by r.cycle_code, r.party_code order by r.report_date desc, r.document_id desc
        ) as recency_rank
    from reports as r
    inner join cycles as c on r.cycle_code = c.cycle_code
    inner join parties as p on r.cycle_code = p.cycle_code and r.party_code = p.party_code
    where r.report_date <= c.cutoff_date
)
where recency_rank = 1 and is_cpb_party;

-- answers of the counted reports, element by element (int_report_answers)
create or replace table answers as
{answers_sql()};

-- int_counted_answers: own-question options only, translated to 4th-report keys and codes, kept
-- if a reference option (or the reference question has no options)
create or replace table counted_answers as
with own_options as (
    select c.cycle_code, o.question_key, list(o.value) as option_values
    from bch_question_options as o
    inner join cycles as c on o.report_type = c.bch_schema
    group by all
),
reference_options as (
    select o.question_key, o.value
    from bch_question_options as o
    inner join cycles as c on o.report_type = c.bch_schema
    where c.cycle_code = '{REFERENCE_CYCLE}'
),
translated as (
    select
        a.cycle_code,
        a.party_code,
        x.reference_question_key,
        coalesce(x.value_map ->> a.answer_value, a.answer_value) as reference_value
    from answers as a
    inner join question_crosswalk as x on a.cycle_code = x.cycle_code and a.question_key = x.question_key
    left join own_options as own on a.cycle_code = own.cycle_code and a.question_key = own.question_key
    where
        a.answer_value is not null
        and (own.option_values is null or list_contains(own.option_values, a.answer_value))
)
select t.*
from translated as t
where t.reference_value is not null
    and (
        exists (select 1 from reference_options as o
                where o.question_key = t.reference_question_key and o.value = t.reference_value)
        or not exists (select 1 from reference_options as o where o.question_key = t.reference_question_key)
    );

create or replace table nr_indicators as
select
    indicator_code,
    rule,
    population,
    population_question_key,
    string_split(coalesce(population_values, ''), '|') as population_value_list,
    string_split(nr4_question_keys, '|') as question_keys,
    string_split(coalesce(met_values, ''), '|') as met_value_list,
    lower(baseline_comparable) = 'true' as baseline_comparable,
    catalogue_code
from indicators
where source = 'national_report';

-- int_indicator_evaluations (national-report rules)
create or replace table evaluations as
with questions as (
    select
        i.indicator_code,
        a.cycle_code,
        a.party_code,
        a.reference_question_key,
        bool_or(
            case i.rule
                when 'answer_in' then list_contains(i.met_value_list, a.reference_value)
                when 'answer_all_in' then list_contains(i.met_value_list, a.reference_value)
                when 'count_above_zero' then a.reference_value <> '0'
            end
        ) as is_question_met
    from nr_indicators as i
    inner join counted_answers as a on list_contains(i.question_keys, a.reference_question_key)
    group by all
)
select
    i.indicator_code,
    q.cycle_code,
    q.party_code,
    case when i.rule = 'answer_all_in' then bool_and(q.is_question_met) else bool_or(q.is_question_met) end
        as is_met
from nr_indicators as i
inner join questions as q on i.indicator_code = q.indicator_code
group by i.indicator_code, i.rule, i.question_keys, q.cycle_code, q.party_code
having i.rule <> 'answer_all_in' or count(*) = len(list_distinct(i.question_keys));

-- int_indicator_populations + fct_party_indicator
create or replace table facts as
with cycles_with_question as (
    select i.indicator_code, x.cycle_code
    from nr_indicators as i
    inner join question_crosswalk as x on list_contains(i.question_keys, x.reference_question_key)
    group by i.indicator_code, i.rule, i.question_keys, x.cycle_code
    having
        i.rule <> 'answer_all_in'
        or count(distinct x.reference_question_key) = len(list_distinct(i.question_keys))
),
populations as (
    select
        i.indicator_code,
        p.cycle_code,
        p.party_code,
        p.region_code,
        (i.population = 'cpb_parties' or (i.population = 'sp_parties' and p.is_sp_party))
        and (
            i.population_question_key is null
            or exists (
                select 1 from counted_answers as pa
                where pa.cycle_code = p.cycle_code and pa.party_code = p.party_code
                    and pa.reference_question_key = i.population_question_key
                    and list_contains(i.population_value_list, pa.reference_value)
            )
        ) as is_in_population
    from nr_indicators as i
    inner join cycles_with_question as cq on i.indicator_code = cq.indicator_code
    inner join parties as p on cq.cycle_code = p.cycle_code
    where p.is_cpb_party
)
select
    p.indicator_code,
    p.cycle_code,
    p.party_code,
    p.region_code,
    case when p.is_in_population then e.is_met end as is_met
from populations as p
left join evaluations as e
    on p.indicator_code = e.indicator_code and p.cycle_code = e.cycle_code and p.party_code = e.party_code;

create or replace table region_codes as
select region_code from regions union all select 'global';

-- indicator_status (national-report rows)
create or replace table floor_status as
with by_region as (
    select indicator_code, cycle_code, region_code, is_met from facts where region_code is not null
    union all
    select indicator_code, cycle_code, 'global', is_met from facts
),
counts as (
    select
        indicator_code, cycle_code, region_code,
        count(is_met) as n_parties,
        count(*) filter (where is_met) as n_met
    from by_region
    group by all
)
select
    g.indicator_code,
    g.cycle_code,
    r.region_code,
    coalesce(c.n_parties, 0) as n_parties,
    coalesce(c.n_met, 0) as n_met,
    case when c.n_parties > 0 then 100.0 * c.n_met / c.n_parties end as pct
from (select distinct indicator_code, cycle_code from facts) as g
cross join region_codes as r
left join counts as c
    on g.indicator_code = c.indicator_code and g.cycle_code = c.cycle_code and r.region_code = c.region_code;

-- indicator_progress (comparable set)
create or replace table floor_progress as
with pairs as (
    select distinct s.indicator_code, c.cycle_code, c.baseline_cycle_code
    from cycles as c
    inner join floor_status as s on s.cycle_code = c.cycle_code
    inner join floor_status as b
        on b.cycle_code = c.baseline_cycle_code and b.indicator_code = s.indicator_code
    inner join nr_indicators as i on i.indicator_code = s.indicator_code
    where c.baseline_cycle_code is not null and i.baseline_comparable and i.catalogue_code = c.catalogue_code
),
comparable as (
    select
        p.indicator_code, p.cycle_code, cur.region_code,
        cur.is_met as cycle_is_met, base.is_met as baseline_is_met
    from pairs as p
    inner join facts as cur on p.indicator_code = cur.indicator_code and p.cycle_code = cur.cycle_code
    inner join facts as base
        on p.indicator_code = base.indicator_code and p.baseline_cycle_code = base.cycle_code
        and cur.party_code = base.party_code
    where cur.is_met is not null and base.is_met is not null
),
by_region as (
    select * from comparable where region_code is not null
    union all
    select indicator_code, cycle_code, 'global', cycle_is_met, baseline_is_met from comparable
),
counts as (
    select
        indicator_code, cycle_code, region_code,
        count(*) as n_comparable,
        count(*) filter (where baseline_is_met) as baseline_n_met,
        count(*) filter (where cycle_is_met) as cycle_n_met
    from by_region
    group by all
)
select
    p.indicator_code,
    p.cycle_code,
    p.baseline_cycle_code,
    r.region_code,
    coalesce(c.n_comparable, 0) as n_comparable,
    coalesce(c.baseline_n_met, 0) as baseline_n_met,
    coalesce(c.cycle_n_met, 0) as cycle_n_met,
    case when c.n_comparable > 0 then 100.0 * c.baseline_n_met / c.n_comparable end as baseline_pct,
    case when c.n_comparable > 0 then 100.0 * c.cycle_n_met / c.n_comparable end as cycle_pct,
    case when c.n_comparable > 0 then 100.0 * (c.cycle_n_met - c.baseline_n_met) / c.n_comparable end
        as change_pp
from pairs as p
cross join region_codes as r
left join counts as c
    on p.indicator_code = c.indicator_code and p.cycle_code = c.cycle_code and r.region_code = c.region_code;
"""
    )
    return con


def snapshot_of(path: Path) -> Path:
    """A snapshot folder (with manifest.json), or the latest snapshot under a source folder."""
    path = Path(path)
    if (path / "manifest.json").is_file():
        return path
    candidates = sorted(
        p for p in path.iterdir() if (p / "manifest.json").is_file() and not p.name.startswith(".")
    )
    if not candidates:
        sys.exit(f"{path}: no snapshot (a folder with manifest.json)")
    return candidates[-1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "snapshot", nargs="?", default=str(EMBEDDED), help="snapshot folder (default: latest embedded)"
    )
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--out", help="write both marts' rows to this Parquet file")
    group.add_argument("--time", action="store_true", help="print only the elapsed time and row counts")
    args = parser.parse_args(argv)
    snapshot = snapshot_of(Path(args.snapshot))
    started = time.perf_counter()
    con = compute(snapshot)
    n_status = con.execute("select count(*) from floor_status").fetchone()[0]
    n_progress = con.execute("select count(*) from floor_progress").fetchone()[0]
    elapsed = time.perf_counter() - started
    if args.out:
        con.execute(
            f"copy (select 'indicator_status' as mart, * from floor_status "
            f"union all by name select 'indicator_progress' as mart, * from floor_progress) "
            f"to '{args.out}' (format parquet)"
        )
    print(f"floor on {snapshot}: {elapsed:.3f} s")
    print(f"indicator_status rows: {n_status}; indicator_progress rows: {n_progress}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

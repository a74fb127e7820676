-- Who each indicator is about in each analysis of each cycle: Parties on the analysis day (the
-- cutoff, or the snapshot day), narrowed by the catalogue's population (Supplementary-Protocol
-- Parties; or Parties whose answer enabled a follow-up question).
with indicators as (
    select * from {{ ref('indicators') }}
),

cycles_with_question as (
    -- a national-report indicator applies to the cycles whose questionnaire maps to one of its
    -- questions (answer_all_in: to every one of them, else no Party of the cycle could answer it)
    select
        i.indicator_code,
        x.cycle_code
    from indicators as i
    inner join {{ ref('stg_bch__question_crosswalk') }} as x
        on list_contains(string_split(i.nr4_question_keys, '|'), x.reference_question_key)
    where i.source = 'national_report'
    group by i.indicator_code, i.rule, i.nr4_question_keys, x.cycle_code
    having
        i.rule <> 'answer_all_in'
        or count(distinct x.reference_question_key) = len(list_distinct(string_split(i.nr4_question_keys, '|')))
    union
    select
        i.indicator_code,
        c.cycle_code
    from indicators as i
    cross join {{ ref('int_report_cycles') }} as c
    where i.source = 'bch_records'
),

parties as (
    select * from {{ ref('int_parties_at_cutoff') }}
    where is_cpb_party
),

population_answers as (
    select * from {{ ref('int_counted_answers') }}
)

select
    i.indicator_code,
    p.cycle_code,
    p.analysis_as_of,
    p.party_code,
    p.region_code,
    (i.population = 'cpb_parties' or (i.population = 'sp_parties' and p.is_sp_party))
    and (
        i.population_question_key is null
        or exists (
            select 1
            from population_answers as pa
            where
                pa.cycle_code = p.cycle_code
                and pa.analysis_as_of = p.analysis_as_of
                and pa.party_code = p.party_code
                and pa.reference_question_key = i.population_question_key
                and list_contains(string_split(i.population_values, '|'), pa.reference_value)
        )
    ) as is_in_population
from indicators as i
inner join cycles_with_question as cq on i.indicator_code = cq.indicator_code
inner join parties as p on cq.cycle_code = p.cycle_code

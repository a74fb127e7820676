-- Every indicator rule of the catalogue evaluated for every Party in each analysis of each cycle
-- (int_analysis_dates): one generic model, driven by seeds/indicators.csv (rule, question keys,
-- values, record schema and filter). National-report rules have a row only when the Party answered;
-- record rules judge every Party at the analysis day (null is_met = nothing to judge, e.g. no
-- decision in the period for records_with_link).
with indicators as (
    select
        *,
        string_split(coalesce(nr4_question_keys, ''), '|') as question_keys,
        string_split(coalesce(met_values, ''), '|') as met_value_list,
        string_split(coalesce(record_filter, ''), '|') as record_filter_list,
        string_split(coalesce(record_schema, ''), '|') as record_schema_list
    from {{ ref('indicators') }}
),

analyses as (
    select * from {{ ref('int_analysis_dates') }}
),

parties as (
    select * from {{ ref('int_parties_at_cutoff') }}
    where is_cpb_party
),

counted_answers as (
    select * from {{ ref('int_counted_answers') }}
),

-- Per listed question a Party answered: does a selected value meet the rule? answer_in and
-- answer_all_in: a selected value is one of met_values; count_above_zero: a count option but "0".
national_report_questions as (
    select
        i.indicator_code,
        a.cycle_code,
        a.analysis_as_of,
        a.party_code,
        a.reference_question_key,
        bool_or(
            case i.rule
                when 'answer_in' then list_contains(i.met_value_list, a.reference_value)
                when 'answer_all_in' then list_contains(i.met_value_list, a.reference_value)
                when 'count_above_zero' then a.reference_value <> '0'
            end
        ) as is_question_met
    from indicators as i
    inner join counted_answers as a on list_contains(i.question_keys, a.reference_question_key)
    where i.source = 'national_report'
    group by all
),

-- answer_in, count_above_zero: met when any listed question is met. answer_all_in: answered only
-- when every listed question is answered (a partly filled set is a blank, as on the form), met
-- when every one is met.
national_report as (
    select
        i.indicator_code,
        q.cycle_code,
        q.analysis_as_of,
        q.party_code,
        case when i.rule = 'answer_all_in' then bool_and(q.is_question_met) else bool_or(q.is_question_met) end
            as is_met,
        null::bigint as n_records,
        null::bigint as n_records_met
    from indicators as i
    inner join national_report_questions as q on i.indicator_code = q.indicator_code
    group by i.indicator_code, i.rule, i.question_keys, q.cycle_code, q.analysis_as_of, q.party_code
    having i.rule <> 'answer_all_in' or count(*) = len(list_distinct(i.question_keys))
),

-- a record matches a filter through its schema, categories, decision types or their broader types
broader_types as (
    select
        r.record_id,
        flatten(list(t.broader_type_ids)) as broader_type_ids
    from {{ ref('stg_bch__index_records') }} as r
    inner join {{ ref('stg_bch__decision_types') }} as t on list_contains(r.decision_types, t.decision_type_id)
    group by r.record_id
),

records as (
    select
        r.*,
        list_distinct(
            flatten([[r.record_schema], r.categories, r.decision_types, coalesce(b.broader_type_ids, [])])
        ) as match_keys
    from {{ ref('stg_bch__index_records') }} as r
    left join broader_types as b on r.record_id = b.record_id
),

-- records counted up to the indicator's record date in the cycle's official analysis
-- (int_indicator_record_dates: set by an assessment), else the analysis day (the cutoff, or the
-- snapshot day: the BCH as it is now); n_keys_covered: how many record_filter keys they match
record_counts as (
    select
        i.indicator_code,
        c.cycle_code,
        c.analysis_as_of,
        r.party_code,
        count(*) as n_by_cutoff,
        count(*) filter (where len(r.linked_risk_assessments) > 0) as n_linked_by_cutoff,
        count(*) filter (where r.created_date > coalesce(c.period_start_after, date '0001-01-01')) as n_in_period,
        count(*) filter (
            where r.created_date > coalesce(c.period_start_after, date '0001-01-01')
            and len(r.linked_risk_assessments) > 0
        ) as n_linked_in_period,
        len(list_distinct(flatten(list(list_intersect(r.match_keys, i.record_filter_list))))) as n_keys_covered
    from indicators as i
    inner join records as r on list_contains(i.record_schema_list, r.record_schema)
    cross join analyses as c
    left join {{ ref('int_indicator_record_dates') }} as d
        on i.indicator_code = d.indicator_code and c.cycle_code = d.cycle_code and c.analysis_as_of = 'cutoff'
    where
        r.created_date <= coalesce(d.record_date, c.as_of_date)
        and (i.record_filter is null or list_has_any(r.match_keys, i.record_filter_list))
    group by all
),

-- has_record: any record by the record date; has_record_all: records covering every record_filter
-- key (e.g. a focal point, an Article 17 contact point and an authority) by the record date;
-- records_in_period: any record in the cycle's period; records_with_link: among Parties with records
-- in the period, one links a risk assessment; records_with_link_at_date: the same over every record
-- by the record date (a share at a date, not in a window)
bch_records as (
    select
        i.indicator_code,
        p.cycle_code,
        p.analysis_as_of,
        p.party_code,
        case i.rule
            when 'has_record' then coalesce(rc.n_by_cutoff, 0) > 0
            when 'has_record_all' then coalesce(rc.n_keys_covered, 0) = len(list_distinct(i.record_filter_list))
            when 'records_in_period' then coalesce(rc.n_in_period, 0) > 0
            when 'records_with_link' then case when rc.n_in_period > 0 then rc.n_linked_in_period > 0 end
            when 'records_with_link_at_date' then case when rc.n_by_cutoff > 0 then rc.n_linked_by_cutoff > 0 end
        end as is_met,
        case
            when i.rule in ('has_record', 'has_record_all', 'records_with_link_at_date')
                then coalesce(rc.n_by_cutoff, 0)
            else coalesce(rc.n_in_period, 0)
        end as n_records,
        case
            when i.rule = 'records_with_link' then coalesce(rc.n_linked_in_period, 0)
            when i.rule = 'records_with_link_at_date' then coalesce(rc.n_linked_by_cutoff, 0)
        end as n_records_met
    from indicators as i
    cross join parties as p
    left join record_counts as rc
        on
            i.indicator_code = rc.indicator_code
            and p.cycle_code = rc.cycle_code
            and p.analysis_as_of = rc.analysis_as_of
            and p.party_code = rc.party_code
    where
        i.rule in (
            'has_record', 'has_record_all', 'records_in_period', 'records_with_link', 'records_with_link_at_date'
        )
),

-- report_filed: a counted report (by the analysis day), or, with record_filter "deadline", one dated
-- by the deadline
reports as (
    select
        i.indicator_code,
        p.cycle_code,
        p.analysis_as_of,
        p.party_code,
        coalesce(
            bool_or(r.document_id is not null and (i.record_filter <> 'deadline' or r.report_date <= c.deadline)),
            false
        ) as is_met,
        null::bigint as n_records,
        null::bigint as n_records_met
    from indicators as i
    cross join parties as p
    inner join analyses as c on p.cycle_code = c.cycle_code and p.analysis_as_of = c.analysis_as_of
    left join {{ ref('int_national_reports_counted') }} as r
        on
            p.cycle_code = r.cycle_code
            and p.analysis_as_of = r.analysis_as_of
            and p.party_code = r.party_code
            and r.is_counted
    where i.rule = 'report_filed'
    group by all
),

-- treaty_party: Party to the treaty named in record_filter on the analysis day
treaties as (
    select
        i.indicator_code,
        p.cycle_code,
        p.analysis_as_of,
        p.party_code,
        coalesce(t.party_date <= c.as_of_date, false) as is_met,
        null::bigint as n_records,
        null::bigint as n_records_met
    from indicators as i
    cross join parties as p
    inner join analyses as c on p.cycle_code = c.cycle_code and p.analysis_as_of = c.analysis_as_of
    left join {{ ref('stg_bch__country_treaties') }} as t
        on p.party_code = t.country_code and i.record_filter = t.treaty_code
    where i.rule = 'treaty_party'
)

select * from national_report
union all
select * from bch_records
union all
select * from reports
union all
select * from treaties

-- National-report indicators evaluated per counted report: did the Party answer the indicator's
-- question(s), and does an answer meet the catalogue rule? One generic evaluation for all rules.
with indicators as (
    select
        indicator_code,
        rule,
        unnest(string_split(nr4_question_keys, '|')) as reference_question_key,
        string_split(coalesce(met_values, ''), '|') as met_values
    from {{ ref('indicators') }}
    where source = 'national_report'
),

answers as (
    select a.*, r.party_code
    from {{ ref('int_answers_mapped_to_nr4') }} as a
    inner join {{ ref('int_national_reports_counted') }} as r
        on r.cycle_code = a.cycle_code and r.document_id = a.document_id
    where r.is_counted and a.is_reference_option and a.reference_value is not null
)

select
    indicators.indicator_code,
    answers.cycle_code,
    answers.party_code,
    bool_or(
        case indicators.rule
            when 'answer_in' then list_contains(indicators.met_values, answers.reference_value)
            when 'count_above_zero' then answers.reference_value <> '0'
        end
    ) as is_met
from indicators
inner join answers on answers.reference_question_key = indicators.reference_question_key
group by all

-- Every answer of every cycle expressed in the catalogue's reference (4th-report) question keys and
-- option codes. Like the BCH analyzer, a translated value that is not an option of the reference
-- question is dropped from counting (kept here with is_reference_option = false).
with answers as (
    select * from {{ ref('int_report_answers') }}
),

crosswalk as (
    select * from {{ ref('stg_bch__question_crosswalk') }}
),

reference_options as (
    select
        o.question_key,
        o.value
    from {{ ref('bch_question_options') }} as o
    inner join {{ ref('int_report_cycles') }} as c on o.report_type = c.bch_schema
    where c.cycle_code = '{{ var("reference_cycle") }}'
),

translated as (
    select
        answers.cycle_code,
        answers.document_id,
        answers.question_key,
        answers.answer_position,
        crosswalk.reference_question_key,
        answers.answer_value,
        coalesce(crosswalk.value_map ->> answers.answer_value, answers.answer_value) as reference_value,
        answers.answer_text
    from answers
    inner join crosswalk
        on answers.cycle_code = crosswalk.cycle_code and answers.question_key = crosswalk.question_key
)

select
    translated.*,
    reference_options.value is not null
    or not exists (
        select 1 from reference_options as o
        where o.question_key = translated.reference_question_key
    ) as is_reference_option
from translated
left join reference_options
    on
        translated.reference_question_key = reference_options.question_key
        and translated.reference_value = reference_options.value

-- Answers whose code is not an option of their question in their cycle's questionnaire (a question
-- with options). Such an answer is quarantined (fct_quarantine), and not counted: it is neither
-- "answered" nor silently "not answered" without a trace.
with options as (
    select
        cycles.cycle_code,
        options.question_key,
        list(options.value) as option_values
    from {{ ref('bch_question_options') }} as options
    inner join {{ ref('int_report_cycles') }} as cycles on options.report_type = cycles.bch_schema
    group by all
)

select
    answers.cycle_code,
    answers.document_id,
    answers.question_key,
    answers.answer_position,
    answers.answer_value
from {{ ref('int_report_answers') }} as answers
inner join options
    on answers.cycle_code = options.cycle_code and answers.question_key = options.question_key
where answers.answer_value is not null and not list_contains(options.option_values, answers.answer_value)

-- Every selected value of each government's latest report of a cycle (int_report_answers), with the
-- report's place in the official analysis and
-- the answer as the indicators read it: the reference (4th-report) question key and option code it
-- maps to, so a drill-down from any cycle's figure lands on the question the indicator names.
select
    answers.cycle_code,
    reports.party_code,
    answers.question_key,
    answers.answer_position,
    answers.answer_value,
    answers.answer_text,
    mapped.reference_question_key,
    mapped.reference_value,
    coalesce(mapped.is_reference_option, false) as is_reference_option,
    answers.document_id,
    reports.report_date,
    reports.report_status,
    reports.is_counted,
    reports.snapshot_id,
    reports.source_file
from {{ ref('int_report_answers') }} as answers
inner join {{ ref('int_national_reports_counted') }} as reports
    on
        answers.cycle_code = reports.cycle_code
        and answers.document_id = reports.document_id
        and reports.analysis_as_of = 'cutoff'
left join {{ ref('int_answers_mapped_to_nr4') }} as mapped
    on
        answers.cycle_code = mapped.cycle_code
        and answers.document_id = mapped.document_id
        and answers.question_key = mapped.question_key
        and answers.answer_position = mapped.answer_position

-- Every selected value of every report of every cycle, with the report's place in the analysis.
select
    answers.cycle_code,
    reports.party_code,
    answers.question_key,
    answers.answer_position,
    answers.answer_value,
    answers.answer_text,
    answers.document_id,
    reports.report_date,
    reports.report_status,
    reports.is_counted,
    reports.snapshot_id,
    reports.source_file
from {{ ref('stg_bch__national_report_answers') }} as answers
inner join {{ ref('int_national_reports_counted') }} as reports
    on answers.cycle_code = reports.cycle_code and answers.document_id = reports.document_id

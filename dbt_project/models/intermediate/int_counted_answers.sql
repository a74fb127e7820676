-- The answers that count in each analysis (at the cutoff, as of the snapshot): those of each Party's
-- counted report, in 4th-report keys and option codes,
-- keeping only codes that are options of the 4th-report question (as the BCH analyzer does) and
-- leaving out answers whose code is not an option of their own question (quarantined).
select
    answers.cycle_code,
    reports.analysis_as_of,
    reports.party_code,
    answers.document_id,
    answers.reference_question_key,
    answers.reference_value
from {{ ref('int_answers_mapped_to_nr4') }} as answers
inner join {{ ref('int_national_reports_counted') }} as reports
    on answers.cycle_code = reports.cycle_code and answers.document_id = reports.document_id
anti join {{ ref('int_answers_not_options') }} as unknown
    on
        answers.cycle_code = unknown.cycle_code
        and answers.document_id = unknown.document_id
        and answers.question_key = unknown.question_key
        and answers.answer_position = unknown.answer_position
where reports.is_counted and answers.is_reference_option and answers.reference_value is not null

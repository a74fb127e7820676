-- Every question of every cycle's questionnaire that reaches a 4th-report question (the catalogue's
-- reference keys), with its text: what a Party was asked, in each cycle, behind an indicator.
select
    crosswalk.cycle_code,
    crosswalk.question_key,
    crosswalk.reference_question_key,
    questions.number as question_number,
    questions.title_en as title,
    questions.parent_title_en as parent_title,
    questions.section_title_en as section_title,
    crosswalk.via_mapping_files
from {{ ref('stg_bch__question_crosswalk') }} as crosswalk
inner join {{ ref('int_report_cycles') }} as cycles on crosswalk.cycle_code = cycles.cycle_code
inner join {{ ref('bch_questions') }} as questions
    on cycles.bch_schema = questions.report_type and crosswalk.question_key = questions.key

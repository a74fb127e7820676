-- Every record the pipeline set aside, with where it came from and why: nothing is dropped without
-- a row here. Records that cannot be placed (no government, no date, duplicate document), reports
-- under a government that is not a BCH country, and answers whose code is not an option of their
-- question.
with reports as (
    select * from {{ ref('int_national_reports_counted') }}
    where analysis_as_of = 'cutoff'  -- each report once
),

unplaced_records as (
    select
        'record' as stage,
        snapshot_id,
        source_file,
        record_index,
        null::varchar as cycle_code,
        null::varchar as document_id,
        null::varchar as government_code,
        field,
        null::varchar as value,
        reason
    from {{ ref('stg_bch__report_quarantine') }}
),

unknown_governments as (
    select
        'staging' as stage,
        snapshot_id,
        source_file,
        record_index,
        cycle_code,
        document_id,
        party_code as government_code,
        'government.identifier' as field,
        party_code as value,
        'government ' || party_code || ' is not a country of the BCH countries endpoint; report not counted'
            as reason
    from reports
    where report_status = 'unknown_government'
),

unknown_answer_codes as (
    select
        'staging' as stage,
        reports.snapshot_id,
        reports.source_file,
        reports.record_index,
        unknown.cycle_code,
        unknown.document_id,
        reports.party_code as government_code,
        unknown.question_key as field,
        unknown.answer_value as value,
        'answer code ' || unknown.answer_value || ' is not an option of ' || unknown.cycle_code || ' question '
        || unknown.question_key || '; answer not counted' as reason
    from {{ ref('int_answers_not_options') }} as unknown
    inner join reports on unknown.cycle_code = reports.cycle_code and unknown.document_id = reports.document_id
)

select * from unplaced_records
union all
select * from unknown_governments
union all
select * from unknown_answer_codes

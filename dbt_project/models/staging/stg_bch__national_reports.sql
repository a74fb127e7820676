-- One row per national report that can be placed: a government, a document id and a date.
with records as (
    select * from {{ ref('stg_bch__national_report_records') }}
)

select
    -- ids
    cycle_code,
    document_id,
    party_code,
    -- dates
    report_date,
    -- lineage
    snapshot_id,
    source_file,
    record_index
from records
where rejected_field is null

with source as (
    select * from {{ source('landing', 'national_reports') }}
),

renamed as (
    select
        -- ids
        cycle_code,
        document_id,
        government_code as party_code,
        -- dates
        report_date,
        -- lineage
        snapshot_id,
        source_file,
        record_index
    from source
)

select * from renamed

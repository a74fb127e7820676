-- Report records that cannot be placed, with the field at fault and why (fct_quarantine shows them).
with records as (
    select * from {{ ref('stg_bch__national_report_records') }}
)

select
    snapshot_id,
    source_file,
    record_index,
    rejected_field as field,
    rejection_reason as reason,
    left(cast(report as varchar), 2000) as record
from records
where rejected_field is not null

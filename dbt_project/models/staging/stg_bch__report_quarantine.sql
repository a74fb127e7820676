with source as (
    select * from {{ source('landing', 'quarantine') }}
)

select
    snapshot_id,
    source_file,
    record_index,
    field,
    reason,
    record
from source

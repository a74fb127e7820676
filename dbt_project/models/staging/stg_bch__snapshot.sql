-- The snapshot in use, one row: the day it was taken dates every "as of snapshot" analysis.
with source as (
    select json from {{ source('bch', 'snapshot_manifest') }}
)

select
    json ->> '$.snapshot_id' as snapshot_id,
    json ->> '$.source' as snapshot_source,
    coalesce(cast(json ->> '$.synthetic' as boolean), false) as is_synthetic,
    cast(json ->> '$.finished_at' as timestamptz) as taken_at,
    {{ utc_date("json ->> '$.finished_at'") }} as snapshot_date
from source

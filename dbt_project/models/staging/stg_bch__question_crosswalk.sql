-- One row per line of the crosswalk file (orchestration/crosswalk.py writes one JSON object a line).
with source as (
    select json from {{ source('registry', 'question_crosswalk') }}
)

select
    json ->> '$.cycle_code' as cycle_code,
    json ->> '$.question_key' as question_key,
    json ->> '$.reference_question_key' as reference_question_key,
    json ->> '$.via_mapping_files' as via_mapping_files,
    cast(json ->> '$.value_map' as json) as value_map
from source

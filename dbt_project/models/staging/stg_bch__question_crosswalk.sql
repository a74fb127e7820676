with source as (
    select * from {{ source('registry', 'question_crosswalk') }}
)

select
    cycle_code,
    question_key,
    reference_question_key,
    via_mapping_files,
    cast(value_map as json) as value_map
from source

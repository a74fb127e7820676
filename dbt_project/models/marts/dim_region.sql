select
    region_code,
    name,
    bch_identifier
from {{ ref('int_regions') }}

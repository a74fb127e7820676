select
    region_code,
    name,
    bch_identifier
from {{ ref('regions') }}
union all
select
    'global' as region_code,
    'All Parties' as name,
    null as bch_identifier

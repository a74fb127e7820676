-- The regions every figure is given for: the five UN regional groups of the seed, plus `global` for
-- all Parties. dim_region publishes it; the intermediate share grids read it here, below the marts.
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

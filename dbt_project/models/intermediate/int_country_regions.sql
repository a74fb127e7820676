-- Each country's UN regional group: the five groups of seeds/regions.csv, members from the thesaurus.
select
    members.country_code,
    regions.region_code
from {{ ref('regions') }} as regions
inner join {{ ref('stg_bch__regions') }} as members on regions.bch_identifier = members.region_identifier

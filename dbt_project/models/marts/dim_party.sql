-- Every country the BCH lists (non-Parties file reports too), with its current treaty status.
with countries as (
    select * from {{ ref('stg_bch__countries') }}
),

regions as (
    select * from {{ ref('int_country_regions') }}
)

select
    countries.country_code as party_code,
    countries.name,
    regions.region_code,
    countries.cpb_party_date as cpb_party_since,
    countries.cpb_party_date is not null as is_cpb_party,
    countries.sp_party_date as sp_party_since,
    countries.sp_party_date is not null as is_sp_party
from countries
left join regions on countries.country_code = regions.country_code

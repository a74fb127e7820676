-- Every country in each cycle, with its Party status on that cycle's cutoff date and its UN region.
with cycles as (
    select
        cycle_code,
        cutoff_date
    from {{ ref('int_report_cycles') }}
),

countries as (
    select * from {{ ref('stg_bch__countries') }}
),

regions as (
    select * from {{ ref('int_country_regions') }}
)

select
    cycles.cycle_code,
    countries.country_code as party_code,
    regions.region_code,
    countries.cpb_party_date,
    countries.sp_party_date,
    coalesce(countries.cpb_party_date <= cycles.cutoff_date, false) as is_cpb_party,
    coalesce(countries.sp_party_date <= cycles.cutoff_date, false) as is_sp_party
from cycles
cross join countries
left join regions on countries.country_code = regions.country_code

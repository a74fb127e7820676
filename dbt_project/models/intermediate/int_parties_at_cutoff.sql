-- Every country in each analysis of each cycle (int_analysis_dates), with its Party status on the
-- analysis day (the cutoff, or the snapshot day) and its UN region.
with analyses as (
    select
        cycle_code,
        analysis_as_of,
        as_of_date
    from {{ ref('int_analysis_dates') }}
),

countries as (
    select * from {{ ref('stg_bch__countries') }}
),

regions as (
    select * from {{ ref('int_country_regions') }}
)

select
    analyses.cycle_code,
    analyses.analysis_as_of,
    countries.country_code as party_code,
    regions.region_code,
    countries.cpb_party_date,
    countries.sp_party_date,
    coalesce(countries.cpb_party_date <= analyses.as_of_date, false) as is_cpb_party,
    coalesce(countries.sp_party_date <= analyses.as_of_date, false) as is_sp_party
from analyses
cross join countries
left join regions on countries.country_code = regions.country_code

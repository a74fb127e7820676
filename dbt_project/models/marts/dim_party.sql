-- Every country the BCH lists (non-Parties file reports too), with its current treaty status.
-- A Party in none of the five UN regional groups stops the build, unless
-- seeds/countries_outside_regional_groups.csv lists it (the European Union): a country silently
-- missing from its group would drop out of every regional figure.
with countries as (
    select * from {{ ref('stg_bch__countries') }}
),

regions as (
    select * from {{ ref('int_country_regions') }}
),

outside_groups as (
    select country_code from {{ ref('countries_outside_regional_groups') }}
)

select
    countries.country_code as party_code,
    countries.name,
    coalesce(
        regions.region_code,
        case
            when countries.cpb_party_date is not null and outside_groups.country_code is null
                then error(
                    'snapshot {{ snapshot_id() }}, file '
                    || 'thesaurus/regions.json.gz: Party '
                    || countries.country_code || ' (' || countries.name || ') is in none of the five UN '
                    || 'regional groups (narrowerTerms / expandedNarrowerTerms of the group terms); add it '
                    || 'to its group, or list it in seeds/countries_outside_regional_groups.csv'
                )
        end
    ) as region_code,
    outside_groups.country_code is not null as is_outside_regional_groups,
    countries.cpb_party_date as cpb_party_since,
    countries.cpb_party_date is not null as is_cpb_party,
    countries.sp_party_date as sp_party_since,
    countries.sp_party_date is not null as is_sp_party
from countries
left join regions on countries.country_code = regions.country_code
left join outside_groups on countries.country_code = outside_groups.country_code

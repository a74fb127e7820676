-- Share of Parties meeting each indicator, per cycle, globally and for the five UN regions.
-- n_parties counts the Parties that answered (is_met not null); pct is unrounded.
with facts as (
    select indicator_code, cycle_code, region_code, is_met from {{ ref('fct_party_indicator') }}
),

facts_by_region as (
    select indicator_code, cycle_code, region_code, is_met from facts where region_code is not null
    union all
    select indicator_code, cycle_code, 'global', is_met from facts
),

grid as (
    select distinct facts.indicator_code, facts.cycle_code, regions.region_code
    from facts
    cross join {{ ref('dim_region') }} as regions
),

counts as (
    select
        indicator_code,
        cycle_code,
        region_code,
        count(is_met) as n_parties,
        count(*) filter (where is_met) as n_met
    from facts_by_region
    group by all
)

select
    grid.indicator_code,
    grid.cycle_code,
    grid.region_code,
    coalesce(counts.n_parties, 0) as n_parties,
    coalesce(counts.n_met, 0) as n_met,
    case when counts.n_parties > 0 then 100.0 * counts.n_met / counts.n_parties end as pct
from grid
left join counts
    on counts.indicator_code = grid.indicator_code
    and counts.cycle_code = grid.cycle_code
    and counts.region_code = grid.region_code

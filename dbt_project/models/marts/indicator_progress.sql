-- Each cycle against its baseline over the comparable set: Parties that answered in both cycles.
-- change_pp = cycle_pct - baseline_pct (percentage points). The headline values (indicator_status.value,
-- each over its own cycle) are compared too: change_value, and change_relative_pct for counts.
with cycles as (
    select
        cycle_code,
        baseline_cycle_code
    from {{ ref('int_report_cycles') }}
    where baseline_cycle_code is not null
),

facts as (
    select
        indicator_code,
        cycle_code,
        party_code,
        region_code,
        is_met
    from {{ ref('fct_party_indicator') }}
),

pairs as (
    -- (indicator, cycle) pairs where both the cycle and its baseline have the indicator, and the
    -- baseline could have the fact (catalogue baseline_comparable; e.g. not the Supplementary
    -- Protocol, which was not in force at the baseline)
    select distinct
        current_cycle.indicator_code,
        cycles.cycle_code,
        cycles.baseline_cycle_code
    from cycles
    inner join facts as current_cycle on cycles.cycle_code = current_cycle.cycle_code
    inner join facts as baseline
        on
            cycles.baseline_cycle_code = baseline.cycle_code
            and current_cycle.indicator_code = baseline.indicator_code
    inner join {{ ref('indicators') }} as catalogue
        on current_cycle.indicator_code = catalogue.indicator_code
    where catalogue.baseline_comparable
),

comparable as (
    select
        pairs.indicator_code,
        pairs.cycle_code,
        pairs.baseline_cycle_code,
        current_cycle.region_code,
        current_cycle.is_met as cycle_is_met,
        baseline.is_met as baseline_is_met
    from pairs
    inner join facts as current_cycle
        on pairs.indicator_code = current_cycle.indicator_code and pairs.cycle_code = current_cycle.cycle_code
    inner join facts as baseline
        on
            pairs.indicator_code = baseline.indicator_code
            and pairs.baseline_cycle_code = baseline.cycle_code
            and current_cycle.party_code = baseline.party_code
    where current_cycle.is_met is not null and baseline.is_met is not null
),

comparable_by_region as (
    select
        * exclude (region_code),
        region_code
    from comparable
    where region_code is not null
    union all
    select
        * exclude (region_code),
        'global' as region_code
    from comparable
),

counts as (
    select
        indicator_code,
        cycle_code,
        region_code,
        count(*) as n_comparable,
        count(*) filter (where baseline_is_met) as baseline_n_met,
        count(*) filter (where cycle_is_met) as cycle_n_met
    from comparable_by_region
    group by all
),

grid as (
    select
        pairs.*,
        regions.region_code
    from pairs
    cross join {{ ref('dim_region') }} as regions
),

shares as (
    select
        grid.indicator_code,
        grid.cycle_code,
        grid.baseline_cycle_code,
        grid.region_code,
        coalesce(counts.n_comparable, 0) as n_comparable,
        coalesce(counts.baseline_n_met, 0) as baseline_n_met,
        coalesce(counts.cycle_n_met, 0) as cycle_n_met,
        case when counts.n_comparable > 0 then 100.0 * counts.baseline_n_met / counts.n_comparable end as baseline_pct,
        case when counts.n_comparable > 0 then 100.0 * counts.cycle_n_met / counts.n_comparable end as cycle_pct
    from grid
    left join counts
        on
            grid.indicator_code = counts.indicator_code
            and grid.cycle_code = counts.cycle_code
            and grid.region_code = counts.region_code
),

status as (
    select
        indicator_code,
        cycle_code,
        region_code,
        value_kind,
        value
    from {{ ref('indicator_status') }}
)

select
    shares.*,
    shares.cycle_pct - shares.baseline_pct as change_pp,
    current_status.value_kind,
    baseline_status.value as baseline_value,
    current_status.value as cycle_value,
    current_status.value - baseline_status.value as change_value,
    case
        when current_status.value_kind in ('n_parties', 'n_records') and baseline_status.value > 0
            then 100.0 * (current_status.value - baseline_status.value) / baseline_status.value
    end as change_relative_pct
from shares
left join status as current_status
    on
        shares.indicator_code = current_status.indicator_code
        and shares.cycle_code = current_status.cycle_code
        and shares.region_code = current_status.region_code
left join status as baseline_status
    on
        shares.indicator_code = baseline_status.indicator_code
        and shares.baseline_cycle_code = baseline_status.cycle_code
        and shares.region_code = baseline_status.region_code

-- Each assessment (dim_assessment): its catalogue's indicators in its cycle against its baseline cycle,
-- twice (analysis_as_of): the official figures, the cycle at its cutoff, and the figures as of the
-- snapshot day, when reports filed after the cutoff count too (seed para 47(c)); the baseline is
-- always its own official analysis. On the population the Secretariat uses for the indicator's source:
-- - national-report indicators: the comparable set, Parties that answered in both cycles (SBI/3/3
--   para 11; the BCH analyzer's comparison): both shares are over that same set;
-- - BCH-record and treaty indicators: every Party at each cycle's own cutoff (indicator_status).
-- change_pp = cycle_pct - baseline_pct (percentage points). The headline values (indicator_status.value,
-- each over its own cycle) are compared too: change_value, and change_relative_pct for counts.
with assessments as (
    select
        assessment_code,
        catalogue_code,
        cycle_code,
        baseline_cycle_code
    from {{ ref('int_assessments') }}
),

indicators as (
    select
        indicator_code,
        catalogue_code,
        source,
        baseline_comparable
    from {{ ref('indicators') }}
),

facts as (
    select
        indicator_code,
        cycle_code,
        analysis_as_of,
        party_code,
        region_code,
        is_met
    from {{ ref('int_party_indicators') }}
),

status as (
    select
        indicator_code,
        cycle_code,
        analysis_as_of,
        region_code,
        n_parties,
        n_met,
        pct,
        value_kind,
        value
    from {{ ref('int_indicator_shares') }}
),

pairs as (
    -- (assessment, indicator of its catalogue) pairs where both the cycle and its baseline have the
    -- indicator, and the baseline could have the fact (catalogue baseline_comparable; e.g. not the
    -- Supplementary Protocol, which was not in force at the baseline)
    select distinct
        assessments.assessment_code,
        current_cycle.analysis_as_of,
        current_cycle.indicator_code,
        indicators.source,
        assessments.cycle_code,
        assessments.baseline_cycle_code
    from assessments
    inner join status as current_cycle on assessments.cycle_code = current_cycle.cycle_code
    inner join status as baseline
        on
            assessments.baseline_cycle_code = baseline.cycle_code
            and current_cycle.indicator_code = baseline.indicator_code
            and baseline.analysis_as_of = 'cutoff'
    inner join indicators
        on
            current_cycle.indicator_code = indicators.indicator_code
            and assessments.catalogue_code = indicators.catalogue_code
    where indicators.baseline_comparable
),

comparable as (
    select
        pairs.assessment_code,
        pairs.analysis_as_of,
        pairs.indicator_code,
        current_cycle.region_code,
        current_cycle.is_met as cycle_is_met,
        baseline.is_met as baseline_is_met
    from pairs
    inner join facts as current_cycle
        on
            pairs.indicator_code = current_cycle.indicator_code
            and pairs.cycle_code = current_cycle.cycle_code
            and pairs.analysis_as_of = current_cycle.analysis_as_of
    inner join facts as baseline
        on
            pairs.indicator_code = baseline.indicator_code
            and pairs.baseline_cycle_code = baseline.cycle_code
            and current_cycle.party_code = baseline.party_code
            and baseline.analysis_as_of = 'cutoff'
    where
        pairs.source = 'national_report'
        and current_cycle.is_met is not null
        and baseline.is_met is not null
),

comparable_by_region as (
    select * from comparable
    where region_code is not null
    union all by name
    select
        * exclude (region_code),
        'global' as region_code
    from comparable
),

comparable_counts as (
    select
        assessment_code,
        analysis_as_of,
        indicator_code,
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
        grid.assessment_code,
        grid.analysis_as_of,
        grid.indicator_code,
        grid.cycle_code,
        grid.baseline_cycle_code,
        grid.region_code,
        case when grid.source = 'national_report' then 'comparable_set' else 'all_parties_at_cutoff' end
            as comparison_population,
        case when grid.source = 'national_report' then coalesce(counts.n_comparable, 0) end as n_comparable,
        case
            when grid.source = 'national_report' then coalesce(counts.baseline_n_met, 0)
            else baseline_status.n_met
        end as baseline_n_met,
        case
            when grid.source = 'national_report' then coalesce(counts.cycle_n_met, 0)
            else current_status.n_met
        end as cycle_n_met,
        case
            when grid.source <> 'national_report' then baseline_status.pct
            when counts.n_comparable > 0 then 100.0 * counts.baseline_n_met / counts.n_comparable
        end as baseline_pct,
        case
            when grid.source <> 'national_report' then current_status.pct
            when counts.n_comparable > 0 then 100.0 * counts.cycle_n_met / counts.n_comparable
        end as cycle_pct,
        current_status.value_kind,
        baseline_status.value as baseline_value,
        current_status.value as cycle_value
    from grid
    left join comparable_counts as counts
        on
            grid.assessment_code = counts.assessment_code
            and grid.analysis_as_of = counts.analysis_as_of
            and grid.indicator_code = counts.indicator_code
            and grid.region_code = counts.region_code
    left join status as current_status
        on
            grid.indicator_code = current_status.indicator_code
            and grid.cycle_code = current_status.cycle_code
            and grid.analysis_as_of = current_status.analysis_as_of
            and grid.region_code = current_status.region_code
    left join status as baseline_status
        on
            grid.indicator_code = baseline_status.indicator_code
            and grid.baseline_cycle_code = baseline_status.cycle_code
            and baseline_status.analysis_as_of = 'cutoff'
            and grid.region_code = baseline_status.region_code
)

select
    shares.assessment_code,
    shares.analysis_as_of,
    analyses.as_of_date,
    shares.indicator_code,
    shares.cycle_code,
    shares.baseline_cycle_code,
    shares.region_code,
    shares.comparison_population,
    shares.n_comparable,
    shares.baseline_n_met,
    shares.cycle_n_met,
    shares.baseline_pct,
    shares.cycle_pct,
    shares.cycle_pct - shares.baseline_pct as change_pp,
    shares.value_kind,
    shares.baseline_value,
    shares.cycle_value,
    shares.cycle_value - shares.baseline_value as change_value,
    case
        when shares.value_kind in ('n_parties', 'n_records') and shares.baseline_value > 0
            then 100.0 * (shares.cycle_value - shares.baseline_value) / shares.baseline_value
    end as change_relative_pct
from shares
inner join {{ ref('int_analysis_dates') }} as analyses
    on shares.cycle_code = analyses.cycle_code and shares.analysis_as_of = analyses.analysis_as_of

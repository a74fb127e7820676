-- One row per cycle, analysis (at the cutoff, as of the snapshot), Party on the analysis day and
-- indicator: the drill-down behind every percentage.
with populations as (
    select * from {{ ref('int_indicator_populations') }}
),

evaluated as (
    select * from {{ ref('int_indicator_evaluations') }}
)

select
    populations.cycle_code,
    populations.analysis_as_of,
    populations.party_code,
    populations.indicator_code,
    populations.region_code,
    case when populations.is_in_population then evaluated.is_met end as is_met,
    case
        when not populations.is_in_population then 'not_in_population'
        when evaluated.is_met is null then 'not_answered'
        when evaluated.is_met then 'met'
        else 'not_met'
    end as status,
    case when populations.is_in_population then evaluated.n_records end as n_records,
    case when populations.is_in_population then evaluated.n_records_met end as n_records_met
from populations
left join evaluated
    on
        populations.indicator_code = evaluated.indicator_code
        and populations.cycle_code = evaluated.cycle_code
        and populations.analysis_as_of = evaluated.analysis_as_of
        and populations.party_code = evaluated.party_code

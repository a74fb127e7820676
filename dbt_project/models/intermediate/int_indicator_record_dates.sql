-- The day each indicator's BCH records are counted in each cycle: set by the assessments of the
-- indicator's catalogue in which the cycle takes part (seeds/assessment_record_dates.csv for one
-- indicator, else the assessment's side, else that cycle's cutoff). Two assessments of one catalogue
-- that disagree on a cycle's day fail the uniqueness test; cycles outside every assessment of the
-- catalogue count records at their cutoff (int_indicator_evaluations' default).
with assessments as (
    select * from {{ ref('int_assessments') }}
),

sides as (
    select
        assessment_code,
        catalogue_code,
        cycle_code,
        'cycle' as side,
        cycle_record_date as record_date
    from assessments
    union all
    select
        assessment_code,
        catalogue_code,
        baseline_cycle_code as cycle_code,
        'baseline' as side,
        baseline_record_date as record_date
    from assessments
)

select distinct
    indicators.indicator_code,
    sides.cycle_code,
    coalesce(
        case when sides.side = 'cycle' then overrides.cycle_record_date else overrides.baseline_record_date end,
        sides.record_date
    ) as record_date
from {{ ref('indicators') }} as indicators
inner join sides on indicators.catalogue_code = sides.catalogue_code
left join {{ ref('assessment_record_dates') }} as overrides
    on sides.assessment_code = overrides.assessment_code and indicators.indicator_code = overrides.indicator_code

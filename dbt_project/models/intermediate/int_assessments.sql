-- Each assessment (seeds/assessments.csv) with the dates it is computed at. The cutoff is the
-- assessed cycle's effective cutoff (registry, or CPB_CUTOFF_DATE); the baseline's reports count up
-- to the baseline cycle's own cutoff. BCH records are counted at each side's record date: the
-- assessment's, or that side's cycle cutoff when the assessment names none.
with assessments as (
    select * from {{ ref('assessments') }}
),

cycles as (
    select * from {{ ref('int_report_cycles') }}
)

select
    assessments.assessment_code,
    assessments.title,
    assessments.catalogue_code,
    catalogues.title as catalogue_title,
    assessments.cycle_code,
    assessments.baseline_cycle_code,
    assessed.cutoff_date,
    baseline.cutoff_date as baseline_cutoff_date,
    coalesce(assessments.baseline_record_date, baseline.cutoff_date) as baseline_record_date,
    coalesce(assessments.cycle_record_date, assessed.cutoff_date) as cycle_record_date
from assessments
inner join {{ ref('catalogues') }} as catalogues on assessments.catalogue_code = catalogues.catalogue_code
inner join cycles as assessed on assessments.cycle_code = assessed.cycle_code
inner join cycles as baseline on assessments.baseline_cycle_code = baseline.cycle_code

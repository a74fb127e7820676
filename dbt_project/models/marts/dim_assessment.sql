-- One row per assessment: the catalogue it applies, the cycle it assesses, its baseline and dates.
select
    assessment_code,
    title,
    catalogue_code,
    catalogue_title,
    cycle_code,
    baseline_cycle_code,
    cutoff_date,
    baseline_cutoff_date,
    baseline_record_date,
    cycle_record_date
from {{ ref('int_assessments') }}

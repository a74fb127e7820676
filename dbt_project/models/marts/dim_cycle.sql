select
    cycle_code,
    bch_schema,
    title,
    year,
    deadline,
    cutoff_date,
    registry_cutoff_date,
    baseline_cycle_code,
    mapping_file,
    period_start_after
from {{ ref('int_report_cycles') }}

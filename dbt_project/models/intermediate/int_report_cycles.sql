-- The cycle registry with effective cutoffs (CPB_CUTOFF_DATE overrides arrive as var cutoff_overrides)
-- and each cycle's period for BCH-record indicators: after the previous cycle's cutoff, up to its own.
-- baseline_cycle_code is the baseline of the assessment that assesses the cycle (seeds/assessments.csv;
-- at most one per cycle), null for a cycle no assessment assesses.
{%- set overrides = var('cutoff_overrides') %}

with cycles as (
    select * from {{ ref('report_cycles') }}
),

effective as (
    select
        *,
        cutoff_date as registry_cutoff_date,
        {%- if overrides is mapping and overrides %}
        case cycle_code
            {%- for code, day in overrides.items() %}
            when '{{ code }}' then date '{{ day }}'
            {%- endfor %}
            else cutoff_date
        end
        {%- else %}
            cutoff_date
        {%- endif %} as effective_cutoff_date
    from cycles
)

select
    effective.cycle_code,
    effective.bch_schema,
    effective.title,
    effective.api_path,
    effective.year,
    effective.deadline,
    effective.effective_cutoff_date as cutoff_date,
    effective.registry_cutoff_date,
    assessments.baseline_cycle_code,
    effective.mapping_file,
    lag(effective.effective_cutoff_date) over (order by effective.effective_cutoff_date, effective.cycle_code)
        as period_start_after
from effective
left join {{ ref('assessments') }} as assessments on effective.cycle_code = assessments.cycle_code

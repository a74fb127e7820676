-- The cycle registry with effective cutoffs (CPB_CUTOFF_DATE overrides arrive as var cutoff_overrides)
-- and each cycle's period for BCH-record indicators: after the previous cycle's cutoff, up to its own.
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
    cycle_code,
    bch_schema,
    title,
    api_path,
    year,
    deadline,
    effective_cutoff_date as cutoff_date,
    registry_cutoff_date,
    baseline_cycle_code,
    mapping_file,
    lag(effective_cutoff_date) over (order by effective_cutoff_date, cycle_code) as period_start_after
from effective

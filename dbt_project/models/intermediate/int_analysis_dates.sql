-- Every cycle is analysed twice (seed para 47(c)): `cutoff`, the official analysis at the cycle's
-- effective cutoff, and `snapshot`, as of the day the snapshot was taken, when reports filed after
-- the cutoff count too. as_of_date is the day Parties, reports and (for `snapshot`) BCH records are
-- counted at; the period of BCH-record indicators starts after the previous cycle's official cutoff
-- in both analyses.
with cycles as (
    select * from {{ ref('int_report_cycles') }}
),

snapshot as (
    select snapshot_date from {{ ref('stg_bch__snapshot') }}
)

select
    cycles.cycle_code,
    'cutoff' as analysis_as_of,
    cycles.cutoff_date as as_of_date,
    cycles.deadline,
    cycles.period_start_after
from cycles
union all
select
    cycles.cycle_code,
    'snapshot' as analysis_as_of,
    snapshot.snapshot_date as as_of_date,
    cycles.deadline,
    cycles.period_start_after
from cycles
cross join snapshot

-- Reporting timeliness at equal days (seed para 40): for every cycle and every day N from its
-- deadline (N = 0, reports filed earlier included) up to the snapshot day, how many of the Parties
-- of day N had filed a report by then, globally and per UN region. is_comparison_day marks the day
-- the latest cycle has reached, where every cycle is compared with it.
with cycles as (
    select
        cycle_code,
        deadline,
        as_of_date as snapshot_date
    from {{ ref('int_analysis_dates') }}
    where analysis_as_of = 'snapshot'
),

comparison as (
    -- days since the deadline of the latest cycle whose deadline has passed
    select max(snapshot_date) - max(deadline) as days_after_deadline
    from cycles
    where deadline <= snapshot_date
),

days as (
    select
        cycle_code,
        days_after_deadline,
        deadline + days_after_deadline as day
    from (
        select
            cycle_code,
            deadline,
            unnest(range(0, snapshot_date - deadline + 1))::integer as days_after_deadline
        from cycles
    ) as numbered
),

parties as (
    select
        cycle_code,
        party_code,
        region_code,
        cpb_party_date
    from {{ ref('int_parties_at_cutoff') }}
    where analysis_as_of = 'snapshot' and cpb_party_date is not null
),

first_reports as (
    -- a BCH country's first report of the cycle, up to the snapshot day
    select
        cycle_code,
        party_code,
        min(report_date) as first_report_date
    from {{ ref('int_national_reports_counted') }}
    where analysis_as_of = 'snapshot' and report_status not in ('unknown_government', 'after_cutoff')
    group by all
),

party_days as (
    select
        days.cycle_code,
        days.days_after_deadline,
        parties.region_code,
        days.day,
        coalesce(first_reports.first_report_date <= days.day, false) as has_filed
    from days
    inner join parties
        on days.cycle_code = parties.cycle_code and days.day >= parties.cpb_party_date
    left join first_reports
        on parties.cycle_code = first_reports.cycle_code and parties.party_code = first_reports.party_code
),

by_region as (
    select * from party_days
    where region_code is not null
    union all by name
    select
        * exclude (region_code),
        'global' as region_code
    from party_days
),

counts as (
    select
        cycle_code,
        region_code,
        days_after_deadline,
        day,
        count(*) as n_parties,
        count(*) filter (where has_filed) as n_filed
    from by_region
    group by all
)

select
    counts.cycle_code,
    counts.region_code,
    counts.days_after_deadline,
    counts.day,
    counts.n_parties,
    counts.n_filed,
    100.0 * counts.n_filed / counts.n_parties as pct_filed,
    coalesce(counts.days_after_deadline = comparison.days_after_deadline, false) as is_comparison_day
from counts
cross join comparison

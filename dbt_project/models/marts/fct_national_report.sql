-- Every national report of every cycle with its place in both analyses: the official one (at the
-- cutoff) and the one as of the snapshot day. A Party with a counted report as of the snapshot but
-- none at the cutoff filed late: its report is in the snapshot figures of indicator_progress only.
with reports as (
    select * from {{ ref('int_national_reports_counted') }}
),

official as (
    select * from reports
    where analysis_as_of = 'cutoff'
),

as_of_snapshot as (
    select * from reports
    where analysis_as_of = 'snapshot'
),

cycles as (
    select
        cycle_code,
        deadline
    from {{ ref('int_report_cycles') }}
)

select
    official.cycle_code,
    official.document_id,
    official.party_code,
    regions.region_code,
    official.report_date,
    cycles.deadline,
    official.report_date - cycles.deadline as days_after_deadline,
    official.as_of_date as cutoff_date,
    official.report_status,
    official.is_counted,
    as_of_snapshot.report_status as snapshot_report_status,
    as_of_snapshot.is_counted as is_counted_as_of_snapshot,
    official.snapshot_id,
    official.source_file
from official
inner join as_of_snapshot
    on official.cycle_code = as_of_snapshot.cycle_code and official.document_id = as_of_snapshot.document_id
inner join cycles on official.cycle_code = cycles.cycle_code
left join {{ ref('int_country_regions') }} as regions on official.party_code = regions.country_code

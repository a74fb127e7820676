-- Which reports count in each analysis of a cycle (int_analysis_dates: at the cutoff, or as of the
-- snapshot day). Kept but not counted: reports of non-Parties, reports dated after the analysis day,
-- earlier reports of a government superseded by a later one, and reports under a government code
-- that is not a BCH country (quarantined: fct_quarantine says why).
with reports as (
    select * from {{ ref('stg_bch__national_reports') }}
),

analyses as (
    select
        cycle_code,
        analysis_as_of,
        as_of_date
    from {{ ref('int_analysis_dates') }}
),

parties as (
    select
        cycle_code,
        analysis_as_of,
        party_code,
        is_cpb_party
    from {{ ref('int_parties_at_cutoff') }}
),

placed as (
    select
        reports.*,
        analyses.analysis_as_of,
        analyses.as_of_date,
        parties.party_code is not null as is_known_country,
        coalesce(parties.is_cpb_party, false) as is_cpb_party,
        reports.report_date <= analyses.as_of_date as is_before_cutoff
    from reports
    inner join analyses on reports.cycle_code = analyses.cycle_code
    left join parties
        on
            reports.cycle_code = parties.cycle_code
            and analyses.analysis_as_of = parties.analysis_as_of
            and reports.party_code = parties.party_code
),

ranked as (
    select
        *,
        row_number() over (
            partition by cycle_code, analysis_as_of, party_code, is_before_cutoff
            order by report_date desc, document_id desc
        ) as recency_rank
    from placed
)

select
    cycle_code,
    analysis_as_of,
    document_id,
    party_code,
    report_date,
    as_of_date,
    is_cpb_party,
    case
        when not is_known_country then 'unknown_government'
        when not is_before_cutoff then 'after_cutoff'
        when recency_rank > 1 then 'superseded'
        when not is_cpb_party then 'non_party'
        else 'counted'
    end as report_status,
    (is_before_cutoff and recency_rank = 1 and is_cpb_party) as is_counted,
    -- the government's latest report by the analysis day, counted or not: only the answers of
    -- reports latest in some analysis are parsed (int_report_answers) and published
    (is_before_cutoff and recency_rank = 1) as is_latest,
    snapshot_id,
    source_file,
    record_index
from ranked

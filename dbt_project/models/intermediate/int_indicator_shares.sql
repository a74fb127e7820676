-- Each indicator per cycle and analysis (at the cutoff, as of the snapshot), globally and for the
-- five UN regions: the share of Parties that
-- answered and meet it (n_parties counts Parties with a non-null is_met; pct is unrounded), plus
-- the indicator's headline value by its value_kind (a share, a count of Parties or of records).
with facts as (
    select
        indicator_code,
        cycle_code,
        analysis_as_of,
        region_code,
        is_met,
        n_records,
        n_records_met
    from {{ ref('int_party_indicators') }}
),

facts_by_region as (
    select * from facts
    where region_code is not null
    union all by name
    select
        * exclude (region_code),
        'global' as region_code
    from facts
),

grid as (
    select distinct
        facts.indicator_code,
        facts.cycle_code,
        facts.analysis_as_of,
        regions.region_code
    from facts
    cross join {{ ref('int_regions') }} as regions
),

counts as (
    select
        indicator_code,
        cycle_code,
        analysis_as_of,
        region_code,
        count(is_met) as n_parties,
        count(*) filter (where is_met) as n_met,
        sum(n_records)::bigint as n_records,
        sum(n_records_met)::bigint as n_records_met
    from facts_by_region
    group by all
),

shares as (
    select
        grid.indicator_code,
        grid.cycle_code,
        grid.analysis_as_of,
        grid.region_code,
        coalesce(counts.n_parties, 0) as n_parties,
        coalesce(counts.n_met, 0) as n_met,
        case when counts.n_parties > 0 then 100.0 * counts.n_met / counts.n_parties end as pct,
        counts.n_records,
        counts.n_records_met
    from grid
    left join counts
        on
            grid.indicator_code = counts.indicator_code
            and grid.cycle_code = counts.cycle_code
            and grid.analysis_as_of = counts.analysis_as_of
            and grid.region_code = counts.region_code
)

select
    shares.*,
    indicators.value_kind,
    case indicators.value_kind
        when 'pct_parties' then shares.pct
        when 'n_parties' then shares.n_met
        when 'n_records' then shares.n_records
        when 'pct_records' then 100.0 * shares.n_records_met / nullif(shares.n_records, 0)
    end::double as value
from shares
inner join {{ ref('indicators') }} as indicators on shares.indicator_code = indicators.indicator_code

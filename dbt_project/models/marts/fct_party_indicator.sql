-- The official analysis (at each cycle's cutoff) of int_party_indicators: one row per cycle, Party
-- and indicator, the drill-down behind every figure of indicator_status.
select * exclude (analysis_as_of)
from {{ ref('int_party_indicators') }}
where analysis_as_of = 'cutoff'

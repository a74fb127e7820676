-- The official analysis (at each cycle's cutoff) of int_indicator_shares: each indicator per cycle,
-- globally and for the five UN regions.
select * exclude (analysis_as_of)
from {{ ref('int_indicator_shares') }}
where analysis_as_of = 'cutoff'

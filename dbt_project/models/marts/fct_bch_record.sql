-- Every BCH record of the snapshot (decisions, risk assessments, laws, focal points, authorities):
-- the drill-down behind the BCH-record indicators, traceable to the snapshot file.
select
    record_id,
    unique_identifier,
    record_schema,
    party_code,
    title,
    decision_types,
    categories,
    len(linked_risk_assessments) as n_linked_risk_assessments,
    created_date,
    updated_date,
    decision_date,
    snapshot_id,
    source_file
from {{ ref('stg_bch__index_records') }}

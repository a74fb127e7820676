select
    indicator_code,
    title,
    operational_objective,
    thematic_area,
    source,
    rule,
    nr4_question_keys,
    met_values,
    population,
    population_question_key,
    population_values,
    value_kind
from {{ ref('indicators') }}

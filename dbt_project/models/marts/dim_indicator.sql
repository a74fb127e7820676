select
    indicators.indicator_code,
    indicators.catalogue_code,
    indicators.title,
    indicators.operational_objective,
    indicators.thematic_area,
    areas.name as thematic_area_name,
    indicators.source,
    indicators.rule,
    indicators.nr4_question_keys,
    indicators.met_values,
    indicators.population,
    indicators.population_question_key,
    indicators.population_values,
    indicators.record_schema,
    indicators.record_filter,
    indicators.value_kind,
    indicators.polarity,
    indicators.baseline_comparable,
    indicators.cycle_question_keys,
    indicators.note
from {{ ref('indicators') }} as indicators
left join {{ ref('thematic_areas') }} as areas on indicators.thematic_area = areas.thematic_area

-- One row per selected value (or free-text answer) of a placed report, read the way the BCH report
-- analyzer reads an answer:
--   - not answered: null, "", [] or {} -> no row;
--   - a list, or {"options": [...]}: element by element; anything else is its only element;
--   - an element: a string, boolean or number is the value (true -> 'true', 3.0 -> '3');
--     {"value": <scalar>} or {"identifier": "<term>"} is the value, with the free text typed beside
--     it (additionalInformation, details or customValue); {"value": <multilingual string>} or a
--     multilingual string alone is free text with no value.
-- Any other shape stops the build, naming the snapshot, file, cycle, government and question:
-- skipping it would silently change a percentage. Teach this model the shape instead.
with reports as (
    select
        cycle_code,
        document_id,
        party_code,
        source_file,
        report
    from {{ ref('stg_bch__national_report_records') }}
    where rejected_field is null  -- the reports of stg_bch__national_reports
),

questions as (
    select
        reports.*,
        question.key as question_key,
        question.value as answer
    from reports, json_each(reports.report) as question
    -- fields of a report that are not answers
    where
        question.key not in ('government', 'documentId', 'date', '_id', 'realm', 'header')
        and cast(question.value as varchar) not in ('null', '""', '[]', '{}')
),

elements as (
    select
        questions.*,
        cast(element.key as integer) as element_index,
        element.value as element
    from questions, json_each(
        case
            when json_type(questions.answer) = 'ARRAY' then questions.answer
            when json_type(questions.answer -> '$.options') = 'ARRAY' then questions.answer -> '$.options'
            else json_array(questions.answer)
        end
    ) as element
),

read_as as (
    select
        *,
        case
            when json_type(element) = 'NULL' or cast(element as varchar) = '""' then 'nothing'
            when {{ is_scalar('element') }} then 'value'
            when json_type(element) != 'OBJECT' then 'unknown'
            when json_exists(element, '$.value')
                then
                    case
                        when {{ is_scalar("element -> '$.value'") }} then 'value with text'
                        when {{ is_multilingual("element -> '$.value'") }} then 'text in value'
                        else 'unknown'
                    end
            when json_type(element -> '$.identifier') = 'VARCHAR' then 'identifier with text'
            when {{ is_multilingual('element') }} then 'text'
            else 'unknown'
        end as shape,
        coalesce(
            {{ free_text("element -> '$.additionalInformation'") }},
            {{ free_text("element -> '$.details'") }},
            {{ free_text("element -> '$.customValue'") }}
        ) as typed_text
    from elements
),

normalised as (
    select
        cycle_code,
        document_id,
        party_code,
        source_file,
        question_key,
        element_index,
        element,
        shape,
        case shape
            when 'value' then {{ scalar_text('element') }}
            when 'value with text' then {{ scalar_text("element -> '$.value'") }}
            when 'identifier with text' then element ->> '$.identifier'
        end as answer_value,
        case shape
            when 'value with text' then typed_text
            when 'identifier with text' then typed_text
            when 'text in value' then {{ free_text("element -> '$.value'") }}
            when 'text' then {{ free_text('element') }}
        end as answer_text
    from read_as
),

answers as (
    select *
    from normalised
    where case
        when shape = 'unknown'
            then
                error(
                    'snapshot {{ snapshot_id() }}, ' || source_file || ': cycle ' || cycle_code || ', government '
                    || party_code || ', question ' || question_key || ': unknown answer shape '
                    || left(cast(element as varchar), 120)
                    || '. If the BCH really stores answers this way, teach stg_bch__national_report_answers.sql '
                    || 'the shape (the analyzer''s rules) and run the refresh again'
                )
        else answer_value is not null or answer_text is not null
    end
)

select
    cycle_code,
    document_id,
    question_key,
    cast(row_number() over (
        partition by cycle_code, document_id, question_key order by element_index
    ) - 1 as integer) as answer_position,
    answer_value,
    answer_text
from answers

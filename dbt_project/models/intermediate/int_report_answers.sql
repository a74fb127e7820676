-- One row per selected value (or free-text answer) of each report that is its government's latest
-- in some analysis of its cycle (int_national_reports_counted.is_latest): the reports the
-- indicators and fct_report_answer read. A superseded report's answers are not parsed (in the
-- bench's x100 snapshot, where 99 of 100 reports are superseded copies, they were most of the
-- build's work: docs/benchmarks.md, item 52); its JSON stays in the raw snapshot and in
-- stg_bch__national_report_records. Each answer is read the way the BCH report
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
        records.cycle_code,
        records.document_id,
        records.party_code,
        records.source_file,
        records.report
    from {{ ref('stg_bch__national_report_records') }} as records
    semi join {{ ref('int_national_reports_counted') }} as latest
        on
            records.cycle_code = latest.cycle_code
            and records.document_id = latest.document_id
            and latest.is_latest
    where records.rejected_field is null  -- a rejected duplicate shares its document id
),

-- Lists are unnested, not walked with a lateral json_each: a lateral join carries the whole report
-- along with each of its answers (gigabytes at ten times the embedded data).
report_maps as (
    select
        cycle_code,
        document_id,
        party_code,
        source_file,
        cast(report as map (varchar, json)) as answer_by_key
    from reports
),

entries as (
    select
        cycle_code,
        document_id,
        party_code,
        source_file,
        unnest(map_keys(answer_by_key)) as question_key,
        unnest(map_values(answer_by_key)) as answer
    from report_maps
),

questions as (
    select
        *,
        -- one number per answered question of a report, for the answer's position below: a window
        -- partitioned by one integer, not by three strings (a third of this model's time, issue 15)
        row_number() over () as entry_id
    from entries
    -- fields of a report that are not answers; a JSON null arrives as SQL null
    where
        question_key not in ('government', 'documentId', 'date', '_id', 'realm', 'header')
        and answer is not null
        and cast(answer as varchar) not in ('""', '[]', '{}')
),

-- an answer that is not a list is a list of itself, made as a SQL list: wrapping it in a JSON
-- array and parsing that back was 1.2 s of this model's CPU at x100 (issue 15)
element_lists as (
    select
        *,
        case
            when json_type(answer) = 'ARRAY' then cast(answer as json[])
            when json_type(answer -> '$.options') = 'ARRAY' then cast(answer -> '$.options' as json[])
            else [answer]
        end as element_list
    from questions
),

elements as (
    select
        * exclude (answer, element_list),
        unnest(element_list) as element,
        generate_subscripts(element_list, 1) as element_index
    from element_lists
),

-- each element parsed once: an object's members the analyzer reads, as JSON (null when absent);
-- every JSON function call parses its input again, and most elements are objects
objects as (
    select
        *,
        json_type(element) as element_type,
        json_transform(
            element,
            '{"value": "JSON", "identifier": "JSON", "additionalInformation": "JSON", "details": "JSON",
            "customValue": "JSON"}'
        ) as members
    from elements
),

parts as (
    select
        * exclude (members),
        struct_extract(members, 'value') as inner_value,
        struct_extract(members, 'identifier') as identifier,
        struct_extract(members, 'additionalInformation') as additional_information,
        struct_extract(members, 'details') as details,
        struct_extract(members, 'customValue') as custom_value
    from objects
),

read_as as (
    select
        *,
        case
            when element is null or cast(element as varchar) = '""' then 'nothing'  -- null: JSON null
            when {{ is_scalar_type('element_type') }} then 'value'
            when element_type != 'OBJECT' then 'unknown'
            when inner_value is not null
                then
                    case
                        when {{ is_scalar('inner_value') }} then 'value with text'
                        when {{ is_multilingual('inner_value') }} then 'text in value'
                        else 'unknown'
                    end
            when json_exists(element, '$.value') then 'unknown'  -- {"value": null}
            when json_type(identifier) = 'VARCHAR' then 'identifier with text'
            when {{ is_multilingual('element') }} then 'text'
            else 'unknown'
        end as shape
    from parts
),

normalised as (
    select
        cycle_code,
        document_id,
        party_code,
        source_file,
        question_key,
        entry_id,
        element_index,
        element,
        shape,
        case shape
            when 'value' then {{ scalar_text('element') }}
            when 'value with text' then {{ scalar_text('inner_value') }}
            when 'identifier with text' then identifier ->> '$'
        end as answer_value,
        case
            -- most values have none of the three members: no free text to look for
            when
                shape in ('value with text', 'identifier with text')
                and coalesce(additional_information, details, custom_value) is not null
                then coalesce(
                    {{ free_text('additional_information') }},
                    {{ free_text('details') }},
                    {{ free_text('custom_value') }}
                )
            when shape = 'text in value' then {{ free_text('inner_value') }}
            when shape = 'text' then {{ free_text('element') }}
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
                    || '. If the BCH really stores answers this way, teach int_report_answers.sql '
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
        partition by entry_id order by element_index
    ) - 1 as integer) as answer_position,
    answer_value,
    answer_text
from answers

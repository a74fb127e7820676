-- One row per record of every cycle's analyzer export (`national_reports/<cycle_code>.json`), the
-- report's JSON kept whole, with why it cannot be placed, if so: no government, no document id,
-- no date that reads as a date, a document id already seen in the same export. A file that is not
-- a JSON array, or an empty one, stops the build naming the snapshot and file: read as it is it
-- would publish 0 of 0 everywhere.
with source as (
    select
        json as export,
        regexp_extract(filename, '(national_reports/[^/]+)$', 1) as source_file
    from {{ source('bch', 'national_reports') }}
),

-- each export parsed once, as the list of its reports (null when it is not a JSON array): the array
-- is then unnested beside its subscripts, as a lateral json_each would carry the whole export along
-- with each of its records (gigabytes for an export of a few megabytes)
export_lists as (
    select
        source_file,
        export,
        try_cast(export as json[]) as reports
    from source
),

exports as (
    select
        source_file,
        reports
    from export_lists
    where case
        when reports is null
            then
                error(
                    'snapshot {{ snapshot_id() }}, ' || source_file || ': expected a JSON array of reports, got '
                    || coalesce(json_type(export), 'nothing')
                )
        when len(reports) = 0
            then
                error(
                    'snapshot {{ snapshot_id() }}, ' || source_file || ': the export holds no reports; an empty '
                    || 'analyzer export is refused (nothing is published). If the cycle has no reports yet, leave '
                    || 'it out of the snapshot'
                )
        else true
    end
),

records as (
    select
        source_file,
        unnest(reports) as report,
        cast(generate_subscripts(reports, 1) - 1 as integer) as record_index
    from exports
),

-- each report parsed once for the members read here: every JSON function call parses the whole
-- report again (non-objects give null members)
typed_records as (
    select
        *,
        json_type(report) as record_type,
        json_transform(
            report, '{"government": {"identifier": "JSON"}, "documentId": "JSON", "date": "JSON"}'
        ) as members
    from records
),

parsed as (
    select
        * exclude (members),
        -- the file's name up to its first dot
        regexp_extract(source_file, '^national_reports/([^.]*)', 1) as cycle_code,
        struct_extract(struct_extract(members, 'government'), 'identifier') as government_json,
        nullif(struct_extract(members, 'documentId') ->> '$', '') as document_id,
        -- a string, or Mongo's extended JSON {"$date": "..."}
        coalesce(struct_extract(members, 'date') -> '$."$date"', struct_extract(members, 'date')) as date_json
    from typed_records
),

governments as (
    select
        *,
        case
            when json_type(government_json) = 'VARCHAR'
                then nullif({{ country_code("government_json ->> '$'") }}, '')
        end as party_code
    from parsed
),

checked as (
    select
        *,
        case
            when json_type(date_json) = 'VARCHAR' then {{ utc_date("date_json ->> '$'", strict=false) }}
        end as report_date
    from governments
),

placed as (
    select
        *,
        record_type = 'OBJECT'
        and party_code is not null
        and document_id is not null
        and report_date is not null as is_complete
    from checked
),

reasons as (
    select
        *,
        -- an earlier complete record of the same export has the same document id
        coalesce(
            count(*) filter (where is_complete) over (
                partition by source_file, document_id order by record_index
                rows between unbounded preceding and 1 preceding
            ) > 0,
            false
        ) as is_duplicate
    from placed
)

select
    -- ids
    cycle_code,
    document_id,
    party_code,
    -- dates
    report_date,
    -- the record
    report,
    case
        when record_type != 'OBJECT' then ''
        when party_code is null then 'government.identifier'
        when document_id is null then 'documentId'
        when report_date is null then 'date'
        when is_duplicate then 'documentId'
    end as rejected_field,
    case
        when record_type != 'OBJECT' then 'report is not a JSON object'
        when party_code is null then 'missing government'
        when document_id is null then 'missing documentId'
        when report_date is null then 'missing or unparseable date ' || coalesce(cast(date_json as varchar), 'null')
        when is_duplicate then 'duplicate documentId ' || document_id || ' in the same export'
    end as rejection_reason,
    -- lineage
    '{{ snapshot_id() }}' as snapshot_id,
    source_file,
    record_index
from reasons

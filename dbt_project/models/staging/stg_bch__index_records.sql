-- One row per BCH record of the search index (decisions, risk assessments, laws, focal points,
-- authorities), from every page of every schema.
with source as (
    select
        json,
        filename
    from {{ source('bch', 'index_pages') }}
),

docs as (
    select
        unnest(cast(json -> '$.response.docs' as json[])) as doc,
        filename
    from source
),

renamed as (
    select
        -- ids
        doc ->> '$.identifier_s' as record_id,
        doc ->> '$.uniqueIdentifier_s' as unique_identifier,
        doc ->> '$.schema_s' as record_schema,
        {{ country_code("doc ->> '$.government_s'") }} as party_code,
        -- attributes
        doc ->> '$.title_s' as title,
        cast(coalesce(doc -> '$.decisionTypes_ss', '[]') as varchar[]) as decision_types,
        cast(coalesce(doc -> '$.riskAssessments_ss', '[]') as varchar[]) as linked_risk_assessments,
        cast(coalesce(doc -> '$.type_ss', '[]') as varchar[]) as categories,
        -- dates
        {{ utc_date("doc ->> '$.createdDate_dt'") }} as created_date,
        {{ utc_date("doc ->> '$.updatedDate_dt'") }} as updated_date,
        {{ utc_date("doc ->> '$.decisionDate_dt'") }} as decision_date,
        -- lineage
        '{{ snapshot_id() }}' as snapshot_id,
        regexp_extract(filename, '(index/.*)$', 1) as source_file
    from docs
)

select * from renamed

with source as (
    select json from {{ source('bch', 'thesaurus_decision_types') }}
),

renamed as (
    select
        json ->> '$.identifier' as decision_type_id,
        coalesce(json ->> '$.title.en', json ->> '$.name') as name,
        cast(coalesce(json -> '$.broaderTerms', '[]') as varchar[]) as broader_type_ids
    from source
)

select * from renamed

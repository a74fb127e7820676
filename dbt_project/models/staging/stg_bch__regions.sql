-- One row per region term and member country; the regions list holds many groupings.
with source as (
    select json from {{ source('bch', 'thesaurus_regions') }}
),

renamed as (
    select
        json ->> '$.identifier' as region_identifier,
        coalesce(json ->> '$.title.en', json ->> '$.name') as region_name,
        lower(unnest(cast(coalesce(json -> '$.narrowerTerms', '[]') as varchar[]))) as country_code
    from source
)

select * from renamed

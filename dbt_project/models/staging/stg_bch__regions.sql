-- One row per region term and member country; the regions list holds many groupings.
-- Members: `expandedNarrowerTerms` where the thesaurus serves it (the members of sub-groupings
-- too), else `narrowerTerms`, as the BCH analyzer reads them. The expanded list includes the
-- narrower terms, so an empty one next to a non-empty `narrowerTerms` is not trusted.
with source as (
    select json from {{ source('bch', 'thesaurus_regions') }}
),

members as (
    select
        json ->> '$.identifier' as region_identifier,
        coalesce(json ->> '$.title.en', json ->> '$.name') as region_name,
        case
            when json_array_length(json -> '$.expandedNarrowerTerms') > 0
                then json -> '$.expandedNarrowerTerms'
            else coalesce(json -> '$.narrowerTerms', '[]')
        end as member_codes
    from source
),

renamed as (
    select
        region_identifier,
        region_name,
        {{ country_code('unnest(cast(member_codes as varchar[]))') }} as country_code
    from members
)

select * from renamed

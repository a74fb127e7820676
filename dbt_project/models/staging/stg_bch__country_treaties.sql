-- One row per country and treaty of the countries endpoint (XXVII8a Cartagena Protocol,
-- XXVII8c Supplementary Protocol, and whatever else the BCH lists).
with source as (
    select json from {{ source('bch', 'countries') }}
),

treaties as (
    select
        lower(json ->> '$.code') as country_code,
        unnest(json_keys(json -> '$.treaties')) as treaty_code,
        json -> '$.treaties' as treaties
    from source
),

renamed as (
    select
        country_code,
        treaty_code,
        treaties -> treaty_code ->> 'instrument' as instrument,
        {{ utc_date("treaties -> treaty_code ->> 'deposit'") }} as deposit_date,
        {{ utc_date("treaties -> treaty_code ->> 'party'") }} as party_date
    from treaties
)

select * from renamed

with source as (
    select json from {{ source('bch', 'countries') }}
),

renamed as (
    select
        -- ids
        lower(json ->> '$.code') as country_code,
        -- attributes
        coalesce(json ->> '$.name.en', json ->> '$.code') as name,
        json ->> '$.treaties.XXVII8a.instrument' as cpb_instrument,
        -- dates (the day a treaty entered into force for the country; null if not a Party)
        {{ utc_date("json ->> '$.treaties.XXVII8a.deposit'") }} as cpb_deposit_date,
        {{ utc_date("json ->> '$.treaties.XXVII8a.party'") }} as cpb_party_date,
        {{ utc_date("json ->> '$.treaties.XXVII8c.party'") }} as sp_party_date
    from source
)

select * from renamed

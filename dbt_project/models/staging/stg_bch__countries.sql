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
        cast(cast(json ->> '$.treaties.XXVII8a.deposit' as timestamptz) as date) as cpb_deposit_date,
        cast(cast(json ->> '$.treaties.XXVII8a.party' as timestamptz) as date) as cpb_party_date,
        cast(cast(json ->> '$.treaties.XXVII8c.party' as timestamptz) as date) as sp_party_date
    from source
)

select * from renamed

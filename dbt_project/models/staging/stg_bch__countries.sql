-- One row per country; its treaty dates come from stg_bch__country_treaties, where the Party
-- rule is applied once.
with source as (
    select json from {{ source('bch', 'countries') }}
),

treaties as (
    select * from {{ ref('stg_bch__country_treaties') }}
),

countries as (
    select
        -- ids
        {{ country_code("json ->> '$.code'") }} as country_code,
        -- attributes
        coalesce(json ->> '$.name.en', json ->> '$.code') as name
    from source
)

select
    countries.country_code,
    countries.name,
    cpb.instrument as cpb_instrument,
    -- dates
    cpb.deposit_date as cpb_deposit_date,
    cpb.party_date as cpb_party_date,
    sp.party_date as sp_party_date
from countries
left join treaties as cpb on countries.country_code = cpb.country_code and cpb.treaty_code = 'XXVII8a'
left join treaties as sp on countries.country_code = sp.country_code and sp.treaty_code = 'XXVII8c'

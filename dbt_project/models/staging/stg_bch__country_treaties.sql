-- One row per country and treaty of the countries endpoint (XXVII8a Cartagena Protocol,
-- XXVII8c Supplementary Protocol, and whatever else the BCH lists), with the day the treaty is
-- in force for the country. This is the one Party rule of the project: stg_bch__countries (and
-- through it int_parties_at_cutoff and dim_party) and the treaty_party indicators read party_date.
with source as (
    select json from {{ source('bch', 'countries') }}
),

treaties as (
    select
        {{ country_code("json ->> '$.code'") }} as country_code,
        unnest(json_keys(json -> '$.treaties')) as treaty_code,
        json -> '$.treaties' as treaties
    from source
),

served as (
    select
        country_code,
        treaty_code,
        lower(treaties -> treaty_code ->> 'instrument') as instrument,
        {{ utc_date("treaties -> treaty_code ->> 'deposit'") }} as deposit_date,
        {{ utc_date("treaties -> treaty_code ->> 'party'") }} as served_party_date
    from treaties
),

in_force as (
    select
        country_code,
        treaty_code,
        instrument,
        deposit_date,
        served_party_date,
        -- Only an instrument that makes a Party counts (a signature, or any other instrument, does
        -- not), as in the BCH front-end. A treaty is in force for a Party from the 90th day after
        -- its deposit (CPB Art. 37(2), SP Art. 18(2)), or from the served `party` date if later
        -- (the treaty's own entry into force). Whether the endpoint's `party` is the deposit or the
        -- entry into force (the front-end adds 90 days to the Supplementary Protocol's), the later
        -- of the two is right. greatest() skips nulls: party date alone without a deposit date.
        -- A succession is bound from the date of succession (the served party date; its deposit
        -- is a later notification), so no 90 days are added to it.
        case
            when instrument = 'succession'
                then coalesce(served_party_date, deposit_date)
            when instrument in ('ratification', 'accession', 'acceptance', 'approval')
                then greatest(served_party_date, deposit_date + 90)
        end as party_date
    from served
)

select * from in_force

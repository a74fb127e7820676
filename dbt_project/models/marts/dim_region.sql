select region_code, name, bch_identifier from {{ ref('regions') }}
union all
select 'global', 'All Parties', null

with source as (
    select * from {{ source('landing', 'national_report_answers') }}
),

renamed as (
    select
        cycle_code,
        document_id,
        question_key,
        position as answer_position,
        answer_value,
        answer_text
    from source
)

select * from renamed

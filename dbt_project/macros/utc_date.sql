{#- The UTC calendar day of a BCH ISO-8601 instant ("2020-01-15T21:30:00.000Z"), whatever the
    session's time zone: a plain cast to date would use the local zone and can shift the day.
    `strict=false` gives null for text that is not a date, for callers that set such records aside. -#}
{% macro utc_date(expression, strict=true) -%}
    cast(timezone('UTC', {{ "cast" if strict else "try_cast" }}({{ expression }} as timestamptz)) as date)
{%- endmacro %}

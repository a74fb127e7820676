{#- A BCH government or country code as the warehouse keys it: trimmed and lower-case ("KE " -> "ke").
    The countries endpoint, regions, index records and reports spell codes differently. -#}
{% macro country_code(expression) -%}
    lower(trim({{ expression }}))
{%- endmacro %}

{#- The BCH report analyzer's reading of an answer's JSON, as SQL expressions over a DuckDB JSON value.
    Used by int_report_answers; the cases are listed in its header. -#}

{#- The analyzer's languages of a multilingual string ({"en": "...", "fr": "..."}), as a SQL list. -#}
{% macro analyzer_languages() -%}
    [{% for language in var('analyzer_languages') %}'{{ language }}'{{ ", " if not loop.last }}{% endfor %}]
{%- endmacro %}

{#- Whitespace off both ends, as Python's str.strip (DuckDB's trim only takes spaces). -#}
{% macro strip_whitespace(text) -%}
    regexp_replace({{ text }}, '^\s+|\s+$', '', 'g')
{%- endmacro %}

{#- A multilingual string: a non-empty object whose keys are all languages and values all strings. -#}
{% macro is_multilingual(json) -%}
    coalesce(
        json_type({{ json }}) = 'OBJECT'
        and len(json_keys({{ json }})) > 0
        and list_bool_and(list_transform(json_keys({{ json }}), lambda k: list_contains({{ analyzer_languages() }}, k)))
        and list_bool_and(
            list_transform(map_values(cast({{ json }} as map(varchar, json))), lambda v: json_type(v) = 'VARCHAR')
        ),
        false
    )
{%- endmacro %}

{#- Free text: a string, or a multilingual string's English, else its first language (alphabetical)
    that is not blank; null when there is none. -#}
{% macro free_text(json) -%}
    case
        when json_type({{ json }}) = 'VARCHAR' then nullif({{ strip_whitespace(json ~ " ->> '$'") }}, '')
        when {{ is_multilingual(json) }} then coalesce(
            {%- for language in ['en'] + (var('analyzer_languages') | sort) %}
            nullif({{ strip_whitespace(json ~ " ->> '$." ~ language ~ "'") }}, ''){{ "," if not loop.last }}
            {%- endfor %}
        )
    end
{%- endmacro %}

{#- A selected value as text: a string as it is, a boolean as 'true'/'false', a number without a
    trailing '.0'; null for anything else (and for an empty string). -#}
{% macro scalar_text(json) -%}
    case json_type({{ json }})
        when 'VARCHAR' then nullif({{ json }} ->> '$', '')
        when 'BOOLEAN' then {{ json }} ->> '$'
        when 'UBIGINT' then {{ json }} ->> '$'
        when 'BIGINT' then {{ json }} ->> '$'
        when 'DOUBLE' then
            case
                when cast({{ json }} ->> '$' as double) = trunc(cast({{ json }} ->> '$' as double))
                    then cast(cast(cast({{ json }} ->> '$' as double) as hugeint) as varchar)
                else cast(cast({{ json }} ->> '$' as double) as varchar)
            end
    end
{%- endmacro %}

{#- Is the JSON value a string, boolean or number? -#}
{% macro is_scalar(json) -%}
    {{ is_scalar_type('json_type(' ~ json ~ ')') }}
{%- endmacro %}

{#- The same from a JSON type already computed (json_type's result). -#}
{% macro is_scalar_type(json_type) -%}
    coalesce({{ json_type }} in ('VARCHAR', 'BOOLEAN', 'UBIGINT', 'BIGINT', 'DOUBLE'), false)
{%- endmacro %}

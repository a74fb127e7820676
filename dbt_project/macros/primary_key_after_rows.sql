{#- A contracted table's primary key, added once its rows are in, and the rows inserted in its order.

    dbt creates a contracted table with its constraints, then inserts the model's rows; DuckDB then
    builds the key's index row by row as it inserts, but in one pass when the key is added to a
    filled table (fct_report_answer at x30: 7.7 s -> 5.6 s). So a contracted model's DDL leaves the
    model-level primary key out, and every model's post-hook (dbt_project.yml) adds it: the build
    fails on a duplicate key as before, and the published file has the key. That pass is quicker
    still over rows already in key order, sort included (a copy of fct_report_answer at x30 with its
    key: 8.6-10.2 s -> 5.7-6.1 s), so the insert orders a keyed model's rows by its key. -#}

{#- dbt's column list and constraints (dbt-adapters' table_columns_and_constraints), but the primary key. -#}
{% macro duckdb__get_table_columns_and_constraints() -%}
    {%- set columns = adapter.render_raw_columns_constraints(raw_columns=model['columns']) -%}
    {%- set others = model['constraints'] | rejectattr('type', 'equalto', 'primary_key') | list -%}
    ({{ (columns + adapter.render_raw_model_constraints(raw_constraints=others)) | join(', ') }})
{%- endmacro %}

{% macro add_primary_key() -%}
    {%- for key in model['constraints'] if key['type'] == 'primary_key' -%}
        alter table {{ this }} add primary key ({{ key['columns'] | join(', ') }})
    {%- endfor -%}
{%- endmacro %}

{#- dbt's insert of a contracted model's rows (dbt-adapters' default), in the order of its primary key. -#}
{% macro duckdb__get_select_subquery(sql) -%}
    {{ default__get_select_subquery(sql) }}
    {%- for key in model['constraints'] if key['type'] == 'primary_key' %}
    order by {{ key['columns'] | join(', ') }}
    {%- endfor -%}
{%- endmacro %}

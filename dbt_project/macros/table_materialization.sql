{#- The project's table materialization, in place of dbt-duckdb's, and its primary keys after the rows.

    Every refresh builds into fresh files that nothing else reads (orchestration/assets/transform.py),
    so a model needs none of dbt-duckdb's swap: a temporary table renamed into place, the old table
    kept as a backup and dropped after the commit, foreign keys looked up and carried across. That
    bookkeeping was 8 to 13 statements a model, each a round of dbt's own Python (events, adapter
    calls) that holds Python's lock while the build's other threads wait (issue 15). Here a model is
    its contract's check (dbt's, two DESCRIBEs) and one batch of statements in one transaction:
      - a table of the same name from an earlier build (`cpb dbt build` by hand) is dropped;
      - the table is created with its contract's columns and constraints but the primary key, and
        filled in the key's order;
      - the primary key is added once the rows are in: DuckDB builds the index in one pass over
        sorted rows rather than row by row as they go in (fct_report_answer at x30: 7.7 s -> 5.6 s,
        and sorted 8.6-10.2 s -> 5.7-6.1 s for a copy); a duplicate still stops the build;
      - the descriptions become comments where `persist_docs` asks for them (the marts: they travel
        with the published file to BI tools). The contract guarantees every described column exists.
    A failure rolls the whole batch back. SQL models only; grants, indexes and Python models, which
    dbt-duckdb's materialization also serves, are not used by this project. -#}
{% materialization table, adapter="duckdb" %}
  {%- set existing_relation = load_cached_relation(this) -%}
  {%- set target_relation = this.incorporate(type='table') -%}
  {{ run_hooks(pre_hooks, inside_transaction=False) }}
  {{ run_hooks(pre_hooks, inside_transaction=True) }}
  {% call statement('main') -%}
    {% if existing_relation is not none -%}
      drop {{ existing_relation.type }} {{ existing_relation }};
    {%- endif %}
    {{ create_table_as(False, target_relation, compiled_code) }}
    {%- for key in model['constraints'] if key['type'] == 'primary_key' %}
    alter table {{ target_relation }} add primary key ({{ key['columns'] | join(', ') }});
    {%- endfor %}
    {{ table_comments(target_relation) }}
  {%- endcall %}
  {{ run_hooks(post_hooks, inside_transaction=True) }}
  {{ adapter.commit() }}
  {{ run_hooks(post_hooks, inside_transaction=False) }}
  {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}

{#- `comment on` statements for a model's description and its columns', as `persist_docs` configures. -#}
{% macro table_comments(relation) -%}
  {%- if config.persist_relation_docs() and model.description %}
    {{ alter_relation_comment(relation, model.description) }}
  {%- endif %}
  {%- if config.persist_column_docs() %}
    {%- for name, column in model.columns.items() if column.description %}
    comment on column {{ relation }}.{{ adapter.quote(name) if column.quote else name }} is {{ duckdb_escape_comment(column.description) }};
    {%- endfor %}
  {%- endif %}
{%- endmacro %}

{#- dbt's column list and constraints (dbt-adapters' table_columns_and_constraints), but the primary key. -#}
{% macro duckdb__get_table_columns_and_constraints() -%}
    {%- set columns = adapter.render_raw_columns_constraints(raw_columns=model['columns']) -%}
    {%- set others = model['constraints'] | rejectattr('type', 'equalto', 'primary_key') | list -%}
    ({{ (columns + adapter.render_raw_model_constraints(raw_constraints=others)) | join(', ') }})
{%- endmacro %}

{#- dbt's insert of a contracted model's rows (dbt-adapters' default), in the order of its primary key. -#}
{% macro duckdb__get_select_subquery(sql) -%}
    {{ default__get_select_subquery(sql) }}
    {%- for key in model['constraints'] if key['type'] == 'primary_key' %}
    order by {{ key['columns'] | join(', ') }}
    {%- endfor -%}
{%- endmacro %}

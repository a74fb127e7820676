{#- The id of the snapshot in use, escaped for a SQL literal: lineage of BCH records, error messages.
    The transform stage sets CPB_SNAPSHOT_ID; an environment variable and not a var because dbt
    re-parses only the models that read a changed environment variable, while a changed var
    re-parses the whole project (orchestration/dbt_runner.py). -#}
{% macro snapshot_id() %}{{ env_var('CPB_SNAPSHOT_ID', 'unset') }}{% endmacro %}

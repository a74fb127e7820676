{#- Rows for which a row-level invariant does not hold. -#}
{% test expression_holds(model, expression) %}
select * from {{ model }} where not ({{ expression }})
{% endtest %}

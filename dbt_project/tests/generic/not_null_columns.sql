{#
  Columns that must be filled on every row, checked in one pass over the table: the same guarantee
  as one not_null test per column at a fraction of dbt's per-test cost (about 50 ms a node). A
  failing row counts each column's empty values.
#}
{% test not_null_columns(model, columns) %}
select *
from (
    select
        {% for column in columns %}
        sum(case when {{ column }} is null then 1 else 0 end) as {{ column }}__nulls{% if not loop.last %},{% endif %}
        {% endfor %}
    from {{ model }}
) as counted
where {% for column in columns %}{{ column }}__nulls > 0{% if not loop.last %} or {% endif %}{% endfor %}
{% endtest %}

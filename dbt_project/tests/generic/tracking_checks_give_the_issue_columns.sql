{#
  Every check model gives the issue columns (vars: mkpi_tracking_issue_columns) by name, in order: a check
  whose columns are missing, extra, renamed or swapped fails the build, naming the model and its columns.
  Read from the database's catalogue when the test runs; one row per check model that differs.
#}
{% test tracking_checks_give_the_issue_columns(model) %}
{%- set expected = var('mkpi_tracking_issue_columns').keys() | list -%}
{%- set differing = [] -%}
{%- for check in var('mkpi_tracking')['severity'] -%}
    {%- set relation = ref('int_tracking__' ~ check) -%}
    {%- if execute -%}
        {%- set given = adapter.get_columns_in_relation(relation) | map(attribute='name') | map('lower') | list -%}
        {%- if given != expected -%}
            {%- do differing.append((check, given | join(', '))) -%}
        {%- endif -%}
    {%- endif -%}
{%- endfor %}
{% if differing %}
    {% for check, given in differing %}
    select 'int_tracking__{{ check }}' as check_model,
        '{{ given | replace("'", "''") }}' as its_columns,
        '{{ expected | join(", ") }}' as expected_columns
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
{% else %}
    select * from (select cast(null as {{ dbt.type_string() }}) as check_model) as none_differ where 1 = 0
{% endif %}
{% endtest %}

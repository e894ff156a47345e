{# Every issue names a check of the registry (dbt_project.yml vars: mkpi_tracking.severity). #}
{% test known_tracking_checks(model) %}
select * from {{ model }}
where check_name not in (
    {%- for check in var('mkpi_tracking')['severity'] %}'{{ check }}'{% if not loop.last %}, {% endif %}{% endfor -%}
)
{% endtest %}

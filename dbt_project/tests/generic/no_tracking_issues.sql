{#
  One Dagster asset check per tracking check, at the check's configured severity. mkpi's dbt step
  tolerates these failing (they are findings, not build errors); other failures stop the run.
#}
{% test no_tracking_issues(model, check_name) %}
{{ config(severity=('error' if tracking_severity(check_name) == 'error' else 'warn'), tags=['tracking']) }}
select * from {{ model }} where check_name = '{{ check_name }}'
{% endtest %}

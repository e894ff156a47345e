{#
  One Dagster asset check per severity (error, warn, info) on fct_tracking_issues: adding a check to
  the registry needs no new test, and mkpi.yml's severity overrides count. mkpi's dbt step tolerates
  these failing (they are findings, not build errors); other failures stop the run.
#}
{% test no_tracking_issues(model, at_severity) %}
{{ config(severity=('error' if at_severity == 'error' else 'warn'), tags=['tracking']) }}
select * from {{ model }} where severity = '{{ at_severity }}'
{% endtest %}

{#
  The additive measures summed to a grain, then every ratio of the spec, from the registry in
  dbt_project.yml (vars: mkpi_measures, mkpi_ratios).
#}
{% macro summed_measures() %}
    {%- for name, spec in var('mkpi_measures').items() %}
    cast(sum({{ name }}) as {{ money_type() if spec['type'] == 'money' else 'bigint' }}) as {{ name }}{% if not loop.last %},{% endif %}
    {%- endfor %}
{% endmacro %}

{# A ratio marked monthly_only (lead_to_customer_rate) is in the monthly marts only (docs/metrics.md). #}
{% macro ratio_metrics(monthly=false) %}
    {%- set ratios = [] -%}
    {%- for name, spec in var('mkpi_ratios').items() if monthly or not spec.get('monthly_only') -%}
        {%- do ratios.append((name, spec)) -%}
    {%- endfor -%}
    {%- for name, spec in ratios %}
    {%- set ratio = safe_divide(spec['numerator'] ~ (' - ' ~ spec['minus'] if spec.get('minus') else ''), spec['denominator']) %}
    {%- if spec.get('null_when_zero') %}
    case when coalesce({{ spec['null_when_zero'] }}, 0) = 0 then null else {{ ratio }} end as {{ name }}{% if not loop.last %},{% endif %}
    {%- else %}
    {{ ratio }} as {{ name }}{% if not loop.last %},{% endif %}
    {%- endif %}
    {%- endfor %}
{% endmacro %}

{# The content or social metrics (vars: mkpi_profile_metrics) that are ratios of the parts `table` sums. #}
{% macro profile_ratios(table) %}
    {%- set ratios = [] -%}
    {%- for name, spec in var('mkpi_profile_metrics').items() if spec['table'] == table and spec.get('numerator') -%}
        {%- do ratios.append((spec.get('column', name), spec)) -%}
    {%- endfor -%}
    {%- for column, spec in ratios %}
    {{ safe_divide(spec['numerator'] ~ (' - ' ~ spec['minus'] if spec.get('minus') else ''), spec['denominator']) }} as {{ column }}{% if not loop.last %},{% endif %}
    {%- endfor %}
{% endmacro %}

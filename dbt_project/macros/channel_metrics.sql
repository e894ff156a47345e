{#
  The additive measures summed to a grain, then every ratio of the spec, from the registry in
  dbt_project.yml (vars: mkpi_measures, mkpi_ratios).
#}
{% macro summed_measures() %}
    {%- for name, type in var('mkpi_measures').items() %}
    cast(sum({{ name }}) as {{ money_type() if type == 'money' else 'bigint' }}) as {{ name }}{% if not loop.last %},{% endif %}
    {%- endfor %}
{% endmacro %}

{# A ratio marked monthly_only (lead_to_customer_rate) is in the monthly marts only (docs/metrics.md). #}
{% macro ratio_metrics(with_lead_to_customer=false) %}
    {%- set ratios = [] -%}
    {%- for name, spec in var('mkpi_ratios').items() if with_lead_to_customer or not spec.get('monthly_only') -%}
        {%- do ratios.append((name, spec)) -%}
    {%- endfor -%}
    {%- for name, spec in ratios %}
    {{ safe_divide(spec['numerator'] ~ (' - ' ~ spec['minus'] if spec.get('minus') else ''), spec['denominator']) }} as {{ name }}{% if not loop.last %},{% endif %}
    {%- endfor %}
{% endmacro %}

{# One mart at a period grain: `period_expr` maps activity_date to the period; `by_campaign` keeps medium and campaign. #}
{% macro channel_mart(period_name, period_expr, by_campaign=true, with_lead_to_customer=false) %}
with summed as (
    select
        {{ period_expr }} as {{ period_name }},
        a.channel,
        {% if by_campaign %}a.medium, a.campaign, g.channel_group,{% endif %}
        {{ summed_measures() }}
    from {{ ref('int_channel_activity_daily') }} as a
    {% if by_campaign %}
    left join {{ ref('int_channel_groups') }} as g
        on g.channel = a.channel and g.medium = a.medium and g.campaign = a.campaign
    {% endif %}
    group by {{ period_expr }}, a.channel{% if by_campaign %}, a.medium, a.campaign, g.channel_group{% endif %}
)

select
    *,
    {{ ratio_metrics(with_lead_to_customer) }}
from summed
{% endmacro %}

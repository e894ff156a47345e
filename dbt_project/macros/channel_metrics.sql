{#
  The additive measures summed to a grain, then every ratio of the spec, from one definition.
  `group_columns` are the grain's columns as they appear in `relation`, already aliased.
#}
{% macro summed_measures() %}
    cast(sum(spend) as {{ money_type() }}) as spend,
    cast(sum(impressions) as bigint) as impressions,
    cast(sum(clicks) as bigint) as clicks,
    cast(sum(sessions) as bigint) as sessions,
    cast(sum(leads) as bigint) as leads,
    cast(sum(online_leads) as bigint) as online_leads,
    cast(sum(converted_leads) as bigint) as converted_leads,
    cast(sum(orders) as bigint) as orders,
    cast(sum(new_customers) as bigint) as new_customers,
    cast(sum(revenue) as {{ money_type() }}) as revenue,
    cast(sum(returning_revenue) as {{ money_type() }}) as returning_revenue
{% endmacro %}

{% macro ratio_metrics(with_lead_to_customer=false) %}
    {{ safe_divide('clicks', 'impressions') }} as ctr,
    {{ safe_divide('spend', 'clicks') }} as cpc,
    {{ safe_divide('spend', 'leads') }} as cpl,
    {{ safe_divide('spend', 'new_customers') }} as cac,
    {{ safe_divide('leads', 'sessions') }} as session_to_lead_rate,
    {% if with_lead_to_customer %}{{ safe_divide('converted_leads', 'leads') }} as lead_to_customer_rate,{% endif %}
    {{ safe_divide('revenue', 'spend') }} as roas,
    {{ safe_divide('revenue - spend', 'spend') }} as roi,
    {{ safe_divide('returning_revenue', 'revenue') }} as returning_revenue_share,
    {{ safe_divide('online_leads', 'leads') }} as online_lead_share
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

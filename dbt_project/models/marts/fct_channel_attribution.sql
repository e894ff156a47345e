{#
  Leads, customers and revenue credited to each month × channel × medium × campaign under every
  attribution model (vars mkpi_attribution_models), beside the same grain's spend, so CPL, CAC and
  ROAS compare across models (docs/attribution.md). `lead_source` is the channel marts' own rule.
  A lead's revenue: its valid orders before the as-of date, counted in the lead's month.
#}
with settings as (
    select * from {{ ref('stg_landing__run_settings') }}
),

lead_values as (
    select o.lead_id, sum(o.amount_reporting) as revenue
    from {{ ref('int_orders_attributed') }} as o
    cross join settings as s
    where o.ordered_date < s.as_of_date
    group by o.lead_id
),

touches as (
    select
        cast({{ dbt.date_trunc('month', 'l.created_date') }} as date) as month,
        t.*
    from {{ ref('fct_attribution_touches') }} as t
    inner join {{ ref('int_leads_attributed') }} as l on l.lead_id = t.lead_id
),

credits as (
    {% for model in var('mkpi_attribution_models') %}
    {% if model == 'lead_source' %}
    select
        cast({{ dbt.date_trunc('month', 'created_date') }} as date) as month, channel, medium, campaign,
        '{{ model }}' as model, lead_id, cast(1 as double) as credit
    from {{ ref('int_leads_attributed') }}
    {% else %}
    select month, channel, medium, campaign, '{{ model }}', lead_id, credit_{{ model }}
    from touches
    {% endif %}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

credited as (
    select
        c.month, c.channel, c.medium, c.campaign, c.model,
        {# Rounded far below any reading, so that the sum does not depend on the order the rows come in. #}
        round(sum(c.credit), 9) as attributed_leads,
        round(sum(case when v.lead_id is not null then c.credit else 0 end), 9) as attributed_customers,
        cast(round(sum(c.credit * coalesce(v.revenue, 0)), 2) as {{ money_type() }}) as attributed_revenue
    from credits as c
    left join lead_values as v on v.lead_id = c.lead_id
    group by c.month, c.channel, c.medium, c.campaign, c.model
),

models as (
    {% for model in var('mkpi_attribution_models') %}
    select '{{ model }}' as model {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

spend as (
    select
        cast({{ dbt.date_trunc('month', 'spend_date') }} as date) as month, channel, medium, campaign, m.model,
        sum(spend_reporting) as spend
    from {{ ref('int_ad_spend_converted') }}
    cross join models as m
    where spend_reporting is not null
    group by cast({{ dbt.date_trunc('month', 'spend_date') }} as date), channel, medium, campaign, m.model
),

joined as (
    select
        coalesce(c.month, sp.month) as month,
        coalesce(c.channel, sp.channel) as channel,
        coalesce(c.medium, sp.medium) as medium,
        coalesce(c.campaign, sp.campaign) as campaign,
        coalesce(c.model, sp.model) as model,
        coalesce(c.attributed_leads, 0) as attributed_leads,
        coalesce(c.attributed_customers, 0) as attributed_customers,
        coalesce(c.attributed_revenue, 0) as attributed_revenue,
        sp.spend
    from credited as c
    full outer join spend as sp
        on sp.month = c.month and sp.channel = c.channel and sp.medium = c.medium and sp.campaign = c.campaign
        and sp.model = c.model
)

select
    month,
    channel,
    medium,
    campaign,
    model,
    attributed_leads,
    attributed_customers,
    attributed_revenue,
    cast(coalesce(spend, 0) as {{ money_type() }}) as spend,
    {{ safe_divide('spend', 'attributed_leads') }} as cpl,
    {{ safe_divide('spend', 'attributed_customers') }} as cac,
    {{ safe_divide('attributed_revenue', 'spend') }} as roas
from joined

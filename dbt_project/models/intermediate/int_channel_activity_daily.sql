{#
  Everything that happened per day × channel × medium × campaign, as additive counts and sums.
  The marts aggregate this to their grain and derive the ratios, so every table agrees.
#}
with spend as (
    select spend_date as activity_date, channel, medium, campaign,
           sum(spend_reporting) as spend, sum(impressions) as impressions, sum(clicks) as clicks
    from {{ ref('int_ad_spend_converted') }}
    where spend_reporting is not null
    group by 1, 2, 3, 4
),

sessions as (
    select session_date as activity_date, source as channel, medium, campaign, sessions
    from {{ ref('int_sessions_daily') }}
    union all
    select activity_date, channel, medium, campaign, sessions
    from {{ ref('int_traffic_aggregated') }}
),

leads as (
    select
        l.created_date as activity_date, l.channel, l.medium, l.campaign,
        count(*) as leads,
        sum(case when l.is_online then 1 else 0 end) as online_leads,
        sum(case when c.lead_id is not null then 1 else 0 end) as converted_leads
    from {{ ref('int_leads_attributed') }} as l
    left join {{ ref('int_customers') }} as c on c.lead_id = l.lead_id
    group by 1, 2, 3, 4
),

orders as (
    select ordered_date as activity_date, channel, medium, campaign,
           count(*) as orders,
           sum(amount_reporting) as revenue,
           sum(case when customer_order_number > 1 then amount_reporting else 0 end) as returning_revenue
    from {{ ref('int_orders_attributed') }}
    group by 1, 2, 3, 4
),

new_customers as (
    select first_order_date as activity_date, channel, medium, campaign, count(*) as new_customers
    from {{ ref('int_customers') }}
    group by 1, 2, 3, 4
),

unioned as (
    select activity_date, channel, medium, campaign, spend, impressions, clicks,
           0 as sessions, 0 as leads, 0 as online_leads, 0 as converted_leads,
           0 as orders, 0 as new_customers, 0 as revenue, 0 as returning_revenue
    from spend
    union all
    select activity_date, channel, medium, campaign, 0, 0, 0, sessions, 0, 0, 0, 0, 0, 0, 0 from sessions
    union all
    select activity_date, channel, medium, campaign, 0, 0, 0, 0, leads, online_leads, converted_leads, 0, 0, 0, 0 from leads
    union all
    select activity_date, channel, medium, campaign, 0, 0, 0, 0, 0, 0, 0, orders, 0, revenue, returning_revenue from orders
    union all
    select activity_date, channel, medium, campaign, 0, 0, 0, 0, 0, 0, 0, 0, new_customers, 0, 0 from new_customers
)

select
    activity_date,
    channel,
    medium,
    campaign,
    {{ summed_measures() }}
from unioned
group by 1, 2, 3, 4

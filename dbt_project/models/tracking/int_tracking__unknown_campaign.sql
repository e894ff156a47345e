{#
  Paid-medium sessions and leads whose campaign no ad platform reports for that channel: usually a
  typo in utm_campaign, which silently splits the campaign's traffic from its spend.
#}
with reported as (
    select distinct channel, campaign from {{ ref('int_ad_spend_converted') }}
),

tagged as (
    select session_date as activity_date, source as channel, medium, campaign, 1 as sessions, 0 as leads
    from {{ ref('int_sessions_normalized') }}
    where touch_type = 'utm'
    union all
    select created_date, channel, medium, campaign, 0, 1
    from {{ ref('int_leads_attributed') }}
    where attribution_method = 'utm'
),

orphans as (
    select t.channel, t.medium, t.campaign, min(t.activity_date) as period_start, max(t.activity_date) as period_end,
           sum(t.sessions) as sessions, sum(t.leads) as leads
    from tagged as t
    left join reported as r on r.channel = t.channel and r.campaign = t.campaign
    where r.campaign is null
      and t.campaign <> '(not set)'
      and {{ is_paid_medium('t.medium') }}
      and t.channel in (select channel from reported)
      and {{ in_tracking_window('t.activity_date') }}
    group by t.channel, t.medium, t.campaign
),

closest as (
    select
        o.channel, o.campaign, r.campaign as suggestion,
        row_number() over (partition by o.channel, o.campaign
                           order by levenshtein(o.campaign, r.campaign), r.campaign) as closeness
    from orphans as o
    inner join reported as r on r.channel = o.channel
)

select
    'unknown_campaign' as check_name,
    o.channel,
    o.medium,
    o.campaign,
    o.period_start,
    o.period_end,
    o.sessions + o.leads as rows_affected,
    cast(null as {{ money_type() }}) as spend_affected,
    o.campaign as example,
    {{ tracking_message_columns('unknown_campaign', {
        'campaign': "o.campaign",
        'channel': "o.channel",
        'medium': "o.medium",
        'suggestion': "c.suggestion",
        'has_suggestion': "c.suggestion is not null",
        'sessions': "o.sessions",
        'leads': "o.leads"}) }}
    cast(null as {{ dbt.type_string() }}) as subject
from orphans as o
left join closest as c on c.channel = o.channel and c.campaign = o.campaign and c.closeness = 1

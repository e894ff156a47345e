{# The GA4 default channel group of every (source, medium, campaign) seen, from the editable rules table. #}
with keys as (
    select distinct source as source, medium, campaign from {{ ref('int_sessions_daily') }}
    union
    select distinct channel, medium, campaign from {{ ref('int_traffic_aggregated') }}
    union
    select distinct channel, medium, campaign from {{ ref('int_leads_attributed') }}
    union
    select distinct channel, medium, campaign from {{ ref('int_ad_spend_converted') }}
    union
    select distinct channel, medium, campaign from {{ ref('int_orders_attributed') }}
),

rules as (
    select
        priority,
        channel_group,
        nullif(trim(source_category), '') as source_category,
        nullif(source_regex, '') as source_regex,
        nullif(medium_regex, '') as medium_regex,
        nullif(campaign_regex, '') as campaign_regex
    from {{ ref('channel_group_rules') }}
),

matches as (
    select
        k.source,
        k.medium,
        k.campaign,
        r.channel_group,
        row_number() over (partition by k.source, k.medium, k.campaign order by r.priority) as match_rank
    from keys as k
    left join {{ ref('source_categories') }} as c on c.source = k.source
    inner join rules as r
        on (r.source_category is null or r.source_category = c.category)
        and (r.source_regex is null or {{ regex_matches('k.source', 'r.source_regex') }})
        and (r.medium_regex is null or {{ regex_matches('k.medium', 'r.medium_regex') }})
        and (r.campaign_regex is null or {{ regex_matches('k.campaign', 'r.campaign_regex') }})
)

select
    k.source as channel,
    k.medium,
    k.campaign,
    coalesce(m.channel_group, 'Unassigned') as channel_group
from keys as k
left join matches as m
    on m.source = k.source and m.medium = k.medium and m.campaign = k.campaign and m.match_rank = 1

{#
  The marketing rows (month × channel × medium × campaign of fct_channel_monthly) each person owns,
  with their share. A row several ownership lines match counts once, at the largest share.
#}
with ownerships as (
    select employee_id, scope, lower(value) as value, share
    from {{ ref('dim_ownerships') }}
),

channel_rows as (
    select month, channel, channel_group, medium, campaign
    from {{ ref('fct_channel_monthly') }}
),

platform_keys as (
    select
        lower(trim(platform)) as platform,
        lower(trim(utm_source)) as channel,
        lower(trim(default_medium)) as medium
    from {{ ref('ad_platforms') }}
),

by_row as (
    select o.employee_id, o.share, r.month, r.channel, r.medium, r.campaign
    from ownerships as o
    inner join channel_rows as r
        on (o.scope = 'channel' and r.channel = o.value)
        or (o.scope = 'channel_group' and lower(r.channel_group) = o.value)
        or (o.scope = 'campaign' and r.campaign = o.value)
        or o.scope = 'team'
),

by_platform as (
    select o.employee_id, o.share, r.month, r.channel, r.medium, r.campaign
    from ownerships as o
    inner join platform_keys as p on o.scope = 'platform' and p.platform = o.value
    inner join channel_rows as r on r.channel = p.channel and r.medium = p.medium
),

matched as (
    select * from by_row
    union all
    select * from by_platform
)

select
    employee_id,
    month,
    channel,
    medium,
    campaign,
    max(share) as share
from matched
group by employee_id, month, channel, medium, campaign

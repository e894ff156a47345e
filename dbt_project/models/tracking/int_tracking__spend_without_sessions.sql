{# Paid days with spend but not one tracked session for the same channel, medium and campaign. #}
with days as (
    select *
    from {{ ref('int_channel_activity_daily') }}
    where spend >= {{ tracking_setting('min_spend_without_sessions') }}
      and sessions = 0
      and {{ in_tracking_window('activity_date') }}
)

select
    'spend_without_sessions' as check_name,
    channel,
    medium,
    campaign,
    min(activity_date) as period_start,
    max(activity_date) as period_end,
    count(*) as rows_affected,
    sum(spend) as spend_affected,
    campaign as example,
    {{ tracking_message_columns('spend_without_sessions', {
        'campaign': "campaign",
        'spend': "sum(spend)",
        'days': "count(*)",
        'channel': "channel",
        'medium': "medium"}) }}
    cast(null as {{ dbt.type_string() }}) as subject
from days
group by channel, medium, campaign

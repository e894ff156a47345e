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
    'Campaign ' || campaign || ' spent ' || cast(sum(spend) as {{ dbt.type_string() }}) || ' on '
        || cast(count(*) as {{ dbt.type_string() }}) || ' day(s) with no tracked session for ' || channel || ' / '
        || medium || ': check that its ads'' final URLs carry utm_source=' || channel || '&utm_medium=' || medium
        || '&utm_campaign=' || campaign || ' and that the landing page loads the analytics tag.' as message,
    cast(null as {{ dbt.type_string() }}) as subject
from days
group by channel, medium, campaign

{#
  A tracking break on one measure (sessions or leads): per channel and day, the measure against the
  median of the 7 days before; a day far below it is a break (tags lost, tag removed from a page).
  Channels whose median is under min_daily_<metric> are too quiet to judge. The weekly weekend dip
  stays well inside the default 50% tolerance. Check name: <metric>_drop.
#}
{% macro volume_drop(metric) %}
with settings as (
    select as_of_date, {{ dbt.dateadd('day', -1 * tracking_setting('lookback_days') - 7, 'as_of_date') }} as spine_start
    from {{ ref('stg_landing__run_settings') }}
),

days as (
    select cast({{ dbt.dateadd('day', 'n.n', 's.spine_start') }} as date) as activity_date
    from ({{ integers_below_1000() }}) as n
    cross join settings as s
    where n.n <= {{ tracking_setting('lookback_days') }} + 7
),

channels as (
    select distinct channel from {{ ref('int_channel_activity_daily') }}
    where activity_date >= (select spine_start from settings)
),

daily as (
    select d.activity_date, c.channel,
           coalesce(sum(a.sessions), 0) as sessions, coalesce(sum(a.leads), 0) as leads
    from days as d
    cross join channels as c
    left join {{ ref('int_channel_activity_daily') }} as a
        on a.activity_date = d.activity_date and a.channel = c.channel
    group by d.activity_date, c.channel
),

measured as (
    select '{{ metric }}' as metric, activity_date, channel, {{ metric }} as value,
           {{ trailing_median(metric, 'channel', 'activity_date', 7) }} as trailing_median
    from daily
),

drops as (
    select *
    from measured
    where trailing_median >= {{ tracking_setting('min_daily_' ~ metric) }}
      and value < (1 - {{ tracking_setting('drop_share') }}) * trailing_median
      and {{ in_tracking_window('activity_date') }}
      {# The as-of day is usually still in progress: judge only days the exports cover. #}
      and activity_date <= (select max(session_date) from {{ ref('int_sessions_normalized') }})
)

select
    metric || '_drop' as check_name,
    channel,
    cast(null as {{ dbt.type_string() }}) as medium,
    cast(null as {{ dbt.type_string() }}) as campaign,
    min(activity_date) as period_start,
    max(activity_date) as period_end,
    count(*) as rows_affected,
    cast(null as {{ money_type() }}) as spend_affected,
    {{ distinct_list("cast(activity_date as " ~ dbt.type_string() ~ ") || ': ' || cast(value as " ~ dbt.type_string() ~ ") || ' vs median ' || cast(trailing_median as " ~ dbt.type_string() ~ ")") }} as example,
    {{ tracking_message_columns(metric ~ '_drop', {'channel': 'channel', 'days': 'count(*)',
                                 'percent': 100 - 100 * tracking_setting('drop_share')}) }}
    cast(null as {{ dbt.type_string() }}) as subject
from drops
group by metric, channel
{% endmacro %}

{#
  Aggregated traffic (GA4) resolved to the reporting source, on the days that have no session-level
  rows: where both exist, sessions are counted from the rows, never twice.
#}
with session_days as (
    select distinct session_date from {{ ref('int_sessions_daily') }}
)

select
    t.traffic_date as activity_date,
    coalesce(lk.source, t.source_key) as channel,
    t.medium,
    t.campaign,
    sum(t.sessions) as sessions,
    sum(t.conversions) as conversions
from {{ ref('stg_landing__traffic_aggregates') }} as t
left join {{ ref('int_source_lookup') }} as lk on lk.raw_value = t.source_key
where t.traffic_date not in (select session_date from session_days)
group by 1, 2, 3, 4

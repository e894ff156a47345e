{#
  The data-driven model's table (docs/attribution.md): for each distinct path (its channels joined with
  ' > '), how many leads converted on it and how many visitors who never became a lead had it. A
  non-converting path is built like a lead's, from the sessions within the lookback before the
  visitor's last session. Sessions without a visitor belong to nobody; leads without a touch count in
  no path.
#}
with settings as (
    select * from {{ ref('stg_landing__run_settings') }}
),

converting as (
    select lead_id, {{ ordered_join('channel', 'touch_index', "' > '") }} as path
    from {{ ref('int_attribution_touches') }}
    where channel <> '(unattributed)'
    group by lead_id
),

lead_visitors as (
    select distinct visitor_id from {{ ref('int_leads_attributed') }} where visitor_id is not null
),

visitor_sessions as (
    select
        se.visitor_id, se.started_at, se.session_id, se.source as channel, se.medium, se.campaign,
        max(se.started_at) over (partition by se.visitor_id) as last_started_at
    from {{ ref('int_sessions_normalized') }} as se
    left join lead_visitors as lv on lv.visitor_id = se.visitor_id
    where se.visitor_id is not null and lv.visitor_id is null
),

touches as (
    select
        v.visitor_id as path_id, v.started_at as touched_at, 0 as touch_order, v.session_id,
        v.channel, v.medium, v.campaign
    from visitor_sessions as v
    cross join settings as s
    where {{ within_lookback('v.started_at', 'v.last_started_at') }}
),

{{ attribution_path_ctes('touches', 'paths') }},

non_converting as (
    select path_id, {{ ordered_join('channel', 'touch_index', "' > '") }} as path
    from paths
    group by path_id
),

counted as (
    select path, 1 as conversions, 0 as non_conversions from converting
    union all
    select path, 0, 1 from non_converting
)

select
    path,
    sum(conversions) as conversions,
    sum(non_conversions) as non_conversions,
    cast(sum(conversions) as double) / (sum(conversions) + sum(non_conversions)) as conversion_probability
from counted
group by path

{#
  A view: one row per session is the biggest table of the warehouse, and every column but the
  channel group is int_sessions_normalized's. Filters on session_date reach that table's scan.
#}
{{ config(materialized='view') }}
select
    s.session_id,
    s.started_at,
    s.started_at_local,
    s.session_date,
    s.visitor_id,
    s.landing_url,
    s.referrer,
    s.source,
    s.medium,
    s.campaign,
    s.utm_content,
    s.utm_term,
    s.source as channel,
    g.channel_group,
    s.touch_type,
    s.has_gclid,
    s.has_msclkid,
    s.has_fbclid
from {{ ref('int_sessions_normalized') }} as s
left join {{ ref('int_channel_groups') }} as g
    on g.channel = s.source and g.medium = s.medium and g.campaign = s.campaign

{{ config(materialized='incremental', pre_hook="{{ delete_rebuilt_days('session_date', 'sessions_from') }}") }}
-- depends_on: {{ ref('int_rebuild_window') }}
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
{% if is_incremental() %}
where s.session_date >= {{ rebuild_window('sessions_from') }}
{% endif %}

{{ config(materialized='incremental', pre_hook="{{ delete_rebuilt_days('created_date', 'leads_from') }}") }}
-- depends_on: {{ ref('int_rebuild_window') }}
{#
  Each lead's (channel, medium, campaign): its own UTM fields when it has any; else the earliest
  session of its visitor at or before the lead was created; else (unattributed).
  Incremental: tonight's days are rebuilt (from the first changed session day at the latest).
#}
with staged as (
    {{ staged_to_rebuild('leads') }}
),

leads as (
    select
        *,
        utm_source is not null or utm_medium is not null or utm_campaign is not null as has_utm
    from staged
),

first_sessions as (
    select
        l.lead_id,
        s.source,
        s.medium,
        s.campaign,
        row_number() over (partition by l.lead_id order by s.started_at, s.session_id) as session_rank
    from leads as l
    inner join {{ ref('int_sessions_normalized') }} as s
        on s.visitor_id = l.visitor_id
        and s.started_at <= l.created_at
    where not l.has_utm and l.visitor_id is not null
),

attributed as (
    select
        l.lead_id,
        l.created_at,
        {{ reporting_timestamp('l.created_at') }} as created_at_local,
        l.visitor_id,
        l.lead_source,
        l.status,
        case when l.has_utm then 'utm' when f.lead_id is not null then 'visitor_first_session' else 'unattributed' end
            as attribution_method,
        case
            when l.has_utm then coalesce(lk.source, '(not set)')
            when f.lead_id is not null then f.source
            else '(unattributed)'
        end as channel,
        case
            when l.has_utm then coalesce(l.utm_medium, '(not set)')
            when f.lead_id is not null then f.medium
            else '(unattributed)'
        end as medium,
        case
            when l.has_utm then coalesce(l.utm_campaign, '(not set)')
            when f.lead_id is not null then f.campaign
            else '(unattributed)'
        end as campaign
    from leads as l
    left join {{ ref('int_source_lookup') }} as lk on lk.raw_value = l.utm_source
    left join first_sessions as f on f.lead_id = l.lead_id and f.session_rank = 1
)

select
    a.*,
    cast(a.created_at_local as date) as created_date,
    a.channel <> '(unattributed)' and a.medium <> 'offline' and o.lead_source is null as is_online
from attributed as a
left join {{ ref('offline_lead_sources') }} as o on lower(o.lead_source) = a.lead_source
{% if is_incremental() %}
where cast(a.created_at_local as date) >= {{ rebuild_window('leads_from') }}
{% endif %}

{#
  Every lead's path (docs/attribution.md): its visitor's sessions within the lookback before the lead,
  and its own UTM tags as a last touch at created_at, after the direct rule, the path transform and
  lookback_steps. A lead with no touch is one (unattributed) touch.
#}
with settings as (
    select * from {{ ref('stg_landing__run_settings') }}
),

leads as (
    select lead_id, created_at, created_date, visitor_id, attribution_method, channel, medium, campaign
    from {{ ref('int_leads_attributed') }}
),

touches as (
    select
        l.lead_id as path_id, se.started_at as touched_at, 0 as touch_order, se.session_id,
        se.source as channel, se.medium, se.campaign
    from leads as l
    cross join settings as s
    inner join {{ ref('int_sessions_normalized') }} as se
        on se.visitor_id = l.visitor_id
    where {{ within_lookback('se.started_at', 'l.created_at') }}
    union all
    select lead_id, created_at, 1, cast(null as {{ dbt.type_string() }}), channel, medium, campaign
    from leads
    where attribution_method = 'utm'
),

{{ attribution_path_ctes('touches', 'paths') }}

select
    l.lead_id,
    l.created_at,
    l.created_date,
    coalesce(p.touch_index, 1) as touch_index,
    coalesce(p.touches, 1) as touches,
    coalesce(p.touched_at, l.created_at) as touched_at,
    coalesce(p.channel, '(unattributed)') as channel,
    coalesce(p.medium, '(unattributed)') as medium,
    coalesce(p.campaign, '(unattributed)') as campaign,
    p.session_id
from leads as l
left join paths as p on p.path_id = l.lead_id

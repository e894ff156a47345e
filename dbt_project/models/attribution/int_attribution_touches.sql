{{ config(materialized='incremental', pre_hook="{{ delete_rebuilt_days('created_date', 'leads_from') }}") }}
-- depends_on: {{ ref('int_rebuild_window') }}
{#
  Every lead's path (docs/attribution.md): its visitor's sessions within the lookback before the lead,
  and its own UTM tags as a last touch at created_at, after the direct rule, the path transform and
  lookback_steps. A lead with no touch is one (unattributed) touch. Each touch also carries what the
  data-driven model looks up: the lead's path (its channels joined with ' > ') and the path without
  this touch, so that only the lookup is done for every lead each night.
  Incremental: a lead's path reads only its own row and its visitor's earlier sessions, so the leads
  from int_rebuild_window's leads_from on (the first day any of those changed) are rebuilt.
#}
with settings as (
    select * from {{ ref('stg_landing__run_settings') }}
),

leads as (
    select lead_id, created_at, created_date, visitor_id, attribution_method, channel, medium, campaign
    from {{ ref('int_leads_attributed') }}
    {% if is_incremental() %}
    where created_date >= {{ rebuild_window('leads_from') }}
    {% endif %}
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
    {% if is_incremental() %}
    {# Only prunes the scan: a day either side of the lookback covers any time zone. #}
    and se.session_date >= {{ dbt.dateadd('day', '-1 - s.attribution_lookback_days', rebuild_window('leads_from')) }}
    {% endif %}
    union all
    select lead_id, created_at, 1, cast(null as {{ dbt.type_string() }}), channel, medium, campaign
    from leads
    where attribution_method = 'utm'
),

{{ attribution_path_ctes('touches', 'paths') }},

lead_paths as (
    {{ attribution_path_strings('paths') }}
),

{# Without touch i; under `exposure` its neighbours may now repeat, and collapse into the later one. #}
counterfactuals as (
    select i.path_id, i.touch_index, {{ ordered_join('j.channel', 'j.touch_index', "' > '") }} as path_without
    from paths as i
    cross join settings as s
    inner join paths as j on j.path_id = i.path_id and j.touch_index <> i.touch_index
    left join paths as after_i on after_i.path_id = i.path_id and after_i.touch_index = i.touch_index + 1
    where not (s.attribution_path_transform = 'exposure' and j.touch_index = i.touch_index - 1
               and coalesce(j.channel = after_i.channel, false))
    group by i.path_id, i.touch_index
)

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
    p.session_id,
    lp.path,
    c.path_without
from leads as l
left join paths as p on p.path_id = l.lead_id
left join lead_paths as lp on lp.path_id = l.lead_id
left join counterfactuals as c on c.path_id = p.path_id and c.touch_index = p.touch_index

{#
  One row per lead × touch of its path (int_attribution_touches), with the credit every model gives
  the touch (docs/attribution.md). Each model's credits of one lead sum to 1.
#}
with settings as (
    select * from {{ ref('stg_landing__run_settings') }}
),

touches as (
    select t.*, coalesce(g.channel_group, 'Unassigned') as channel_group
    from {{ ref('int_attribution_touches') }} as t
    left join {{ ref('int_channel_groups') }} as g
        on g.channel = t.channel and g.medium = t.medium and g.campaign = t.campaign
),

last_non_direct as (
    select lead_id,
        coalesce(max(case when channel <> '(direct)' then touch_index end), max(touch_index)) as touch_index
    from touches
    group by lead_id
),

decay as (
    select t.lead_id, t.touch_index,
        power(2.0, -(({{ epoch_seconds('t.created_at') }} - {{ epoch_seconds('t.touched_at') }}) / 86400.0)
                   / s.attribution_half_life_days) as weight
    from touches as t
    cross join settings as s
),

decay_totals as (
    select lead_id, sum(weight) as total from decay group by lead_id
),

{# The data-driven model: each touch's marginal effect, P(path) − P(path without it), never below 0. #}
marginal as (
    select t.lead_id, t.touch_index,
        greatest(coalesce(with_it.conversion_probability, 0) - coalesce(without_it.conversion_probability, 0), 0)
            as effect
    from touches as t
    left join {{ ref('int_attribution_path_odds') }} as with_it on with_it.path = t.path
    left join {{ ref('int_attribution_path_odds') }} as without_it on without_it.path = t.path_without
),

marginal_totals as (
    select lead_id, sum(effect) as total from marginal group by lead_id
)

select
    t.lead_id,
    t.touch_index,
    t.touched_at,
    t.channel,
    t.medium,
    t.campaign,
    t.channel_group,
    t.session_id,
    cast(case when t.touch_index = 1 then 1 else 0 end as double) as credit_first_touch,
    cast(case when t.touch_index = t.touches then 1 else 0 end as double) as credit_last_touch,
    cast(case when t.touch_index = ld.touch_index then 1 else 0 end as double) as credit_last_non_direct,
    cast(1 as double) / t.touches as credit_linear,
    case
        when t.touches = 1 then cast(1 as double)
        when t.touches = 2 then 0.5
        when t.touch_index = 1 or t.touch_index = t.touches then 0.4
        else 0.2 / (t.touches - 2)
    end as credit_position_based,
    {# Normalised shares are rounded to 12 places, far below any reading, so that they do not depend on the
       order a sum met its terms in (an incremental night and a full build agree to the last bit). #}
    round(d.weight / dt.total, 12) as credit_time_decay,
    case
        when mt.total > 0 then round(m.effect / mt.total, 12)
        when t.touch_index = t.touches then cast(1 as double)
        else cast(0 as double)
    end as credit_data_driven
from touches as t
inner join last_non_direct as ld on ld.lead_id = t.lead_id
inner join decay as d on d.lead_id = t.lead_id and d.touch_index = t.touch_index
inner join decay_totals as dt on dt.lead_id = t.lead_id
inner join marginal as m on m.lead_id = t.lead_id and m.touch_index = t.touch_index
inner join marginal_totals as mt on mt.lead_id = t.lead_id

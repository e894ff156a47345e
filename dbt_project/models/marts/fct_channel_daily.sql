{# One row per day × channel × medium × campaign with any activity.
   Measures and ratios: the registry in dbt_project.yml (vars), through macros/channel_metrics.sql. #}
with summed as (
    select
        a.activity_date as date,
        a.channel,
        a.medium,
        a.campaign,
        g.channel_group,
        {{ summed_measures() }}
    from {{ ref('int_channel_activity_daily') }} as a
    left join {{ ref('int_channel_groups') }} as g
        on g.channel = a.channel and g.medium = a.medium and g.campaign = a.campaign
    group by a.activity_date, a.channel, a.medium, a.campaign, g.channel_group
)

select
    *,
    {{ ratio_metrics() }}
from summed

{# One row per day × channel.
   Measures and ratios: the registry in dbt_project.yml (vars), through macros/channel_metrics.sql. #}
with summed as (
    select
        a.activity_date as date,
        a.channel,
        {{ summed_measures() }}
    from {{ ref('int_channel_activity_daily') }} as a
    group by a.activity_date, a.channel
)

select
    *,
    {{ ratio_metrics() }}
from summed

{# One row per month × channel.
   Measures and ratios: the registry in dbt_project.yml (vars), through macros/channel_metrics.sql. #}
with summed as (
    select
        cast({{ dbt.date_trunc('month', 'a.activity_date') }} as date) as month,
        a.channel,
        {{ summed_measures() }}
    from {{ ref('int_channel_activity_daily') }} as a
    group by cast({{ dbt.date_trunc('month', 'a.activity_date') }} as date), a.channel
)

select
    *,
    {{ ratio_metrics(monthly=true) }}
from summed

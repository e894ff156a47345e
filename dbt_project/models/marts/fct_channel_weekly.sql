{# One row per week (starting Monday) × channel with any activity: the table marketing-mix models read
   (exported nightly as exports/mmm_weekly.csv and .parquet). Measures and ratios: the registry in
   dbt_project.yml (vars), through macros/channel_metrics.sql. #}
with summed as (
    select
        cast({{ dbt.date_trunc('week', 'a.activity_date') }} as date) as week,
        a.channel,
        {{ summed_measures() }}
    from {{ ref('int_channel_activity_daily') }} as a
    group by cast({{ dbt.date_trunc('week', 'a.activity_date') }} as date), a.channel
)

select
    *,
    {{ ratio_metrics() }}
from summed

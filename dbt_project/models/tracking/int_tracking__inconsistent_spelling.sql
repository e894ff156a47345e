{# UTM values exported with capitals or stray spaces: they count correctly here, but not in tools that do not normalize. #}
with exported as (
    select session_date as activity_date, 'utm_source' as field, exported_utm_source as spelled, source as channel
    from {{ ref('int_sessions_normalized') }}
    union all
    select session_date, 'utm_medium', exported_utm_medium, source
    from {{ ref('int_sessions_normalized') }}
    union all
    select session_date, 'utm_campaign', exported_utm_campaign, source
    from {{ ref('int_sessions_normalized') }}
),

variants as (
    select field, lower(trim(spelled)) as normalized, channel,
           min(activity_date) as period_start, max(activity_date) as period_end,
           count(*) as rows_affected, {{ distinct_list("'''' || spelled || ''''") }} as spellings
    from exported
    where spelled is not null
      and spelled <> lower(trim(spelled))
      and {{ in_tracking_window('activity_date') }}
    group by field, lower(trim(spelled)), channel
)

select
    'inconsistent_spelling' as check_name,
    channel,
    cast(null as {{ dbt.type_string() }}) as medium,
    case when field = 'utm_campaign' then normalized end as campaign,
    period_start,
    period_end,
    rows_affected,
    cast(null as {{ money_type() }}) as spend_affected,
    spellings as example,
    {{ tracking_message_columns('inconsistent_spelling', {
        'field': "field",
        'normalized': "normalized",
        'spellings': "spellings",
        'rows': "rows_affected"}) }}
    field || '=' || normalized as subject
from variants

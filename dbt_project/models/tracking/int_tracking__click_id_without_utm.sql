{# Ad clicks (gclid, fbclid, msclkid in the landing URL) that arrived without utm tags: the campaign is lost. #}
with clicks as (
    select session_date, 'gclid' as click_id, 'google' as channel, landing_url
    from {{ ref('int_sessions_normalized') }} where has_gclid and touch_type <> 'utm'
    union all
    select session_date, 'fbclid', 'facebook', landing_url
    from {{ ref('int_sessions_normalized') }} where has_fbclid and touch_type <> 'utm'
    union all
    select session_date, 'msclkid', 'bing', landing_url
    from {{ ref('int_sessions_normalized') }} where has_msclkid and touch_type <> 'utm'
)

select
    'click_id_without_utm' as check_name,
    channel,
    cast(null as {{ dbt.type_string() }}) as medium,
    cast(null as {{ dbt.type_string() }}) as campaign,
    min(session_date) as period_start,
    max(session_date) as period_end,
    count(*) as rows_affected,
    cast(null as {{ money_type() }}) as spend_affected,
    min(landing_url) as example,
    {{ tracking_message_columns('click_id_without_utm', {
        'sessions': "count(*)",
        'click_id': "click_id",
        'is_fbclid': "click_id = 'fbclid'"}) }}
    cast(null as {{ dbt.type_string() }}) as subject
from clicks
where {{ in_tracking_window('session_date') }}
group by click_id, channel

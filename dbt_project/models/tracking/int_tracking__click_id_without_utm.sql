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
    cast(count(*) as {{ dbt.type_string() }}) || ' session(s) landed with a ' || click_id
        || ' but no utm tags, so their campaign is unknown'
        || case when click_id = 'fbclid' then ' and they count as direct or referral traffic' else '' end
        || ': add utm_source, utm_medium and utm_campaign to the ads'' URL parameters (tracking template).' as message,
    cast(null as {{ dbt.type_string() }}) as subject
from clicks
where {{ in_tracking_window('session_date') }}
group by click_id, channel

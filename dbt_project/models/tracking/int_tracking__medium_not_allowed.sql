{# Mediums outside the allowed set (seeds/allowed_mediums.csv): they fall outside every channel group rule. #}
with used as (
    select session_date as activity_date, source as channel, medium from {{ ref('int_sessions_normalized') }}
    union all
    select created_date, channel, medium from {{ ref('int_leads_attributed') }}
)

select
    'medium_not_allowed' as check_name,
    u.channel,
    u.medium,
    cast(null as {{ dbt.type_string() }}) as campaign,
    min(u.activity_date) as period_start,
    max(u.activity_date) as period_end,
    count(*) as rows_affected,
    cast(null as {{ money_type() }}) as spend_affected,
    u.medium as example,
    {{ tracking_message_columns('medium_not_allowed', {
        'medium': "u.medium",
        'channel': "u.channel",
        'rows': "count(*)"}) }}
    cast(null as {{ dbt.type_string() }}) as subject
from used as u
left join {{ ref('allowed_mediums') }} as a on lower(a.medium) = u.medium
where a.medium is null and {{ in_tracking_window('u.activity_date') }}
group by u.channel, u.medium

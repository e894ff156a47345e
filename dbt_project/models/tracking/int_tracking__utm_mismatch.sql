{# Sessions whose exported utm columns disagree with the utm parameters of their own landing URL. #}
with pairs as (
    select session_id, session_date, 'utm_source' as field, column_source_key as in_columns, url_source_key as in_url
    from {{ ref('int_sessions_normalized') }}
    union all
    select session_id, session_date, 'utm_medium', column_medium_key, url_medium_key
    from {{ ref('int_sessions_normalized') }}
    union all
    select session_id, session_date, 'utm_campaign', column_campaign_key, url_campaign_key
    from {{ ref('int_sessions_normalized') }}
)

select
    'utm_mismatch' as check_name,
    cast(null as {{ dbt.type_string() }}) as channel,
    cast(null as {{ dbt.type_string() }}) as medium,
    cast(null as {{ dbt.type_string() }}) as campaign,
    min(session_date) as period_start,
    max(session_date) as period_end,
    count(*) as rows_affected,
    cast(null as {{ money_type() }}) as spend_affected,
    field || ': ''' || in_columns || ''' vs ''' || in_url || '''' as example,
    {{ tracking_message_columns('utm_mismatch', {
        'sessions': "count(*)",
        'field': "field",
        'in_columns': "in_columns",
        'in_url': "in_url"}) }}
    field || ':' || in_columns || '>' || in_url as subject
from pairs
where in_columns is not null and in_url is not null and in_columns <> in_url
  and {{ in_tracking_window('session_date') }}
group by field, in_columns, in_url

{# API source tables whose last pull failed: their tables keep the last good data, which is now stale. #}
select
    'source_pull_failed' as check_name,
    source as channel,
    cast(null as {{ dbt.type_string() }}) as medium,
    cast(null as {{ dbt.type_string() }}) as campaign,
    last_day as period_start,
    last_day as period_end,
    1 as rows_affected,
    cast(null as {{ money_type() }}) as spend_affected,
    table_name as example,
    {{ tracking_message_columns('source_pull_failed', {
        'table': "table_name",
        'source': "source",
        'platform': "platform",
        'error': "message",
        'last_day': "last_day",
        'has_last_day': "last_day is not null"}) }}
    table_name as subject
from {{ ref('stg_landing__connector_states') }}
where status = 'failed'

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
    'The last pull of ' || table_name || ' from ' || source || ' (' || platform || ') failed: ' || message
        || '. Its figures are those of the last good pull'
        || coalesce(' (up to ' || cast(last_day as {{ dbt.type_string() }}) || ')', '')
        || '; fix the cause and run again (mkpi sources check).' as message,
    table_name as subject
from {{ ref('stg_landing__connector_states') }}
where status = 'failed'

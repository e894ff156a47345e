{# Export files that could not be read at all: none of their rows are in tonight's figures. #}
select
    'unreadable_file' as check_name,
    cast(null as {{ dbt.type_string() }}) as channel,
    cast(null as {{ dbt.type_string() }}) as medium,
    cast(null as {{ dbt.type_string() }}) as campaign,
    s.as_of_date as period_start,
    s.as_of_date as period_end,
    1 as rows_affected,
    cast(null as {{ money_type() }}) as spend_affected,
    q.file as example,
    {{ tracking_message_columns('unreadable_file', {
        'kind': "q.kind",
        'file': "q.file",
        'reason': "q.reason"}) }}
    q.file as subject
from {{ ref('stg_landing__quarantined_rows') }} as q
cross join {{ ref('stg_landing__run_settings') }} as s
where q.scope = 'file'

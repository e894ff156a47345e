{# utm_source values that are not a known source: not in the alias table, source categories, ad platforms or known_sources. #}
with known as (
    select lower(trim(source)) as source from {{ ref('source_aliases') }}
    union select lower(trim(source)) from {{ ref('source_categories') }}
    union select lower(trim(utm_source)) from {{ ref('ad_platforms') }}
    union select lower(trim(source)) from {{ ref('known_sources') }}
),

tagged as (
    select session_date as activity_date, source, medium, campaign, tagged_source as tagged_source_raw
    from {{ ref('int_sessions_normalized') }}
    where touch_type = 'utm'
)

select
    'unknown_source' as check_name,
    t.source as channel,
    cast(null as {{ dbt.type_string() }}) as medium,
    cast(null as {{ dbt.type_string() }}) as campaign,
    min(t.activity_date) as period_start,
    max(t.activity_date) as period_end,
    count(*) as rows_affected,
    cast(null as {{ money_type() }}) as spend_affected,
    {{ distinct_list('t.tagged_source_raw') }} as example,
    {{ tracking_message_columns('unknown_source', {
        'source': "t.source",
        'sessions': "count(*)"}) }}
    cast(null as {{ dbt.type_string() }}) as subject
from tagged as t
left join known as k on k.source = t.source
where k.source is null and {{ in_tracking_window('t.activity_date') }}
group by t.source

{{ config(materialized='incremental', pre_hook="{{ delete_rebuilt_days('session_date', 'sessions_from') }}") }}
-- depends_on: {{ ref('int_rebuild_window') }}
{# Incremental: tonight's days are deleted by the pre-hook and rebuilt from every version of their session ids. #}
with sessions as (
    {{ staged_to_rebuild('sessions') }}
),

{# Resolved here rather than read from int_source_lookup, which is built from this table's keys; from the
   landing rows' possible keys, so that the sessions are staged once. #}
source_keys as (
    {{ session_source_keys(where=rows_to_rebuild('sessions')) }}
),

lookup as (
    {{ resolve_sources('source_keys') }}
),

resolved as (
    select
        s.*,
        {{ reporting_timestamp('s.started_at') }} as started_at_local,
        lk.source,
        cat.category as source_category
    from sessions as s
    left join lookup as lk on lk.raw_value = s.source_key
    left join {{ ref('source_categories') }} as cat on cat.source = lk.source
),

normalized as (
    select
        session_id,
        started_at,
        started_at_local,
        cast(started_at_local as date) as session_date,
        visitor_id,
        landing_url,
        referrer,
        referrer_host,
        touch_type,
        source_key,
        source,
        case touch_type
            when 'utm' then coalesce(tagged_medium, '(not set)')
            when 'click_id' then coalesce(click_medium, 'cpc')
            when 'referral' then case when source_category = 'search' then 'organic' else 'referral' end
            else '(none)'
        end as medium,
        coalesce(tagged_campaign, '(not set)') as campaign,
        utm_content,
        utm_term,
        has_gclid,
        has_msclkid,
        has_fbclid,
        {# The tags as exported, for the tracking checks (spelling, columns vs URL, unknown source). #}
        tagged_source,
        exported_utm_source,
        exported_utm_medium,
        exported_utm_campaign,
        column_source_key,
        url_source_key,
        column_medium_key,
        url_medium_key,
        column_campaign_key,
        url_campaign_key,
        _file,
        _line
    from resolved
)

select * from normalized
{% if is_incremental() %}
where session_date >= {{ rebuild_window('sessions_from') }}
{% endif %}

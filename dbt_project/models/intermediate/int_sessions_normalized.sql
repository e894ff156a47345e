with sessions as (
    select * from {{ ref('stg_landing__sessions') }}
),

resolved as (
    select
        s.*,
        {{ reporting_timestamp('s.started_at') }} as started_at_local,
        lk.source,
        cat.category as source_category
    from sessions as s
    left join {{ ref('int_source_lookup') }} as lk on lk.raw_value = s.source_key
    left join {{ ref('source_categories') }} as cat on cat.source = lk.source
)

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
    source,
    case touch_type
        when 'utm' then coalesce(tagged_medium, '(not set)')
        when 'click_id' then 'cpc'
        when 'referral' then case when source_category = 'search' then 'organic' else 'referral' end
        else '(none)'
    end as medium,
    coalesce(tagged_campaign, '(not set)') as campaign,
    utm_content,
    utm_term,
    has_gclid,
    has_msclkid,
    has_fbclid,
    _file,
    _line
from resolved

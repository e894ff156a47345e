with ranked as (
    {{ versioned('sessions', version_keys()['sessions'][0]) }}
),

evidence as (
    select
        session_id,
        started_at,
        visitor_id,
        landing_url,
        referrer,
        coalesce({{ clean_key('utm_source') }}, lower(trim({{ url_param('landing_url', 'utm_source') }}))) as tagged_source,
        coalesce({{ clean_key('utm_medium') }}, lower(trim({{ url_param('landing_url', 'utm_medium') }}))) as tagged_medium,
        coalesce({{ clean_key('utm_campaign') }}, lower(trim({{ url_param('landing_url', 'utm_campaign') }}))) as tagged_campaign,
        coalesce({{ clean_key('utm_content') }}, lower(trim({{ url_param('landing_url', 'utm_content') }}))) as utm_content,
        coalesce({{ clean_key('utm_term') }}, lower(trim({{ url_param('landing_url', 'utm_term') }}))) as utm_term,
        {{ url_param('landing_url', 'gclid') }} is not null as has_gclid,
        {{ url_param('landing_url', 'msclkid') }} is not null as has_msclkid,
        {{ url_param('landing_url', 'fbclid') }} is not null as has_fbclid,
        {{ url_host('referrer') }} as referrer_host,
        _file,
        _line
    from ranked
    where _version = 1
)

select
    *,
    case
        when tagged_source is not null or tagged_medium is not null or tagged_campaign is not null then 'utm'
        when has_gclid or has_msclkid then 'click_id'
        when referrer_host is not null then 'referral'
        else 'direct'
    end as touch_type,
    case
        when tagged_source is not null or tagged_medium is not null or tagged_campaign is not null
            then coalesce(tagged_source, '(not set)')
        when has_gclid then 'google'
        when has_msclkid then 'bing'
        when referrer_host is not null then referrer_host
        else '(direct)'
    end as source_key
from evidence

with ranked as (
    {{ versioned('leads', version_keys()['leads'][0]) }}
)

select
    lead_id,
    created_at,
    visitor_id,
    {{ clean_key('lead_source') }} as lead_source,
    {{ clean_key('utm_source') }} as utm_source,
    {{ clean_key('utm_medium') }} as utm_medium,
    {{ clean_key('utm_campaign') }} as utm_campaign,
    {{ clean_key('status') }} as status,
    _file,
    _line
from ranked
where _version = 1

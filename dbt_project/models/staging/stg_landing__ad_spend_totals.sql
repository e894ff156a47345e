with ranked as (
    {{ versioned('ad_spend_totals', version_keys()['ad_spend_totals'][0]) }}
)

select
    date as spend_date,
    {{ clean_key('platform') }} as platform,
    account_id,
    impressions,
    clicks,
    spend,
    currency,
    _file,
    _line
from ranked
where _version = 1

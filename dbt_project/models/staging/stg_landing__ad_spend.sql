with ranked as (
    {{ versioned('ad_spend', version_keys()['ad_spend'][0]) }}
)

select
    date as spend_date,
    {{ clean_key('platform') }} as platform,
    account_id,
    campaign_id,
    trim(campaign_name) as campaign_name,
    {{ clean_key('utm_campaign') }} as utm_campaign,
    impressions,
    clicks,
    spend,
    currency,
    _file,
    _line
from ranked
where _version = 1

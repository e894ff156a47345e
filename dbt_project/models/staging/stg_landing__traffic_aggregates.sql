{#
  Aggregated traffic (GA4's sessionSource / sessionMedium / sessionCampaignName). GA4 writes
  "(direct)", "(none)", "(not set)", "(organic)", "(referral)" where a session has no value; the
  campaign placeholders read as "(not set)" like untagged session rows do.
#}
with ranked as (
    {{ versioned('traffic_daily', version_keys()['traffic_daily'][0]) }}
)

select
    date as traffic_date,
    {{ clean_key('source') }} as source_key,
    coalesce({{ clean_key('medium') }}, '(none)') as medium,
    case
        when {{ clean_key('campaign') }} is null then '(not set)'
        when {{ clean_key('campaign') }} in ('(organic)', '(referral)', '(direct)', '(not set)', '(none)') then '(not set)'
        else {{ clean_key('campaign') }}
    end as campaign,
    sessions,
    coalesce(conversions, 0) as conversions,
    _file,
    _line
from ranked
where _version = 1

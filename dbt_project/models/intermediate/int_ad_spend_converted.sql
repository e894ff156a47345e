{# Ad spend keyed like traffic: the platform's utm source (normalized) and medium, and the
   campaign's utm_campaign when the export has it, else its lower-cased name. #}
with keyed as (
    select
        a.*,
        coalesce(lower(trim(p.utm_source)), a.platform) as platform_source,
        coalesce(lower(trim(p.default_medium)), 'cpc') as medium,
        coalesce(a.utm_campaign, lower(a.campaign_name)) as campaign
    from {{ ref('stg_landing__ad_spend') }} as a
    left join {{ ref('ad_platforms') }} as p on lower(trim(p.platform)) = a.platform
),

converted as (
    {{ with_reporting_amount('keyed', 'spend_date', 'spend') }}
)

select
    c.spend_date,
    c.platform,
    c.account_id,
    c.campaign_id,
    c.campaign_name,
    lk.source as channel,
    c.medium,
    c.campaign,
    c.impressions,
    c.clicks,
    c.spend,
    c.currency,
    c.fx_rate,
    c.spend_reporting,
    c._file,
    c._line
from converted as c
left join {{ ref('int_source_lookup') }} as lk on lk.raw_value = c.platform_source

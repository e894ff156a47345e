{#
  Account days whose campaign rows do not add up to the account's own daily total (the platform's
  account-level report, landed as ad_spend_totals) within source_total_share of it: a report level
  that misses a generation of ads, deleted campaigns left out, a page cut off. One issue per
  platform and account, with the days, the largest gap and the spend missing from the campaigns.
#}
with campaigns as (
    select spend_date, platform, account_id, currency, sum(spend) as campaign_spend
    from {{ ref('stg_landing__ad_spend') }}
    where {{ in_tracking_window('spend_date') }}
    group by spend_date, platform, account_id, currency
),

gaps as (
    select
        t.spend_date, t.platform, t.account_id, t.currency, t._file, t._line,
        t.spend as total_spend,
        coalesce(c.campaign_spend, 0) as campaign_spend,
        t.spend - coalesce(c.campaign_spend, 0) as gap
    from {{ ref('stg_landing__ad_spend_totals') }} as t
    left join campaigns as c
        on c.spend_date = t.spend_date and c.platform = t.platform and c.account_id = t.account_id
        and c.currency = t.currency
    where {{ in_tracking_window('t.spend_date') }}
      and abs(t.spend - coalesce(c.campaign_spend, 0)) > {{ tracking_setting('source_total_share') }} * abs(t.spend)
      and abs(t.spend - coalesce(c.campaign_spend, 0)) >= 0.01
),

converted as (
    {{ with_reporting_amount('gaps', 'spend_date', 'gap') }}
)

select
    'source_total_mismatch' as check_name,
    platform as channel,
    cast(null as {{ dbt.type_string() }}) as medium,
    cast(null as {{ dbt.type_string() }}) as campaign,
    min(spend_date) as period_start,
    max(spend_date) as period_end,
    count(*) as rows_affected,
    sum(abs(gap_reporting)) as spend_affected,
    account_id as example,
    {{ tracking_message_columns('source_total_mismatch', {
        'platform': "platform",
        'account': "account_id",
        'days': "count(*)",
        'currency': "max(currency)",
        'gap': "round(max(abs(gap)), 2)",
        'first_day': "min(spend_date)",
        'last_day': "max(spend_date)"}) }}
    account_id as subject
from converted
group by platform, account_id

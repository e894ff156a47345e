{#
  Account-campaign days whose spend is far above the same account and campaign's own days in the
  spend_outlier_history_days before it (macros/outliers.sql): a decimal separator read wrong, an
  amount in the wrong currency, a day exported twice, or a real burst someone should confirm.
#}
{% set text = dbt.type_string() %}
with settings as (
    {{ outlier_settings() }}
),

days as (
    select a.spend_date, a.channel, a.medium, a.campaign, coalesce(a.account_id, '') as account_id,
           sum(a.spend_reporting) as spend, min(a._file) as file_name, min(a._line) as line_number
    from {{ ref('int_ad_spend_converted') }} as a
    cross join settings as s
    where a.spend_reporting > 0
      and a.spend_date >= {{ dbt.dateadd('day', -1 * tracking_setting('spend_outlier_history_days'), 's.window_start') }}
    group by a.spend_date, a.channel, a.medium, a.campaign, coalesce(a.account_id, '')
),

history as (
    select d.spend_date, d.channel, d.medium, d.campaign, d.account_id, h.spend as past_spend
    from days as d
    inner join days as h
        on h.channel = d.channel and h.medium = d.medium and h.campaign = d.campaign
        and h.account_id = d.account_id and h.spend_date < d.spend_date
        and h.spend_date >= {{ dbt.dateadd('day', -1 * tracking_setting('spend_outlier_history_days'), 'd.spend_date') }}
    where {{ in_tracking_window('d.spend_date') }}
),

medians as (
    select spend_date, channel, medium, campaign, account_id, count(*) as history_days,
           {{ median_of('past_spend') }} as median_spend, {{ median_of('ln(past_spend)') }} as median_log
    from history
    group by spend_date, channel, medium, campaign, account_id
),

spreads as (
    select m.spend_date, m.channel, m.medium, m.campaign, m.account_id, m.history_days, m.median_spend,
           {{ median_of('abs(ln(h.past_spend) - m.median_log)') }} as mad_log
    from medians as m
    inner join history as h
        on h.spend_date = m.spend_date and h.channel = m.channel and h.medium = m.medium
        and h.campaign = m.campaign and h.account_id = m.account_id
    group by m.spend_date, m.channel, m.medium, m.campaign, m.account_id, m.history_days, m.median_spend, m.median_log
),

outliers as (
    select d.*, s.median_spend
    from days as d
    inner join spreads as s
        on s.spend_date = d.spend_date and s.channel = d.channel and s.medium = d.medium
        and s.campaign = d.campaign and s.account_id = d.account_id
    where s.history_days >= {{ tracking_setting('spend_outlier_min_history_days') }}
      and d.spend > {{ outlier_threshold('s.median_spend', 's.mad_log', tracking_setting('spend_outlier_min_ratio')) }}
)

select
    'spend_outlier' as check_name,
    o.channel,
    o.medium,
    o.campaign,
    o.spend_date as period_start,
    o.spend_date as period_end,
    1 as rows_affected,
    cast(o.spend as {{ money_type() }}) as spend_affected,
    o.file_name || ' line ' || cast(o.line_number as {{ text }}) as example,
    {{ tracking_message_columns('spend_outlier', {
        'channel': "o.channel",
        'medium': "o.medium",
        'campaign': "o.campaign",
        'account': "o.account_id",
        'has_account': "o.account_id <> ''",
        'spend': "cast(o.spend as " ~ money_type() ~ ")",
        'currency': "s.reporting_currency",
        'day': "o.spend_date",
        'ratio': "cast(round(o.spend / o.median_spend, 0) as bigint)",
        'median': "cast(o.median_spend as " ~ money_type() ~ ")",
        'history_days': tracking_setting('spend_outlier_history_days'),
        'file': "o.file_name",
        'line': "o.line_number"}) }}
    o.account_id || '|' || cast(o.spend_date as {{ text }}) as subject
from outliers as o
cross join settings as s

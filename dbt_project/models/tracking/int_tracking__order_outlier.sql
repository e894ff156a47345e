{#
  Orders in the checks' window whose amount is far above the orders of the order_outlier_history_days
  before the window (macros/outliers.sql): an amount typed in cents or in another currency, a test
  order, or a real record order that should be confirmed before it moves ROI and revenue KPIs.
#}
{% set text = dbt.type_string() %}
with settings as (
    {{ outlier_settings() }}
),

orders as (
    select a.order_id, a.ordered_date, a.amount_reporting, a.channel, a.medium, a.campaign, c._file, c._line
    from {{ ref('int_orders_attributed') }} as a
    left join {{ ref('int_orders_converted') }} as c on c.order_id = a.order_id
    where a.amount_reporting > 0
),

history as (
    select o.amount_reporting
    from orders as o
    cross join settings as s
    where o.ordered_date < s.window_start
      and o.ordered_date >= {{ dbt.dateadd('day', -1 * tracking_setting('order_outlier_history_days'), 's.window_start') }}
),

baseline as (
    select count(*) as history_orders, {{ median_of('amount_reporting') }} as median_amount,
           {{ median_of('ln(amount_reporting)') }} as median_log
    from history
),

spread as (
    select {{ median_of('abs(ln(h.amount_reporting) - b.median_log)') }} as mad_log
    from history as h
    cross join baseline as b
)

select
    'order_outlier' as check_name,
    o.channel,
    o.medium,
    o.campaign,
    o.ordered_date as period_start,
    o.ordered_date as period_end,
    1 as rows_affected,
    cast(null as {{ money_type() }}) as spend_affected,
    o._file || ' line ' || cast(o._line as {{ text }}) as example,
    {{ tracking_message_columns('order_outlier', {
        'order_id': "o.order_id",
        'day': "o.ordered_date",
        'amount': "o.amount_reporting",
        'currency': "s.reporting_currency",
        'ratio': "cast(round(o.amount_reporting / b.median_amount, 0) as bigint)",
        'median': "cast(b.median_amount as " ~ money_type() ~ ")",
        'history_days': tracking_setting('order_outlier_history_days'),
        'file': "o._file",
        'line': "o._line"}) }}
    o.order_id as subject
from orders as o
cross join settings as s
cross join baseline as b
cross join spread as p
where {{ in_tracking_window('o.ordered_date') }}
  and b.history_orders >= {{ tracking_setting('order_outlier_min_history_orders') }}
  and o.amount_reporting > {{ outlier_threshold('b.median_amount', 'p.mad_log', tracking_setting('order_outlier_min_ratio')) }}

{# A customer is a lead with at least one valid order; acquired on its first valid order. #}
select
    lead_id,
    min(ordered_at) as first_order_at,
    min(ordered_date) as first_order_date,
    cast({{ dbt.date_trunc('month', 'min(ordered_date)') }} as date) as cohort_month,
    max(channel) as channel,
    max(medium) as medium,
    max(campaign) as campaign,
    count(*) as valid_orders,
    sum(amount_reporting) as revenue
from {{ ref('int_orders_attributed') }}
group by lead_id

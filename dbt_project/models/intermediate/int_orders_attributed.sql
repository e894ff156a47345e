{#
  Valid orders (not refunded, cancelled or lost) in the reporting currency, credited to their
  lead's attribution, numbered per customer (1 = the order that made the lead a customer).
  Orders without an FX rate are excluded here and reported in int_excluded_rows.
#}
select
    c.order_id,
    c.lead_id,
    c.ordered_at,
    c.ordered_date,
    c.amount,
    c.currency,
    c.fx_rate,
    c.amount_reporting,
    coalesce(l.channel, '(unattributed)') as channel,
    coalesce(l.medium, '(unattributed)') as medium,
    coalesce(l.campaign, '(unattributed)') as campaign,
    l.lead_id is not null as lead_found,
    row_number() over (partition by c.lead_id order by c.ordered_at, c.order_id) as customer_order_number
from {{ ref('int_orders_converted') }} as c
left join {{ ref('int_leads_attributed') }} as l on l.lead_id = c.lead_id
where c.is_valid and c.amount_reporting is not null

{#
  Per first-order month cohort × months since the first order (k = 0 … the as-of month):
  the share of the cohort with a valid order in month k. k = 0 is 1.0 by construction.
#}
with customers as (
    select lead_id, cohort_month from {{ ref('int_customers') }}
),

active_months as (
    select distinct lead_id, cast({{ dbt.date_trunc('month', 'ordered_date') }} as date) as order_month
    from {{ ref('int_orders_attributed') }}
),

cohorts as (
    select cohort_month, count(*) as cohort_customers from customers group by cohort_month
),

settings as (
    select cast({{ dbt.date_trunc('month', 'as_of_date') }} as date) as as_of_month
    from {{ ref('stg_landing__run_settings') }}
),

grid as (
    select c.cohort_month, o.n as months_since_first_order, c.cohort_customers
    from cohorts as c
    cross join settings as s
    inner join ({{ integers_below_1000() }}) as o
        on o.n <= {{ dbt.datediff('c.cohort_month', 's.as_of_month', 'month') }}
),

activity as (
    select
        c.cohort_month,
        {{ dbt.datediff('c.cohort_month', 'a.order_month', 'month') }} as months_since_first_order,
        count(distinct a.lead_id) as active_customers
    from customers as c
    inner join active_months as a on a.lead_id = c.lead_id
    group by 1, 2
)

select
    g.cohort_month,
    g.months_since_first_order,
    cast({{ dbt.dateadd('month', 'g.months_since_first_order', 'g.cohort_month') }} as date) as activity_month,
    g.cohort_customers,
    cast(coalesce(a.active_customers, 0) as bigint) as active_customers,
    {{ safe_divide('coalesce(a.active_customers, 0)', 'g.cohort_customers') }} as retention
from grid as g
left join activity as a
    on a.cohort_month = g.cohort_month and a.months_since_first_order = g.months_since_first_order

{# Every order (valid or not) with its local date and its amount in the reporting currency. #}
with orders as (
    select
        o.*,
        cast({{ to_local_timestamp('o.ordered_at', 'st.reporting_timezone') }} as date) as ordered_date
    from {{ ref('stg_landing__orders') }} as o
    cross join {{ ref('stg_landing__run_settings') }} as st
),

converted as (
    {{ with_reporting_amount('orders', 'ordered_date', 'amount') }}
)

select * from converted

{# Every order (valid or not) with its local date and its amount in the reporting currency. #}
with orders as (
    select *, {{ reporting_date('ordered_at') }} as ordered_date
    from {{ ref('stg_landing__orders') }}
),

converted as (
    {{ with_reporting_amount('orders', 'ordered_date', 'amount') }}
)

select * from converted

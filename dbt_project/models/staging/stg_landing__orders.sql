with ranked as (
    {{ versioned('orders', version_keys()['orders'][0]) }}
)

select
    r.order_id,
    r.lead_id,
    r.ordered_at,
    r.amount,
    r.currency,
    {{ clean_key('r.status') }} as status,
    s.status is null as is_valid,
    r._file,
    r._line
from ranked as r
left join {{ ref('invalid_order_statuses') }} as s
    on {{ clean_key('r.status') }} = lower(s.status)
where r._version = 1

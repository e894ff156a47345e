select
    source,
    stream as table_name,
    platform,
    status,
    message,
    last_day,
    last_attempt_at,
    last_success_at,
    rows_pulled
from {{ source('landing', 'connector_state') }}

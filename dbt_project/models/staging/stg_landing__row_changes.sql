select
    kind,
    row_key,
    event_at
from {{ source('landing', 'row_changes') }}

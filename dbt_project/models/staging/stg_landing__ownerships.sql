select
    trim(employee_id) as employee_id,
    {{ clean_key('scope') }} as scope,
    trim(value) as value,
    coalesce(share, 1) as share
from {{ source('landing', 'ownership') }}

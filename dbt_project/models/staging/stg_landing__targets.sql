select
    trim(employee_id) as employee_id,
    {{ clean_key('kpi') }} as kpi,
    target,
    effective_from,
    reason,
    _file,
    _line
from {{ source('landing', 'targets') }}

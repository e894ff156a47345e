select trim(period) as period, trim(employee_id) as employee_id, {{ clean_key('kpi') }} as kpi, value, reason
from {{ source('landing', 'manual_scores') }}

select trim(employee_id) as employee_id, trim(name) as name, {{ clean_key('role') }} as role, trim(team) as team
from {{ source('landing', 'roster') }}

select
    trim(employee_id) as employee_id,
    trim(name) as name,
    {{ clean_key('role') }} as role,
    trim(team) as team,
    _file,
    _line
from {{ source('landing', 'roster') }}

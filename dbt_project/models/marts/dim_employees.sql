{# The roster as scoring reads it, with the file and line a wrong role is reported at. #}
select
    employee_id,
    coalesce(name, '') as name,
    role,
    team,
    _file,
    _line
from {{ ref('stg_landing__employees') }}

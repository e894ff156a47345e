{# Per-person KPI targets from a date (targets*.csv), with the file and line each came from. #}
select
    employee_id,
    kpi,
    target,
    effective_from,
    reason,
    _file,
    _line
from {{ ref('stg_landing__targets') }}

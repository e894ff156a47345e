{# Scores a lead entered, per period, person and KPI name (manual_scores*.csv). #}
select
    period,
    employee_id,
    kpi,
    cast(value as double) as value,
    reason
from {{ ref('stg_landing__manual_scores') }}

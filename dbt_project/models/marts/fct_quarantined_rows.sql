{# Every source row left out of the metrics, with where it is and why: unreadable at landing, repeated, or missing an FX rate. #}
select kind, file, line, field, reason, raw_text, 'landing' as stage
from {{ ref('stg_landing__quarantined_rows') }}
union all
select kind, file, line, field, reason, cast(null as {{ dbt.type_string() }}), 'modelling'
from {{ ref('int_excluded_rows') }}

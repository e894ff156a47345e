{# Every source row left out of the metrics, with where it is and why: a file that could not be read,
   a row unreadable at landing, repeated, or missing an FX rate. #}
select kind, file, line, field, reason, raw_text, case scope when 'file' then 'file' else 'landing' end as stage
from {{ ref('stg_landing__quarantined_rows') }}
union all
select kind, file, line, field, reason, cast(null as {{ dbt.type_string() }}), 'modelling'
from {{ ref('int_excluded_rows') }}

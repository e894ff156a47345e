{# One row: the night's as-of date and how its numbers read (reporting currency and time zone). #}
select
    as_of_date,
    reporting_currency,
    reporting_timezone
from {{ ref('stg_landing__run_settings') }}

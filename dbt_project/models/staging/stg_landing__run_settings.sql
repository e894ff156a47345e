select
    reporting_currency,
    reporting_timezone,
    cast(as_of_date as date) as as_of_date,
    cast(fx_max_staleness_days as integer) as fx_max_staleness_days,
    cast(rebuild_lookback_days as integer) as rebuild_lookback_days,
    cast(incremental_build as boolean) as incremental_build
from {{ source('landing', 'run_settings') }}

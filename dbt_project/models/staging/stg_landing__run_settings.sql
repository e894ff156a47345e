select
    reporting_currency,
    reporting_timezone,
    cast(as_of_date as date) as as_of_date,
    cast(fx_max_staleness_days as integer) as fx_max_staleness_days,
    cast(rebuild_lookback_days as integer) as rebuild_lookback_days,
    cast(incremental_build as boolean) as incremental_build,
    cast(attribution_lookback_days as integer) as attribution_lookback_days,
    cast(attribution_lookback_steps as integer) as attribution_lookback_steps,
    attribution_path_transform,
    attribution_direct,
    cast(attribution_half_life_days as double) as attribution_half_life_days
from {{ source('landing', 'run_settings') }}

with ranked as (
    {{ versioned('fx_rates', version_keys()['fx_rates'][0]) }}
)

select date as rate_date, currency, rate_to_reporting
from ranked
where _version = 1

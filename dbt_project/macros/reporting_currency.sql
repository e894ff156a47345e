{#
  Adds `fx_rate` and `<amount>_reporting` to the rows of `rows_relation` (which must carry the
  landing `_file`/`_line`). The rate is the latest one for the row's currency on or before its
  date, at most `fx_max_staleness_days` older; the reporting currency itself converts at 1.
  Each row is rounded to the cent before any sum. No rate: both columns are NULL and the row is
  quarantined by int_excluded_rows.
#}
{% macro with_reporting_amount(rows_relation, date_column, amount_column) %}
with rows_in as (
    select * from {{ rows_relation }}
),

settings as (
    select * from {{ ref('stg_landing__run_settings') }}
),

candidate_rates as (
    select
        r._file,
        r._line,
        x.rate_to_reporting,
        row_number() over (partition by r._file, r._line order by x.rate_date desc) as recency
    from rows_in as r
    cross join settings as s
    inner join {{ ref('stg_landing__fx_rates') }} as x
        on x.currency = r.currency
        and x.rate_date <= r.{{ date_column }}
        and x.rate_date >= {{ dbt.dateadd('day', '-1 * s.fx_max_staleness_days', 'r.' ~ date_column) }}
)

select
    r.*,
    case when r.currency = s.reporting_currency then cast(1 as {{ rate_type() }}) else c.rate_to_reporting end as fx_rate,
    cast(round(r.{{ amount_column }} * case when r.currency = s.reporting_currency then 1 else c.rate_to_reporting end, 2)
         as {{ money_type() }}) as {{ amount_column }}_reporting
from rows_in as r
cross join settings as s
left join candidate_rates as c
    on c._file = r._file and c._line = r._line and c.recency = 1
{% endmacro %}

{# Rows that landed but are left out of the metrics, with the reason: repeated keys and missing FX rates. #}
with settings as (
    select * from {{ ref('stg_landing__run_settings') }}
),

{% for kind, (key, label) in version_keys().items() %}
{#- A one-column key: number only the keys that occur more than once, not the whole history (sessions
    and leads: int_repeated_keys, kept from night to night). #}
{%- if kind in rebuilt_kinds() %}
{%- set only_repeated = key ~ " in (select row_key from " ~ ref('int_repeated_keys') ~ " where kind = '" ~ kind ~ "')" %}
{%- elif ',' not in key %}
{%- set only_repeated = key ~ " in (select " ~ key ~ " from " ~ source('landing', kind) ~ " group by " ~ key
                        ~ " having count(*) > 1)" %}
{%- else %}
{%- set only_repeated = none %}
{%- endif %}
repeated_{{ kind }} as (
    select
        '{{ kind }}' as kind, _file as file, _line as line, '{{ key.split(",")[0] }}' as field,
        'another row with the same {{ label }} comes later (later file or line); that row is used' as reason
    from ({{ versioned(kind, key, only_repeated) }}) as v
    where _version > 1
),
{% endfor %}

missing_fx as (
    select 'ad_spend' as kind, _file, _line, currency, spend_date as row_date
    from {{ ref('int_ad_spend_converted') }}
    where spend_reporting is null
    union all
    select 'orders', _file, _line, currency, ordered_date
    from {{ ref('int_orders_converted') }}
    where is_valid and amount_reporting is null
)

{% for kind in version_keys() %}
select * from repeated_{{ kind }}
union all
{% endfor %}
select
    m.kind, m._file, m._line, 'currency',
    'no FX rate from ' || m.currency || ' to ' || s.reporting_currency || ' for ' || cast(m.row_date as {{ dbt.type_string() }})
        || ' (nor up to ' || cast(s.fx_max_staleness_days as {{ dbt.type_string() }}) || ' days before)'
from missing_fx as m
cross join settings as s

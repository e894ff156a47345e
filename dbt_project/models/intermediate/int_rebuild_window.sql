{#
  Where tonight's incremental models start: the first local day touched by a session or lead that
  landed or went away since the last build (every version of its id counts), and never later than
  the as-of date minus rebuild_lookback_days. Leads start no later than sessions: a session can
  change the attribution of any later lead of its visitor. Unused on full builds.
#}
with settings as (
    select * from {{ ref('stg_landing__run_settings') }}
),

changes as (
    select * from {{ ref('stg_landing__row_changes') }}
),

{% for kind, (key, at_column) in rebuilt_kinds().items() %}
{{ kind }}_times as (
    select event_at from changes where kind = '{{ kind }}'
    union all
    select {{ at_column }} from {{ source('landing', kind) }}
    where {{ key }} in (select row_key from changes where kind = '{{ kind }}')
),
{% endfor %}

first_days as (
    select
        (select {{ reporting_date('min(event_at)') }} from sessions_times) as first_session_day,
        (select {{ reporting_date('min(event_at)') }} from leads_times) as first_lead_day,
        cast({{ dbt.dateadd('day', '-1 * rebuild_lookback_days', 'as_of_date') }} as date) as lookback_day
    from settings
),

window_start as (
    select
        least(coalesce(first_session_day, lookback_day), lookback_day) as sessions_from,
        least(coalesce(first_session_day, lookback_day), coalesce(first_lead_day, lookback_day), lookback_day)
            as leads_from
    from first_days
)

select
    sessions_from,
    leads_from,
    {# Landing timestamps are compared a day early: a local day starts up to 14 hours before or after UTC. #}
    cast({{ dbt.dateadd('day', -1, 'least(sessions_from, leads_from)') }} as timestamp) as landing_rows_from
from window_start

{{ config(
    materialized='incremental',
    unique_key='visitor_id',
    incremental_strategy=('delete+insert' if target.type == 'duckdb' else none),
    post_hook="{{ forget_visitors_without_sessions() }}"
) }}
-- depends_on: {{ ref('int_rebuild_window') }}
{#
  Every visitor's path as if it never converted (docs/attribution.md): the sessions within the lookback
  before the visitor's last session, by the same rules as a lead's path. The data-driven table keeps the
  visitors who never became a lead; this model holds them all, so that becoming a lead (or no longer
  being one) changes nothing here. Sessions without a visitor belong to nobody.
  Incremental: a visitor's path reads only its own sessions, so the visitors with a session on a rebuilt
  day (from int_rebuild_window's sessions_from) now or last night are built again and replace their rows;
  one whose sessions all went away comes back without a path and the post-hook removes it.
#}
with settings as (
    select * from {{ ref('stg_landing__run_settings') }}
),

sessions as (
    select * from {{ ref('int_sessions_normalized') }}
    where visitor_id is not null
),

{% if is_incremental() %}
rebuilt_visitors as (
    select visitor_id from sessions where session_date >= {{ rebuild_window('sessions_from') }}
    union
    select visitor_id from {{ this }} where last_session_date >= {{ rebuild_window('sessions_from') }}
),
{% endif %}

visitor_sessions as (
    select
        se.visitor_id, se.started_at, se.session_id, se.source as channel,
        max(se.started_at) over visitor as last_started_at,
        max(se.session_date) over visitor as last_session_date
    from sessions as se
    {% if is_incremental() %}
    where se.visitor_id in (select visitor_id from rebuilt_visitors)
    {% endif %}
    window visitor as (partition by se.visitor_id)
),

touches as (
    select
        v.visitor_id as path_id, v.started_at as touched_at, 0 as touch_order, v.session_id, v.channel,
        {# A path is its channels: medium and campaign are not carried through its sorts. #}
        cast(null as {{ dbt.type_string() }}) as medium, cast(null as {{ dbt.type_string() }}) as campaign,
        v.last_session_date
    from visitor_sessions as v
    cross join settings as s
    where {{ within_lookback('v.started_at', 'v.last_started_at') }}
),

{{ attribution_path_ctes('touches', 'paths', carry=['last_session_date']) }},

visitor_paths as (
    select path_id as visitor_id, last_session_date, path
    from ({{ attribution_path_strings('paths', carry=['last_session_date']) }}) as strings
)

{% if is_incremental() %}
select r.visitor_id, vp.last_session_date, vp.path
from rebuilt_visitors as r
left join visitor_paths as vp on vp.visitor_id = r.visitor_id
{% else %}
select visitor_id, last_session_date, path from visitor_paths
{% endif %}

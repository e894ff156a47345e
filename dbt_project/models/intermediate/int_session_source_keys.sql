{{ config(materialized='incremental', pre_hook="{{ delete_rebuilt_days('session_date', 'sessions_from') }}") }}
-- depends_on: {{ ref('int_rebuild_window') }}
{# The raw source keys of the sessions per local day, so int_source_lookup does not rescan every session. #}
select session_date, source_key, count(*) as sessions
from {{ ref('int_sessions_normalized') }}
{% if is_incremental() %}
where session_date >= {{ rebuild_window('sessions_from') }}
{% endif %}
group by session_date, source_key

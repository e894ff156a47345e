{{ config(materialized='incremental', pre_hook="{{ delete_rebuilt_days('session_date', 'sessions_from') }}") }}
-- depends_on: {{ ref('int_rebuild_window') }}
{# Sessions counted per local day, source, medium and campaign: what every daily model needs of them. #}
select session_date, source, medium, campaign, count(*) as sessions
from {{ ref('int_sessions_normalized') }}
{% if is_incremental() %}
where session_date >= {{ rebuild_window('sessions_from') }}
{% endif %}
group by session_date, source, medium, campaign

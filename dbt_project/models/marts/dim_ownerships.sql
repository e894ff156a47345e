{# What each person answers for: channels, channel groups, platforms, campaigns, the team, content
   authors and social accounts (docs/kpi-configuration.md). #}
select
    employee_id,
    scope,
    value,
    share
from {{ ref('stg_landing__ownerships') }}

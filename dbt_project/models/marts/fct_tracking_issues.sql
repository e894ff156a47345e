{#
  One row per tracking problem found in the checks' window, from every int_tracking__ model.
  issue_key identifies the same problem night after night, for alert de-duplication.
#}
{% set checks = [
    'spend_without_sessions', 'unknown_campaign', 'inconsistent_spelling', 'unknown_source',
    'medium_not_allowed', 'click_id_without_utm', 'utm_mismatch', 'unattributed_lead_share', 'volume_drops',
    'source_pull_failed', 'unreadable_file',
] %}
with found as (
    {% for check in checks %}
    select * from {{ ref('int_tracking__' ~ check) }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select
    (select as_of_date from {{ ref('stg_landing__run_settings') }}) as detected_on,
    f.check_name,
    case f.check_name
        {% for name in var('mkpi_tracking')['severity'] %}
        when '{{ name }}' then '{{ tracking_severity(name) }}'
        {% endfor %}
    end as severity,
    f.channel,
    f.medium,
    f.campaign,
    f.period_start,
    f.period_end,
    f.rows_affected,
    f.spend_affected,
    f.example,
    f.message,
    f.check_name || '|' || coalesce(f.channel, '') || '|' || coalesce(f.medium, '') || '|' || coalesce(f.campaign, '')
        || '|' || coalesce(f.subject, '') as issue_key
from found as f

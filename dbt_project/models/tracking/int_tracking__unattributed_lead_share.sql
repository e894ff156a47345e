{# Too many leads with no known source over the last 7 days. #}
with recent as (
    select
        count(*) as leads,
        sum(case when channel = '(unattributed)' then 1 else 0 end) as unattributed,
        min(created_date) as period_start,
        max(created_date) as period_end
    from {{ ref('int_leads_attributed') }}
    where created_date > (select {{ dbt.dateadd('day', -7, 'as_of_date') }} from {{ ref('stg_landing__run_settings') }})
      and created_date <= (select as_of_date from {{ ref('stg_landing__run_settings') }})
)

select
    'unattributed_lead_share' as check_name,
    '(unattributed)' as channel,
    cast(null as {{ dbt.type_string() }}) as medium,
    cast(null as {{ dbt.type_string() }}) as campaign,
    period_start,
    period_end,
    unattributed as rows_affected,
    cast(null as {{ money_type() }}) as spend_affected,
    cast(round(100.0 * unattributed / leads, 1) as {{ dbt.type_string() }}) || '%' as example,
    {{ tracking_message_columns('unattributed_lead_share', {
        'unattributed': "unattributed",
        'leads': "leads",
        'limit': "100 * " ~ tracking_setting('max_unattributed_lead_share')}) }}
    cast(null as {{ dbt.type_string() }}) as subject
from recent
where leads >= {{ tracking_setting('min_leads_for_share') }}
  and unattributed > {{ tracking_setting('max_unattributed_lead_share') }} * leads

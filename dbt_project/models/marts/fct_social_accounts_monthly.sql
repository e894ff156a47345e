{#
  Follower growth per account and month. Daily rows carry end-of-day `followers`, so the count
  at the start of the month is the first day's followers minus that day's net change.
#}
with daily as (
    select
        *,
        cast({{ dbt.date_trunc('month', 'snapshot_date') }} as date) as month,
        row_number() over (partition by platform, account, {{ dbt.date_trunc('month', 'snapshot_date') }}
                           order by snapshot_date) as day_rank_asc,
        row_number() over (partition by platform, account, {{ dbt.date_trunc('month', 'snapshot_date') }}
                           order by snapshot_date desc) as day_rank_desc
    from {{ ref('stg_landing__social_accounts') }}
),

monthly as (
    select
        month,
        platform,
        account,
        cast(sum(case when day_rank_asc = 1 then followers - new_followers + lost_followers end) as bigint)
            as followers_at_start,
        cast(sum(case when day_rank_desc = 1 then followers end) as bigint) as followers_at_end,
        cast(sum(new_followers) as bigint) as new_followers,
        cast(sum(lost_followers) as bigint) as lost_followers
    from daily
    group by month, platform, account
)

select
    *,
    new_followers - lost_followers as net_new_followers,
    {{ profile_ratios('fct_social_accounts_monthly') }}
from monthly

{#
  Per author and month of publication: the parts the content metrics are ratios of, then the metrics
  themselves from the registry (vars: mkpi_profile_metrics). Scoring sums the same parts over a period's
  months and a person's authors, so a metric has one formula.
#}
with monthly as (
    select
        cast({{ dbt.date_trunc('month', 'published_date') }} as date) as month,
        author,
        cast(count(*) as bigint) as items,
        cast(sum(case when is_original then 1 else 0 end) as bigint) as original_items,
        cast(count(read_rate) as bigint) as rated_items,
        sum(read_rate) as read_rate_sum,
        cast(sum(reads) as bigint) as reads,
        cast(sum(coalesce(likes, 0) + coalesce(comments, 0) + coalesce(shares, 0)) as bigint) as interactions
    from {{ ref('fct_content_items') }}
    where author is not null
    group by 1, 2
)

select
    *,
    cast({{ dbt.datediff('month', dbt.dateadd('month', 1, 'month'), 'day') }} as double) / 7 as weeks,
    {{ profile_ratios('fct_author_monthly') }}
from monthly

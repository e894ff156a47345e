{# Per author and month of publication: output, original share and the average read rate of their items. #}
select
    cast({{ dbt.date_trunc('month', 'published_date') }} as date) as month,
    author,
    cast(count(*) as bigint) as items,
    cast(sum(case when is_original then 1 else 0 end) as bigint) as original_items,
    {{ safe_divide('sum(case when is_original then 1 else 0 end)', 'count(*)') }} as original_share,
    avg(read_rate) as avg_read_rate,
    cast(sum(reads) as bigint) as reads,
    {{ safe_divide('sum(likes + comments + shares)', 'sum(reads)') }} as interaction_rate
from {{ ref('fct_content_items') }}
where author is not null
group by 1, 2

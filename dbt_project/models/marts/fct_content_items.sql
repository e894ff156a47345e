{# Each content item with its read rate: reads over the account's followers on the day it was published (or the latest day before). #}
with items as (
    select *, {{ reporting_date('published_at') }} as published_date
    from {{ ref('stg_landing__content_items') }}
),

followers as (
    select
        i.content_id,
        a.followers,
        row_number() over (partition by i.content_id order by a.snapshot_date desc) as recency
    from items as i
    inner join {{ ref('stg_landing__social_accounts') }} as a
        on a.platform = i.platform and a.account = i.account and a.snapshot_date <= i.published_date
)

select
    i.content_id,
    i.platform,
    i.account,
    i.author,
    i.published_at,
    i.published_date,
    i.is_original,
    i.reads,
    i.likes,
    i.comments,
    i.shares,
    f.followers as followers_at_publish,
    {{ safe_divide('i.reads', 'f.followers') }} as read_rate,
    {{ safe_divide('i.likes + i.comments + i.shares', 'i.reads') }} as interaction_rate
from items as i
left join followers as f on f.content_id = i.content_id and f.recency = 1

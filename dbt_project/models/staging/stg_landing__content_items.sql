select
    content_id,
    {{ clean_key('platform') }} as platform,
    trim(account) as account,
    published_at,
    trim(author) as author,
    coalesce(is_original, false) as is_original,
    reads,
    likes,
    comments,
    shares,
    _file,
    _line
from {{ source('landing', 'content') }}

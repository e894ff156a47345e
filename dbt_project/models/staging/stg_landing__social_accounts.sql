select
    date as snapshot_date,
    {{ clean_key('platform') }} as platform,
    trim(account) as account,
    followers,
    new_followers,
    lost_followers,
    _file,
    _line
from {{ source('landing', 'social_accounts') }}

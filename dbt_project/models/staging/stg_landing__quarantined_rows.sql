select kind, file, line, field, reason, raw_text, loaded_at
from {{ source('landing', 'quarantine') }}

select kind, file, line, field, reason, raw_text, loaded_at, scope
from {{ source('landing', 'quarantine') }}

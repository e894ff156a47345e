{{ config(materialized='incremental', pre_hook="{{ forget_changed_keys() }}") }}
-- depends_on: {{ ref('stg_landing__row_changes') }}
{#
  The keys of the history-sized kinds (sessions, leads) that occur on more than one landing row. A full
  build counts every key; an incremental night recounts only the keys of tonight's changed rows (the
  pre-hook forgets those first): a key untouched tonight repeats, or not, as it did last night.
#}
{% for kind, (key, _at) in rebuilt_kinds().items() %}
select '{{ kind }}' as kind, {{ key }} as row_key
from {{ source('landing', kind) }}
{% if is_incremental() %}
where {{ key }} in (select row_key from {{ ref('stg_landing__row_changes') }} where kind = '{{ kind }}')
{% endif %}
group by {{ key }}
having count(*) > 1
{% if not loop.last %}union all{% endif %}
{% endfor %}

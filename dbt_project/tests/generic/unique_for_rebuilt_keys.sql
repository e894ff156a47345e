{#
  `unique` for the key of an incremental model, checking only the keys tonight rebuilt when the build
  started from last night's file: the model inserts rows only for those keys, and every other row
  passed this test the night it was built (a failed test publishes nothing). A full build checks every
  key. At 18M sessions this is a scan of tonight's keys instead of a count of every session id.
#}
{% test unique_for_rebuilt_keys(model, column_name, kind) %}
select {{ column_name }} as unique_field, count(*) as n_records
from {{ model }}
where {{ column_name }} is not null
    and (
        not (select incremental_build from {{ ref('stg_landing__run_settings') }})
        or {{ keys_to_rebuild(kind) }}
    )
group by {{ column_name }}
having count(*) > 1
{% endtest %}

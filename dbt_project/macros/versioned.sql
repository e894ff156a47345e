{#
  Rows of a landing table numbered per business key, newest first (`_version` = 1 is the row used):
  overlapping exports repeat rows, and the last file in name order, last line, wins.
  Staging keeps `_version = 1`; int_excluded_rows reports the others. `where` narrows the rows
  before numbering (the incremental models pass a set of whole keys, so every version of a key
  stays in).
#}
{% macro versioned(kind, partition_by, where=none) %}
{%- set rows -%}
    (select * from {{ source('landing', kind) }} {% if where %}where {{ where }}{% endif %})
{%- endset -%}
{%- if ',' in partition_by %}
    select *, row_number() over (partition by {{ partition_by }} order by _file desc, _line desc) as _version
    from {{ rows }} as t
{%- else %}
    {#- A one-column key (sessions, leads, orders): only keys that occur more than once are numbered, so
        the history is counted by its key column alone instead of sorted whole by key. #}
    select t.*, coalesce(r._version, 1) as _version
    from {{ rows }} as t
    left join (
        select {{ partition_by }}, _file, _line,
            row_number() over (partition by {{ partition_by }} order by _file desc, _line desc) as _version
        from {{ rows }} as d
        where {{ partition_by }} in (select {{ partition_by }} from {{ rows }} as k group by {{ partition_by }} having count(*) > 1)
    ) as r on r.{{ partition_by }} = t.{{ partition_by }} and r._file = t._file and r._line = t._line
{%- endif %}
{% endmacro %}

{# kind → (SQL partition key, how the key reads to an analyst) #}
{% macro version_keys() %}
    {{ return({
        'ad_spend': ("date, lower(trim(platform)), coalesce(account_id, ''), coalesce(campaign_id, ''), trim(campaign_name)",
                     'date, platform, account and campaign'),
        'ad_spend_totals': ("date, lower(trim(platform)), account_id", 'date, platform and account'),
        'sessions': ('session_id', 'session_id'),
        'leads': ('lead_id', 'lead_id'),
        'orders': ('order_id', 'order_id'),
        'fx_rates': ('date, currency', 'date and currency'),
        'traffic_daily': ("date, lower(trim(source)), coalesce(lower(trim(medium)), ''), coalesce(lower(trim(campaign)), '')",
                          'date, source, medium and campaign'),
    }) }}
{% endmacro %}

{#
  The incremental models rebuild every day from tonight's start day (int_rebuild_window) on:
  a pre-hook deletes those days, the model inserts them again. On the first night, after a change
  to the project or the run settings, and with `mkpi run --full-refresh`, their tables start empty
  and are built whole, from the same SQL.
#}

{# kind → (key, event time) of the landing tables the incremental models rebuild by day (vars: mkpi_rebuilt_kinds). #}
{% macro rebuilt_kinds() %}
    {{ return(var('mkpi_rebuilt_kinds')) }}
{% endmacro %}

{# A column of tonight's rebuild window, as a scalar subquery. #}
{% macro rebuild_window(column) -%}
    (select {{ column }} from {{ ref('int_rebuild_window') }})
{%- endmacro %}

{# Pre-hook: delete the days this night rebuilds. #}
{% macro delete_rebuilt_days(date_column, window_column) -%}
    {% if is_incremental() %}
    delete from {{ this }} where {{ date_column }} >= {{ rebuild_window(window_column) }}
    {% endif %}
{%- endmacro %}

{#
  The landing keys with any version on or after the window's start: every version of each stays in,
  so deduplicating them picks the same row a full build picks.
#}
{% macro keys_to_rebuild(kind) -%}
    {%- set key, at_column = rebuilt_kinds()[kind] -%}
    {{ key }} in (
        select {{ key }} from {{ source('landing', kind) }}
        where {{ at_column }} >= {{ rebuild_window('landing_rows_from') }}
    )
{%- endmacro %}

{# Pre-hook of int_repeated_keys: tonight's changed keys are counted again. #}
{% macro forget_changed_keys() -%}
    {% if is_incremental() %}
    delete from {{ this }} where (kind, row_key) in (select kind, row_key from {{ ref('stg_landing__row_changes') }})
    {% endif %}
{%- endmacro %}

{# The landing rows an incremental model reads: tonight's keys when incremental, else all. #}
{% macro rows_to_rebuild(kind) -%}
    {{ return(keys_to_rebuild(kind) if is_incremental() else none) }}
{%- endmacro %}

{# The staged rows an incremental model reads: tonight's keys when incremental, else the staging view. #}
{% macro staged_to_rebuild(kind) -%}
    {% if is_incremental() %}
    {{ {'sessions': staged_sessions, 'leads': staged_leads}[kind](where=keys_to_rebuild(kind)) }}
    {% else %}
    select * from {{ ref('stg_landing__' ~ kind) }}
    {% endif %}
{%- endmacro %}

{# Post-hook of int_attribution_visitor_paths: a rebuilt visitor whose sessions all went away. #}
{% macro forget_visitors_without_sessions() -%}
    {% if is_incremental() %}
    delete from {{ this }} where last_session_date is null
    {% endif %}
{%- endmacro %}

{# A tracking setting: mkpi.yml's override for this run, else the default in dbt_project.yml. #}
{% macro tracking_setting(name) -%}
    {%- set overrides = var('mkpi_tracking_overrides', {}) -%}
    {{ return(overrides[name] if name in overrides else var('mkpi_tracking')[name]) }}
{%- endmacro %}

{% macro tracking_severity(check_name) -%}
    {%- set overrides = var('mkpi_tracking_overrides', {}).get('severity', {}) -%}
    {{ return(overrides.get(check_name, var('mkpi_tracking')['severity'][check_name])) }}
{%- endmacro %}

{# The columns every check model gives (vars: mkpi_tracking_issue_columns), name → its SQL type. #}
{% macro tracking_issue_columns() -%}
    {%- set types = {'text': dbt.type_string(), 'date': 'date', 'count': dbt.type_bigint(), 'money': money_type()} -%}
    {%- set columns = {} -%}
    {%- for name, kind in var('mkpi_tracking_issue_columns').items() -%}
        {%- do columns.update({name: types[kind]}) -%}
    {%- endfor -%}
    {{ return(columns) }}
{%- endmacro %}

{# The checks' window: from the as-of date minus lookback_days to the as-of date. #}
{% macro in_tracking_window(date_column) -%}
    {{ date_column }} between
        (select {{ dbt.dateadd('day', -1 * tracking_setting('lookback_days'), 'as_of_date') }}
         from {{ ref('stg_landing__run_settings') }})
        and (select as_of_date from {{ ref('stg_landing__run_settings') }})
{%- endmacro %}

{# Mediums that mean paid traffic (GA4's paid regex plus display buying models). #}
{% macro is_paid_medium(medium) -%}
    {{ regex_matches(medium, "'^(.*cp.*|ppc|retargeting|paid.*|display|banner)$'") }}
{%- endmacro %}

{# A comma-separated list of the distinct values of `expression` in a group. #}
{% macro distinct_list(expression) -%}
    {{ return(engine_dispatch('distinct_list')(expression)) }}
{%- endmacro %}
{% macro default__distinct_list(expression) -%}
    concat_ws(', ', sort_array(collect_set({{ expression }})))
{%- endmacro %}
{% macro duckdb__distinct_list(expression) -%}
    string_agg(distinct {{ expression }}, ', ' order by {{ expression }})
{%- endmacro %}

{# The trailing median of `value` over the `days` rows before this one. #}
{% macro trailing_median(value, partition_by, order_by, days) -%}
    {{ return(engine_dispatch('trailing_median')(value, partition_by, order_by, days)) }}
{%- endmacro %}
{% macro default__trailing_median(value, partition_by, order_by, days) -%}
    percentile({{ value }}, 0.5) over (partition by {{ partition_by }} order by {{ order_by }}
        rows between {{ days }} preceding and 1 preceding)
{%- endmacro %}
{% macro duckdb__trailing_median(value, partition_by, order_by, days) -%}
    median({{ value }}) over (partition by {{ partition_by }} order by {{ order_by }}
        rows between {{ days }} preceding and 1 preceding)
{%- endmacro %}

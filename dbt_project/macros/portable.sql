{#
  Functions whose spelling differs between engines. Models call these, never the engine's own
  function, so the project runs unchanged on DuckDB and Spark.
#}

{% macro regex_matches(value, pattern) -%}
    {{ return(engine_dispatch('regex_matches')(value, pattern)) }}
{%- endmacro %}
{% macro default__regex_matches(value, pattern) -%}
    ({{ value }} rlike {{ pattern }})
{%- endmacro %}
{% macro duckdb__regex_matches(value, pattern) -%}
    regexp_matches({{ value }}, {{ pattern }})
{%- endmacro %}

{% macro url_decode(value) -%}
    {{ return(engine_dispatch('url_decode')(value)) }}
{%- endmacro %}
{% macro default__url_decode(value) -%}
    url_decode({{ value }})
{%- endmacro %}
{% macro duckdb__url_decode(value) -%}
    url_decode(replace({{ value }}, '+', ' '))
{%- endmacro %}

{% macro to_local_timestamp(ts, time_zone) -%}
    {{ return(engine_dispatch('to_local_timestamp')(ts, time_zone)) }}
{%- endmacro %}
{% macro default__to_local_timestamp(ts, time_zone) -%}
    from_utc_timestamp({{ ts }}, {{ time_zone }})
{%- endmacro %}
{% macro duckdb__to_local_timestamp(ts, time_zone) -%}
    timezone({{ time_zone }}, {{ ts }})
{%- endmacro %}

{# The value of query parameter `name` in `url` (case-insensitive name), URL-decoded; NULL if absent or empty. #}
{% macro url_param(url, name) -%}
    nullif({{ url_decode("regexp_extract(" ~ url ~ ", '(?i)[?&]" ~ name ~ "=([^&#]*)', 1)") }}, '')
{%- endmacro %}

{# The host of a URL, lower-cased, without port; NULL for an empty or host-less value. #}
{% macro url_host(url) -%}
    nullif(lower(regexp_extract({{ url }}, '^(?:[a-zA-Z][a-zA-Z0-9+.-]*:)?//([^/?#:]+)', 1)), '')
{%- endmacro %}

{# Lower-cased, trimmed text; NULL when empty. #}
{% macro clean_key(value) -%}
    nullif(lower(trim({{ value }})), '')
{%- endmacro %}

{# A ratio is NULL, never 0 or infinity, when its denominator is 0 or missing. #}
{% macro safe_divide(numerator, denominator) -%}
    case when {{ denominator }} is null or {{ denominator }} = 0 then null
         else cast({{ numerator }} as double) / cast({{ denominator }} as double) end
{%- endmacro %}

{# Whole numbers 0 .. 999 from plain SQL, for month offsets. #}
{% macro integers_below_1000() -%}
    select d1.n + 10 * d2.n + 100 * d3.n as n
    from (select 0 as n union all select 1 union all select 2 union all select 3 union all select 4
          union all select 5 union all select 6 union all select 7 union all select 8 union all select 9) d1
    cross join (select 0 as n union all select 1 union all select 2 union all select 3 union all select 4
          union all select 5 union all select 6 union all select 7 union all select 8 union all select 9) d2
    cross join (select 0 as n union all select 1 union all select 2 union all select 3 union all select 4
          union all select 5 union all select 6 union all select 7 union all select 8 union all select 9) d3
{%- endmacro %}

{# A timestamp with time zone as local time, and as a local date, in the run's reporting time zone. #}
{% macro reporting_timestamp(ts) -%}
    {{ to_local_timestamp(ts, "(select reporting_timezone from " ~ ref('stg_landing__run_settings') ~ ")") }}
{%- endmacro %}
{% macro reporting_date(ts) -%}
    cast({{ reporting_timestamp(ts) }} as date)
{%- endmacro %}

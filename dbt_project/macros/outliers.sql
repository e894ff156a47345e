{#
  The outlier checks' rule (spend_outlier, order_outlier): a value is far outside its own history when
  it is at least `min_ratio` × the history's median AND more than `outlier_spread` typical spreads
  above that median on a log scale. The typical spread is 1.4826 × the median absolute deviation of
  the history's logarithms (the robust stand-in for a standard deviation): a few extreme days or
  orders in the history cannot move it. Money varies by ratios (a weekend at −30 %, a campaign
  doubled), hence the logarithm; the ratio floor keeps a very steady history from flagging ordinary
  days.
#}
{% macro outlier_threshold(median, mad_log, min_ratio) -%}
    greatest({{ min_ratio }} * {{ median }},
             {{ median }} * exp({{ tracking_setting('outlier_spread') }} * 1.4826 * {{ mad_log }}))
{%- endmacro %}

{# The median of a group (an aggregate, not a window). #}
{% macro median_of(expression) -%}
    {{ return(engine_dispatch('median_of')(expression)) }}
{%- endmacro %}
{% macro default__median_of(expression) -%}
    percentile({{ expression }}, 0.5)
{%- endmacro %}
{% macro duckdb__median_of(expression) -%}
    median({{ expression }})
{%- endmacro %}

{# The outlier checks' settings row: the as-of date, the reporting currency and the checks' window start. #}
{% macro outlier_settings() %}
    select as_of_date, reporting_currency,
           {{ dbt.dateadd('day', -1 * tracking_setting('lookback_days'), 'as_of_date') }} as window_start
    from {{ ref('stg_landing__run_settings') }}
{% endmacro %}

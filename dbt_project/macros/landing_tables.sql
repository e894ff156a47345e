{#
  The landing tables dbt reads as sources. On DuckDB they are already in the warehouse file. On
  Spark, mkpi writes them as Parquet (one folder per table, MKPI_LANDING_PARQUET) and this hook,
  run before every build, registers each as an external table of the `landing` schema.
#}
{% macro register_landing_tables() -%}
    {{ return(adapter.dispatch('register_landing_tables', 'mkpi')()) }}
{%- endmacro %}

{% macro default__register_landing_tables() -%}
    select 1
{%- endmacro %}

{% macro spark__register_landing_tables() -%}
    {% if execute %}
    {% set folder = env_var('MKPI_LANDING_PARQUET') %}
    {% do run_query('create database if not exists landing') %}
    {% for table in graph.sources.values() | selectattr('source_name', 'equalto', 'landing') %}
        {% do run_query('drop table if exists landing.' ~ table.name) %}
        {% do run_query("create table landing." ~ table.name ~ " using parquet location '" ~ folder ~ "/" ~ table.name ~ ".parquet'") %}
    {% endfor %}
    {% endif %}
    select 1
{%- endmacro %}

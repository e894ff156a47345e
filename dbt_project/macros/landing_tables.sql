{#
  The landing tables dbt reads as sources. On DuckDB they are already in the warehouse file. On
  Spark, mkpi writes them as Parquet (one file per table, in MKPI_LANDING_PARQUET) and this hook,
  run before every Spark build (dbt_project.yml), registers each as an external table of `landing`.
#}
{% macro register_landing_tables() -%}
    {% set folder = env_var('MKPI_LANDING_PARQUET', '') %}
    {% if execute and not folder %}
        {% do exceptions.raise_compiler_error("MKPI_LANDING_PARQUET is not set: run dbt on Spark through `mkpi run --engine spark`, which writes the landing Parquet files there") %}
    {% endif %}
    {% if execute %}
    {% do run_query('create database if not exists landing') %}
    {% for table in graph.sources.values() | selectattr('source_name', 'equalto', 'landing') %}
        {% do run_query('drop table if exists landing.' ~ table.name) %}
        {% do run_query("create table landing." ~ table.name ~ " using parquet location '" ~ folder ~ "/" ~ table.name ~ ".parquet'") %}
    {% endfor %}
    {% endif %}
    select 1
{%- endmacro %}

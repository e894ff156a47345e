{#
  adapter.dispatch for mkpi's engine-specific macros. The portability lint (tests/test_portability.py)
  compiles the project on DuckDB with the var `mkpi_lint_engine: spark`, so these macros render
  their Spark versions and the lint sees the SQL Spark would run, without starting Spark.
#}
{% macro engine_dispatch(name) %}
    {% set engine = var('mkpi_lint_engine', none) %}
    {% if engine %}
        {{ return(context.get(engine ~ '__' ~ name) or context.get('default__' ~ name)) }}
    {% endif %}
    {# Through a name: dbt's static parser accepts adapter.dispatch only with a literal macro name. #}
    {% set dispatch = adapter.dispatch %}
    {{ return(dispatch(name, 'mkpi')) }}
{% endmacro %}

{{ config(contract={'enforced': target.type == 'duckdb'}) }}
{#
  One row per tracking problem found in the checks' window, from the model int_tracking__<check> of
  every check in the registry (dbt_project.yml vars: mkpi_tracking.severity, check → default
  severity). issue_key identifies the same problem night after night, for alert de-duplication.
  Its columns and types are an enforced contract on DuckDB (models/marts/_marts__models.yml).
  Each check's title in English and Chinese: dbt_project.yml, vars: mkpi_tracking_texts.
#}

{# Stacked by column name (never by position), each column cast to its one type. #}
with found as (
    {% for check in var('mkpi_tracking')['severity'] %}
    select
        {% for column, type in tracking_issue_columns().items() -%}
        cast({{ column }} as {{ type }}) as {{ column }}{{ ',' if not loop.last }}
        {% endfor -%}
    from {{ ref('int_tracking__' ~ check) }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select
    (select as_of_date from {{ ref('stg_landing__run_settings') }}) as detected_on,
    f.check_name,
    case f.check_name
        {% for name in var('mkpi_tracking')['severity'] %}
        when '{{ name }}' then '{{ tracking_severity(name) }}'
        {% endfor %}
    end as severity,
    {% for lang in ('en', 'zh') %}
    case f.check_name
        {% for name in var('mkpi_tracking')['severity'] %}
        when '{{ name }}' then '{{ var('mkpi_tracking_texts')[name].title[lang] | replace("'", "''") }}'
        {% endfor %}
    end as check_title{{ '' if lang == 'en' else '_zh' }},
    {% endfor %}
    f.channel,
    f.medium,
    f.campaign,
    f.period_start,
    f.period_end,
    f.rows_affected,
    f.spend_affected,
    f.example,
    f.message,
    f.message_zh,
    f.check_name || '|' || coalesce(f.channel, '') || '|' || coalesce(f.medium, '') || '|' || coalesce(f.campaign, '')
        || '|' || coalesce(f.subject, '') as issue_key
from found as f

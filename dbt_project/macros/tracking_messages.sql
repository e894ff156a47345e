{#
  A tracking check's message in English and Chinese (the columns message and message_zh, each followed
  by a comma: the column subject comes next), from its templates in dbt_project.yml (vars:
  mkpi_tracking_texts, with the checks' registry):

    unknown_campaign:
      message: {en: "utm_campaign '{campaign}' … {hint}", zh: "…"}
      parts:   {hint: {when: has_suggestion, en: " (did you mean '{suggestion}'?)", zh: "（…）"}}

  `values` maps each {name} to a SQL expression of the model. A part is shown when its `when` value is
  true, else left out. A name the model does not give fails the build, naming the check and language.
#}
{% macro tracking_message_columns(check, values) -%}
    {%- set texts = var('mkpi_tracking_texts')[check] -%}
    {%- for lang in ['en', 'zh'] -%}
        {{ render_tracking_template(check, texts.message[lang], values, texts.get('parts', {}), lang) }}
            as message{{ '' if lang == 'en' else '_zh' }},
    {% endfor -%}
{%- endmacro %}

{% macro render_tracking_template(check, template, values, parts, lang) -%}
    {%- set sql = [] -%}
    {%- for piece in modules.re.split('\\{(\\w+)\\}', template) -%}
        {%- if loop.index0 % 2 == 0 -%}
            {%- if piece -%}{%- do sql.append("'" ~ piece | replace("'", "''") ~ "'") -%}{%- endif -%}
        {%- elif piece in parts -%}
            {%- set part = parts[piece] -%}
            {%- do sql.append("case when " ~ values[part.when] ~ " then "
                              ~ render_tracking_template(check, part[lang], values, {}, lang) ~ " else '' end") -%}
        {%- elif piece in values -%}
            {%- do sql.append("coalesce(cast(" ~ values[piece] ~ " as " ~ dbt.type_string() ~ "), '')") -%}
        {%- else -%}
            {{ exceptions.raise_compiler_error("The " ~ lang ~ " message of the check " ~ check ~ " names {" ~ piece
                ~ "}, which the model does not give (it gives: " ~ values.keys() | sort | join(', ') ~ ")") }}
        {%- endif -%}
    {%- endfor -%}
    {{ return('(' ~ (sql | join(' || ')) ~ ')') }}
{%- endmacro %}

{#
  Multi-touch attribution's shared pieces (the contract: docs/attribution.md). A path is built from a
  relation of touches (path_id, touched_at, touch_order, session_id, channel, medium, campaign) after
  the lookback, by the rules in the contract's order: the direct rule, the path transform, the last
  lookback_steps touches. The settings come from stg_landing__run_settings (mkpi.yml `attribution:`).
#}

{# CTE definitions (no leading `with`) that end in `<name>`: one row per kept touch with touch_index
   (1…n) and touches (n), and the touches' `carry` columns. `settings` must be a CTE of the caller holding
   stg_landing__run_settings. #}
{% macro attribution_path_ctes(touches, name, carry=[]) %}
{%- set split = split_single_touch_paths() %}
{{ name }}_directed as (
    select t.*,
        max(case when t.channel <> '(direct)' then 1 else 0 end) over (partition by t.path_id) as has_other_channel,
        count(*) over (partition by t.path_id) as raw_touches
    from {{ touches }} as t
),
{% if split %}
{# A path of one touch is that touch under every rule: it skips the sorts below (most paths at scale). #}
{{ name }}_single as (
    select
        d.path_id, d.touched_at, d.session_id, d.channel, d.medium, d.campaign,
        {%- for column in carry %} d.{{ column }},{% endfor %}
        cast(1 as bigint) as touch_index, cast(1 as bigint) as touches
    from {{ name }}_directed as d
    where d.raw_touches = 1
),
{% endif %}
{{ name }}_positioned as (
    select d.*,
        row_number() over (partition by d.path_id order by d.touched_at, d.touch_order, d.session_id) as position
    from {{ name }}_directed as d
    cross join settings as s
    where {% if split %}d.raw_touches > 1 and {% endif -%}
        (s.attribution_direct = 'keep' or d.channel <> '(direct)' or d.has_other_channel = 0)
),
{{ name }}_neighboured as (
    select p.*,
        lead(p.channel) over (partition by p.path_id order by p.position) as next_channel,
        row_number() over (partition by p.path_id, p.channel order by p.position) as channel_occurrence
    from {{ name }}_positioned as p
),
{{ name }}_transformed as (
    select n.*,
        row_number() over (partition by n.path_id order by n.position desc) as from_end
    from {{ name }}_neighboured as n
    cross join settings as s
    where case s.attribution_path_transform
        when 'none' then true
        when 'exposure' then n.next_channel is null or n.next_channel <> n.channel
        else n.channel_occurrence = 1
    end
),
{{ name }} as (
    select
        x.path_id, x.touched_at, x.session_id, x.channel, x.medium, x.campaign,
        {%- for column in carry %} x.{{ column }},{% endfor %}
        row_number() over (partition by x.path_id order by x.position) as touch_index,
        count(*) over (partition by x.path_id) as touches
    from {{ name }}_transformed as x
    cross join settings as s
    where s.attribution_lookback_steps = 0 or x.from_end <= s.attribution_lookback_steps
    {% if split %}
    union all
    select * from {{ name }}_single
    {% endif %}
)
{% endmacro %}

{# A select of each path's string (path_id, the `carry` columns' largest value, path): its channels joined
   with ' > '. Most paths have one touch; their string is its channel, without the ordered aggregate's
   sort per group (which took two thirds of the visitor paths' time at 6M visitors). #}
{% macro attribution_path_strings(paths, carry=[]) %}
    {% if split_single_touch_paths() %}
    select path_id, {% for column in carry %}{{ column }}, {% endfor %}channel as path
    from {{ paths }}
    where touches = 1
    union all
    {% endif %}
    select
        path_id, {% for column in carry %}max({{ column }}) as {{ column }}, {% endfor %}
        {{ ordered_join('channel', 'touch_index', "' > '") }} as path
    from {{ paths }}
    {% if split_single_touch_paths() %}where touches > 1{% endif %}
    group by path_id
{% endmacro %}

{# Single-touch paths take a short way on DuckDB only: on Spark 4 (Scala 2.13) a plan with this union
   under the path joins failed to deserialize in its task (ClassCastException on UnionExec.children, the
   unit test attribution_paths_first_occurrence_direct_kept_last_two_steps), and Spark's sorts are not
   where its time goes. Both ways give the same rows (the parity test compares the marts). #}
{% macro split_single_touch_paths() %}
    {{ return(target.type == 'duckdb') }}
{% endmacro %}

{# Whether `earlier` is at most attribution_lookback_days before `later` (timestamps); the caller has
   the run settings as `s` in its from clause. #}
{% macro within_lookback(earlier, later) -%}
    ({{ earlier }} <= {{ later }}
     and {{ epoch_seconds(later) }} - {{ epoch_seconds(earlier) }} <= s.attribution_lookback_days * 86400)
{%- endmacro %}

{% macro epoch_seconds(ts) -%}
    {{ return(engine_dispatch('epoch_seconds')(ts)) }}
{%- endmacro %}
{% macro default__epoch_seconds(ts) -%}
    unix_timestamp({{ ts }})
{%- endmacro %}
{% macro duckdb__epoch_seconds(ts) -%}
    epoch({{ ts }})
{%- endmacro %}

{# The values of a group joined in the order of `order_by`: a path's channels as one string. #}
{% macro ordered_join(value, order_by, separator) -%}
    {{ return(engine_dispatch('ordered_join')(value, order_by, separator)) }}
{%- endmacro %}
{% macro default__ordered_join(value, order_by, separator) -%}
    concat_ws({{ separator }}, transform(sort_array(collect_list(named_struct('o', {{ order_by }}, 'v', {{ value }}))), x -> x.v))
{%- endmacro %}
{% macro duckdb__ordered_join(value, order_by, separator) -%}
    string_agg({{ value }}, {{ separator }} order by {{ order_by }})
{%- endmacro %}

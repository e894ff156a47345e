{#
  The normalized source of each raw source value in `raw_values` (a relation or CTE with a column
  raw_value): an exact alias first, then, for host names, an alias of the registrable domain, then
  the registrable domain itself; other values stay as they are. A pure function of the value and
  the seeds, so int_sessions_normalized resolves its own keys with it and agrees with
  int_source_lookup.
#}
{% macro resolve_sources(raw_values) %}
with aliases as (
    select lower(trim(alias)) as alias, lower(trim(source)) as source from {{ ref('source_aliases') }}
),

parsed as (
    select
        raw_value,
        {{ regex_matches('raw_value', "'^[a-z0-9-]+([.][a-z0-9-]+)+$'") }} as is_host,
        regexp_extract(raw_value, '([^.]+[.][^.]+)$', 1) as last_two_labels,
        regexp_extract(raw_value, '([^.]+[.][^.]+[.][^.]+)$', 1) as last_three_labels
    from {{ raw_values }}
    where raw_value is not null
),

domains as (
    select
        p.raw_value,
        case
            when not p.is_host then null
            when s.suffix is not null and p.last_three_labels <> '' then p.last_three_labels
            else p.last_two_labels
        end as registrable_domain
    from parsed as p
    left join {{ ref('public_suffixes') }} as s on s.suffix = p.last_two_labels
)

select
    d.raw_value,
    d.registrable_domain,
    coalesce(exact.source, by_domain.source, d.registrable_domain, d.raw_value) as source,
    case
        when exact.source is not null then 'alias'
        when by_domain.source is not null then 'domain_alias'
        when d.registrable_domain is not null then 'domain'
        else 'as_tagged'
    end as matched_by
from domains as d
left join aliases as exact on exact.alias = d.raw_value
left join aliases as by_domain on by_domain.alias = d.registrable_domain
{% endmacro %}

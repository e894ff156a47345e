{#
  Every raw source value seen anywhere (utm_source, referrer host, ad platform) and the
  normalized source it reports under (macro resolve_sources). Built on distinct values only, so
  its cost does not grow with the number of sessions.
#}
with raw_values as (
    select distinct source_key as raw_value from {{ ref('int_session_source_keys') }}
    union
    select distinct utm_source from {{ ref('stg_landing__leads') }} where utm_source is not null
    union
    select distinct source_key from {{ ref('stg_landing__traffic_aggregates') }}
    union
    select distinct lower(trim(utm_source)) from {{ ref('ad_platforms') }}
    union
    select distinct platform from {{ ref('stg_landing__ad_spend') }}
)

select * from ({{ resolve_sources('raw_values') }}) as resolved

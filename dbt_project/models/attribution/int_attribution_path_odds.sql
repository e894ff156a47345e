{#
  The data-driven model's table (docs/attribution.md): for each distinct path (its channels joined with
  ' > '), how many leads converted on it and how many visitors who never became a lead had it (their
  path as built in int_attribution_visitor_paths). Leads without a touch count in no path. Built whole
  each night from the two stored path tables: a count over them is cheaper than keeping counts right
  as leads and visitors come and go (docs/attribution.md, "What it costs").
#}
with converting as (
    select path
    from {{ ref('int_attribution_touches') }}
    where touch_index = 1 and path is not null
),

lead_visitors as (
    select distinct visitor_id from {{ ref('int_leads_attributed') }} where visitor_id is not null
),

non_converting as (
    select vp.path
    from {{ ref('int_attribution_visitor_paths') }} as vp
    left join lead_visitors as lv on lv.visitor_id = vp.visitor_id
    where lv.visitor_id is null
),

counted as (
    select path, 1 as conversions, 0 as non_conversions from converting
    union all
    select path, 0, 1 from non_converting
)

select
    path,
    sum(conversions) as conversions,
    sum(non_conversions) as non_conversions,
    cast(sum(conversions) as double) / (sum(conversions) + sum(non_conversions)) as conversion_probability
from counted
group by path

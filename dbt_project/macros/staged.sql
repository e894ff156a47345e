{#
  The staging of the two tables that grow with history, as macros: stg_landing__sessions and
  stg_landing__leads are these without `where`; the incremental models call them with a set of
  keys so that only those keys are deduplicated and parsed, not the whole history.
#}

{# One row per session (its latest version) with its UTM evidence, touch type and source key. #}
{% macro staged_sessions(where=none) %}
with ranked as (
    {{ versioned('sessions', version_keys()['sessions'][0], where) }}
),

latest as (
    select * from ranked where _version = 1
),

{# Each distinct landing URL parsed once: far fewer URLs than sessions, and eight regular expressions each.
   Read from the landing rows (a superset of the latest versions') so `latest` is not kept whole in memory. #}
landing_urls as (
    select
        landing_url,
        {{ url_param('landing_url', 'utm_source') }} as url_utm_source,
        {{ url_param('landing_url', 'utm_medium') }} as url_utm_medium,
        {{ url_param('landing_url', 'utm_campaign') }} as url_utm_campaign,
        lower(trim({{ url_param('landing_url', 'utm_content') }})) as url_utm_content,
        lower(trim({{ url_param('landing_url', 'utm_term') }})) as url_utm_term,
        {{ url_param('landing_url', 'gclid') }} is not null as has_gclid,
        {{ url_param('landing_url', 'msclkid') }} is not null as has_msclkid,
        {{ url_param('landing_url', 'fbclid') }} is not null as has_fbclid,
        {# The ad platform whose click id the URL carries (vars mkpi_click_ids, in order), for untagged clicks. #}
        case
            {%- for parameter, platform in var('mkpi_click_ids').items() %}
            when {{ url_param('landing_url', parameter) }} is not null then '{{ platform }}'
            {%- endfor %}
        end as click_platform
    from (
        select distinct landing_url from {{ source('landing', 'sessions') }}
        where landing_url is not null {% if where %}and {{ where }}{% endif %}
    ) as u
),

clicked_urls as (
    select
        u.*,
        lower(trim(p.utm_source)) as click_source,
        lower(trim(p.default_medium)) as click_medium
    from landing_urls as u
    left join {{ ref('ad_platforms') }} as p on p.platform = u.click_platform
),

exported as (
    select
        l.*,
        case when trim(l.utm_source) <> '' then l.utm_source end as column_utm_source,
        case when trim(l.utm_medium) <> '' then l.utm_medium end as column_utm_medium,
        case when trim(l.utm_campaign) <> '' then l.utm_campaign end as column_utm_campaign,
        u.url_utm_source,
        u.url_utm_medium,
        u.url_utm_campaign,
        u.url_utm_content,
        u.url_utm_term,
        coalesce(u.has_gclid, false) as has_gclid,
        coalesce(u.has_msclkid, false) as has_msclkid,
        coalesce(u.has_fbclid, false) as has_fbclid,
        u.click_source,
        u.click_medium
    from latest as l
    left join clicked_urls as u on u.landing_url = l.landing_url
),

evidence as (
    select
        session_id,
        started_at,
        visitor_id,
        landing_url,
        referrer,
        {# As exported (columns, else URL): the tracking checks look for spelling variants here. #}
        coalesce(column_utm_source, url_utm_source) as exported_utm_source,
        coalesce(column_utm_medium, url_utm_medium) as exported_utm_medium,
        coalesce(column_utm_campaign, url_utm_campaign) as exported_utm_campaign,
        {# Both spellings, lower-cased, for the check that columns and URL agree. #}
        lower(trim(column_utm_source)) as column_source_key,
        lower(trim(url_utm_source)) as url_source_key,
        lower(trim(column_utm_medium)) as column_medium_key,
        lower(trim(url_utm_medium)) as url_medium_key,
        lower(trim(column_utm_campaign)) as column_campaign_key,
        lower(trim(url_utm_campaign)) as url_campaign_key,
        lower(trim(coalesce(column_utm_source, url_utm_source))) as tagged_source,
        lower(trim(coalesce(column_utm_medium, url_utm_medium))) as tagged_medium,
        lower(trim(coalesce(column_utm_campaign, url_utm_campaign))) as tagged_campaign,
        coalesce({{ clean_key('utm_content') }}, url_utm_content) as utm_content,
        coalesce({{ clean_key('utm_term') }}, url_utm_term) as utm_term,
        has_gclid,
        has_msclkid,
        has_fbclid,
        click_source,
        click_medium,
        {{ url_host('referrer') }} as referrer_host,
        _file,
        _line
    from exported
)

select
    *,
    case
        when tagged_source is not null or tagged_medium is not null or tagged_campaign is not null then 'utm'
        when click_source is not null then 'click_id'
        when referrer_host is not null then 'referral'
        else 'direct'
    end as touch_type,
    case
        when tagged_source is not null or tagged_medium is not null or tagged_campaign is not null
            then coalesce(tagged_source, '(not set)')
        when click_source is not null then click_source
        when referrer_host is not null then referrer_host
        else '(direct)'
    end as source_key
from evidence
{% endmacro %}

{#
  Every source key staged_sessions(where) can give a session, from the landing rows' distinct column
  values, URLs and referrers: a superset (versions and keys no session ends with included), which the
  source lookup is built from without staging the sessions a second time. It follows `source_key`
  above; the not-null test on int_sessions_normalized.source fails the build if they ever part.
#}
{% macro session_source_keys(where=none) %}
{#- One scan of the rows (tonight's keys on an incremental night), its few distinct values read three ways. #}
with combos as (
    select distinct
        case when trim(utm_source) <> '' then lower(trim(utm_source)) end as column_key, landing_url, referrer
    from {{ source('landing', 'sessions') }}
    {% if where %}where {{ where }}{% endif %}
)

select column_key as raw_value from combos
union
select lower(trim({{ url_param('landing_url', 'utm_source') }})) from (select distinct landing_url from combos) as u
union
select {{ url_host('referrer') }} from (select distinct referrer from combos) as r
union
select lower(trim(utm_source)) from {{ ref('ad_platforms') }}
{%- for fixed in ['(not set)', '(direct)'] %}
union
select '{{ fixed }}'
{%- endfor %}
{% endmacro %}

{# One row per lead (its latest version), keys cleaned. #}
{% macro staged_leads(where=none) %}
with ranked as (
    {{ versioned('leads', version_keys()['leads'][0], where) }}
)

select
    lead_id,
    created_at,
    visitor_id,
    {{ clean_key('lead_source') }} as lead_source,
    {{ clean_key('utm_source') }} as utm_source,
    {{ clean_key('utm_medium') }} as utm_medium,
    {{ clean_key('utm_campaign') }} as utm_campaign,
    {{ clean_key('status') }} as status,
    _file,
    _line
from ranked
where _version = 1
{% endmacro %}

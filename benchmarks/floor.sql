-- The floor mkpi's full build is compared with: the channel-day metrics written by hand as one
-- DuckDB script over the same CSV exports (normalize sources, attribute leads to their own tags or
-- their visitor's first session, convert order amounts, first orders as new customers, one daily
-- table). No quarantine, no tests, no provenance: the least work that yields the same numbers.
-- {dir} and {seeds} are filled in by benchmarks/bench.py.
SET TimeZone = 'UTC';

CREATE TABLE aliases AS SELECT lower(trim(alias)) AS alias, lower(trim(source)) AS source
FROM read_csv('{seeds}/source_aliases.csv', header = true, all_varchar = true);
CREATE TABLE platforms AS SELECT * FROM read_csv('{seeds}/ad_platforms.csv', header = true, all_varchar = true);
CREATE TABLE invalid AS SELECT lower(status) AS status FROM read_csv('{seeds}/invalid_order_statuses.csv', header = true, all_varchar = true);

CREATE TABLE sessions AS
SELECT session_id, TRY_CAST(started_at AS TIMESTAMPTZ) AS started_at, visitor_id,
       lower(trim(coalesce(nullif(utm_source, ''), regexp_extract(landing_url, '[?&]utm_source=([^&#]*)', 1)))) AS tag_source,
       lower(trim(coalesce(nullif(utm_medium, ''), regexp_extract(landing_url, '[?&]utm_medium=([^&#]*)', 1)))) AS tag_medium,
       lower(trim(coalesce(nullif(utm_campaign, ''), regexp_extract(landing_url, '[?&]utm_campaign=([^&#]*)', 1)))) AS tag_campaign,
       landing_url LIKE '%gclid=%' AS gclid,
       nullif(regexp_extract(referrer, '^[a-z]+://([^/:?#]+)', 1), '') AS referrer_host
FROM read_csv('{dir}/sessions*.csv', header = true, all_varchar = true, union_by_name = true);

-- Normalize the distinct raw sources only, then join back.
CREATE TABLE raw_sources AS
SELECT raw, coalesce(a.source, nullif(regexp_extract(raw, '([^.]+)[.][^.]+$', 1), ''), raw) AS source
FROM (SELECT DISTINCT coalesce(nullif(tag_source, ''), CASE WHEN gclid THEN 'google' END, referrer_host, '(direct)') AS raw
      FROM sessions) AS r
LEFT JOIN aliases AS a ON a.alias = r.raw;

CREATE TABLE sessions_n AS
SELECT s.session_id, s.visitor_id, s.started_at, s.started_at::DATE AS day, rs.source,
       CASE WHEN nullif(s.tag_source, '') IS NOT NULL OR nullif(s.tag_medium, '') IS NOT NULL THEN coalesce(nullif(s.tag_medium, ''), '(not set)')
            WHEN s.gclid THEN 'cpc' WHEN s.referrer_host IS NOT NULL THEN 'referral' ELSE '(none)' END AS medium,
       coalesce(nullif(s.tag_campaign, ''), '(not set)') AS campaign
FROM sessions AS s
JOIN raw_sources AS rs ON rs.raw = coalesce(nullif(s.tag_source, ''), CASE WHEN s.gclid THEN 'google' END, s.referrer_host, '(direct)');

CREATE TABLE first_touch AS
SELECT visitor_id, arg_min(source, started_at) AS source, arg_min(medium, started_at) AS medium,
       arg_min(campaign, started_at) AS campaign, min(started_at) AS first_at
FROM sessions_n WHERE visitor_id IS NOT NULL GROUP BY visitor_id;

CREATE TABLE leads AS
SELECT l.lead_id, TRY_CAST(l.created_at AS TIMESTAMPTZ)::DATE AS day,
       coalesce(a.source, lower(trim(nullif(l.utm_source, ''))), f.source, '(unattributed)') AS source,
       coalesce(lower(trim(nullif(l.utm_medium, ''))), f.medium, '(unattributed)') AS medium,
       coalesce(lower(trim(nullif(l.utm_campaign, ''))), f.campaign, '(unattributed)') AS campaign
FROM read_csv('{dir}/leads*.csv', header = true, all_varchar = true, union_by_name = true) AS l
LEFT JOIN aliases AS a ON a.alias = lower(trim(l.utm_source))
LEFT JOIN first_touch AS f ON f.visitor_id = l.visitor_id AND f.first_at <= TRY_CAST(l.created_at AS TIMESTAMPTZ)
                           AND nullif(l.utm_source, '') IS NULL;

CREATE TABLE fx AS SELECT TRY_CAST(date AS DATE) AS day, currency, TRY_CAST(rate_to_reporting AS DECIMAL(18, 8)) AS rate
FROM read_csv('{dir}/fx_rates*.csv', header = true, all_varchar = true, union_by_name = true);

CREATE TABLE orders AS
SELECT o.order_id, o.lead_id, TRY_CAST(o.ordered_at AS TIMESTAMPTZ)::DATE AS day,
       round(TRY_CAST(regexp_replace(o.amount, '[^0-9.-]', '', 'g') AS DECIMAL(18, 2)) * CASE WHEN o.currency = 'USD' THEN 1 ELSE fx.rate END, 2) AS amount
FROM read_csv('{dir}/orders*.csv', header = true, all_varchar = true, union_by_name = true) AS o
ASOF LEFT JOIN fx ON fx.currency = o.currency AND TRY_CAST(o.ordered_at AS TIMESTAMPTZ)::DATE >= fx.day
WHERE lower(coalesce(o.status, '')) NOT IN (SELECT status FROM invalid);

CREATE TABLE spend AS
SELECT TRY_CAST(a.date AS DATE) AS day, coalesce(al.source, lower(p.utm_source), lower(a.platform)) AS source,
       coalesce(p.default_medium, 'cpc') AS medium, coalesce(nullif(lower(a.utm_campaign), ''), lower(a.campaign_name)) AS campaign,
       round(TRY_CAST(regexp_replace(a.spend, '[^0-9.-]', '', 'g') AS DECIMAL(18, 2)) * CASE WHEN a.currency = 'USD' THEN 1 ELSE fx.rate END, 2) AS spend,
       TRY_CAST(a.impressions AS BIGINT) AS impressions, TRY_CAST(a.clicks AS BIGINT) AS clicks
FROM read_csv('{dir}/ad_spend*.csv', header = true, all_varchar = true, union_by_name = true) AS a
LEFT JOIN platforms AS p ON lower(p.platform) = lower(a.platform)
LEFT JOIN aliases AS al ON al.alias = lower(p.utm_source)
ASOF LEFT JOIN fx ON fx.currency = a.currency AND TRY_CAST(a.date AS DATE) >= fx.day;

CREATE TABLE channel_daily AS
WITH attributed AS (
    SELECT o.*, l.source, l.medium, l.campaign,
           row_number() OVER (PARTITION BY o.lead_id ORDER BY o.day, o.order_id) AS nth
    FROM orders AS o JOIN leads AS l USING (lead_id)
), unioned AS (
    SELECT day, source, medium, campaign, spend, impressions, clicks, 0 AS sessions, 0 AS leads, 0 AS orders,
           0 AS new_customers, 0 AS revenue FROM spend
    UNION ALL SELECT day, source, medium, campaign, 0, 0, 0, count(*), 0, 0, 0, 0 FROM sessions_n GROUP BY ALL
    UNION ALL SELECT day, source, medium, campaign, 0, 0, 0, 0, count(*), 0, 0, 0 FROM leads GROUP BY ALL
    UNION ALL SELECT day, source, medium, campaign, 0, 0, 0, 0, 0, count(*), count(*) FILTER (WHERE nth = 1), sum(amount)
              FROM attributed GROUP BY ALL
)
SELECT day, source, medium, campaign, sum(spend) AS spend, sum(impressions) AS impressions, sum(clicks) AS clicks,
       sum(sessions) AS sessions, sum(leads) AS leads, sum(orders) AS orders, sum(new_customers) AS new_customers,
       sum(revenue) AS revenue, sum(spend) / nullif(sum(leads), 0) AS cpl, sum(spend) / nullif(sum(new_customers), 0) AS cac,
       (sum(revenue) - sum(spend)) / nullif(sum(spend), 0) AS roi
FROM unioned GROUP BY ALL;

CREATE TABLE channel_monthly AS
SELECT date_trunc('month', day) AS month, source, medium, campaign, sum(spend) AS spend, sum(sessions) AS sessions,
       sum(leads) AS leads, sum(new_customers) AS new_customers, sum(revenue) AS revenue
FROM channel_daily GROUP BY ALL;

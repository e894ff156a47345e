"""Every metric of the spec on the tiny organisation, against values worked out by hand.

The fixture (tests/fixtures/tiny_org) is small enough to check on paper; the arithmetic behind
each expected value is in the comments. See docs/metrics.md for the definitions.
"""

from __future__ import annotations

import hashlib

import pytest
from pytest import approx

from tests.conftest import rows

DAILY = """SELECT spend, impressions, clicks, sessions, leads, new_customers, revenue,
                  ctr, cpc, cpl, cac, session_to_lead_rate, roas, roi, returning_revenue_share,
                  online_lead_share, channel_group
           FROM marts.fct_channel_daily WHERE date = ? AND channel = ? AND medium = ? AND campaign = ?"""


def daily(con, day, channel, medium, campaign):
    found = rows(con, DAILY, [day, channel, medium, campaign])
    assert len(found) == 1, f"expected one row for {day} {channel}/{medium}/{campaign}, got {found}"
    names = ["spend", "impressions", "clicks", "sessions", "leads", "new_customers", "revenue", "ctr", "cpc",
             "cpl", "cac", "session_to_lead_rate", "roas", "roi", "returning_revenue_share", "online_lead_share",
             "channel_group"]
    return dict(zip(names, found[0]))


def test_google_day_one_every_metric(tiny):
    # spend 100, 1000 impressions, 50 clicks; sessions s1 (utm parsed from URL) and s2 (" Google "/"CPC"/
    # "Spring_Sale " case and space variants); lead L1; O1 = 500 first order.
    r = daily(tiny, "2026-10-01", "google", "cpc", "spring_sale")
    assert (r["spend"], r["impressions"], r["clicks"], r["sessions"], r["leads"]) == (100, 1000, 50, 2, 1)
    assert (r["new_customers"], r["revenue"]) == (1, 500)
    assert r["ctr"] == approx(50 / 1000)
    assert r["cpc"] == approx(100 / 50)
    assert r["cpl"] == approx(100 / 1)
    assert r["cac"] == approx(100 / 1)
    assert r["session_to_lead_rate"] == approx(1 / 2)
    assert r["roas"] == approx(500 / 100)
    assert r["roi"] == approx((500 - 100) / 100)
    assert r["returning_revenue_share"] == approx(0.0)
    assert r["online_lead_share"] == approx(1.0)
    assert r["channel_group"] == "Paid Search"


def test_google_day_two_repeat_order_and_zero_denominators(tiny):
    # spend 150 ("$150.00"), 2000 impressions, 100 clicks; no session; leads L6 (own utm, offline
    # source "event") and L7 (no utm, visitor v1 whose earliest session s1 was google); O2 = 300 is
    # L1's second order, so revenue is all returning and nobody became a customer.
    r = daily(tiny, "2026-10-02", "google", "cpc", "spring_sale")
    assert (r["spend"], r["sessions"], r["leads"], r["new_customers"], r["revenue"]) == (150, 0, 2, 0, 300)
    assert r["cpl"] == approx(150 / 2)
    assert r["cac"] is None  # 0 new customers: NULL, not 0 and not infinity
    assert r["session_to_lead_rate"] is None  # 0 sessions
    assert r["roas"] == approx(300 / 150)
    assert r["roi"] == approx((300 - 150) / 150)
    assert r["returning_revenue_share"] == approx(1.0)
    assert r["online_lead_share"] == approx(1 / 2)  # L6 came from an offline event


def test_facebook_days_aliases_visitor_attribution_and_fx(tiny):
    # Day 1: spend 40, 500 impressions, 10 clicks; lead L4 tagged "Facebook"/"Autumn".
    d1 = daily(tiny, "2026-10-01", "facebook", "paid_social", "autumn")
    assert (d1["spend"], d1["clicks"], d1["leads"], d1["revenue"]) == (40, 10, 1, 0)
    assert d1["ctr"] == approx(10 / 500) and d1["cpc"] == approx(4.0) and d1["cpl"] == approx(40.0)
    assert d1["roas"] == approx(0.0) and d1["roi"] == approx(-1.0)
    assert d1["returning_revenue_share"] is None  # no revenue
    assert d1["channel_group"] == "Paid Social"
    # Day 2: a zero-spend export row; sessions s4 and s5 (utm_source "fb" → facebook); lead L2 has no
    # utm but visitor v4's session s4 came first; O4 = ¥1,000 × 0.14 (the 10-01 rate, carried forward) = 140.
    d2 = daily(tiny, "2026-10-02", "facebook", "paid_social", "autumn")
    assert (d2["spend"], d2["impressions"], d2["sessions"], d2["leads"]) == (0, 0, 2, 1)
    assert (d2["new_customers"], d2["revenue"]) == (1, 140)
    assert d2["ctr"] is None and d2["cpc"] is None and d2["roas"] is None and d2["roi"] is None
    # A lead and a customer on a day with 0 spend: no cost recorded is not free, so no CPL or CAC.
    assert d2["cpl"] is None and d2["cac"] is None
    assert d2["session_to_lead_rate"] == approx(1 / 2)


def test_gbk_baidu_export_in_cny_is_converted(tiny):
    # GB18030 file: "¥1,400.00" CNY × 0.14 = 196.00 USD; "1,000" impressions; 20 clicks.
    r = daily(tiny, "2026-10-01", "baidu", "cpc", "品牌词")
    assert (r["spend"], r["impressions"], r["clicks"]) == (196, 1000, 20)
    assert r["cpc"] == approx(196 / 20)
    assert r["channel_group"] == "Paid Search"


def test_gclid_only_landing_is_google_cpc(tiny):
    r = daily(tiny, "2026-10-01", "google", "cpc", "(not set)")
    assert r["sessions"] == 1 and r["spend"] == 0 and r["cpc"] is None


def test_unattributed_leads(tiny):
    # L3 (visitor v999 never seen) and L5 (offline "Trade Show", no visitor).
    r = daily(tiny, "2026-10-02", "(unattributed)", "(unattributed)", "(unattributed)")
    assert (r["leads"], r["online_lead_share"], r["cpl"]) == (2, 0.0, None)  # no spend: no CPL
    assert r["channel_group"] == "Unassigned"


def test_every_activity_has_a_row_and_nothing_else(tiny):
    # October: 10 keyed combinations with spend, sessions, leads, orders or revenue (see the fixture).
    keys = rows(tiny, """SELECT date, channel, medium, campaign FROM marts.fct_channel_daily
                        WHERE date BETWEEN '2026-10-01' AND '2026-10-31' ORDER BY ALL""")
    assert [tuple(map(str, k)) for k in keys] == [
        ("2026-10-01", "baidu", "cpc", "品牌词"),
        ("2026-10-01", "facebook", "paid_social", "autumn"),
        ("2026-10-01", "google", "cpc", "(not set)"),
        ("2026-10-01", "google", "cpc", "spring_sale"),
        ("2026-10-01", "wechat", "social", "(not set)"),
        ("2026-10-02", "(direct)", "(none)", "(not set)"),
        ("2026-10-02", "(unattributed)", "(unattributed)", "(unattributed)"),
        ("2026-10-02", "baidu", "organic", "(not set)"),
        ("2026-10-02", "email", "email", "oct news"),
        ("2026-10-02", "facebook", "paid_social", "autumn"),
        ("2026-10-02", "google", "cpc", "spring_sale"),
    ]
    nulls = rows(tiny, """SELECT count(*) FROM marts.fct_channel_daily WHERE spend IS NULL OR sessions IS NULL
                         OR leads IS NULL OR new_customers IS NULL OR revenue IS NULL""")
    assert nulls == [(0,)]


def test_monthly_google_and_lead_to_customer_rate(tiny):
    (r,) = rows(tiny, """SELECT spend, clicks, sessions, leads, converted_leads, lead_to_customer_rate,
                                new_customers, revenue, cpl, cac, roas, roi, returning_revenue_share, online_lead_share
                         FROM marts.fct_channel_monthly
                         WHERE month = '2026-10-01' AND channel = 'google' AND campaign = 'spring_sale'""")
    spend, clicks, sessions, leads, converted, l2c, new, revenue, cpl, cac, roas, roi, returning, online = r
    assert (spend, clicks, sessions, leads, converted, new, revenue) == (250, 150, 2, 3, 1, 1, 800)
    assert l2c == approx(1 / 3)  # of L1, L6, L7 only L1 ordered
    assert cpl == approx(250 / 3) and cac == approx(250.0)
    assert roas == approx(800 / 250) and roi == approx((800 - 250) / 250)
    assert returning == approx(300 / 800)
    assert online == approx(2 / 3)


def test_monthly_facebook(tiny):
    (r,) = rows(tiny, """SELECT spend, leads, lead_to_customer_rate, cac, roas, roi FROM marts.fct_channel_monthly
                         WHERE month = '2026-10-01' AND channel = 'facebook'""")
    assert r[:2] == (40, 2)
    assert r[2:] == (approx(0.5), approx(40.0), approx(140 / 40), approx((140 - 40) / 40))


def test_refunded_order_is_not_revenue_nor_a_customer(tiny):
    # O3 (L4, 200, "Refunded") is excluded: facebook's only customer is L2.
    assert rows(tiny, "SELECT sum(revenue) FROM marts.fct_channel_daily WHERE channel = 'facebook'") == [(140,)]


def test_channel_rollup_matches_campaign_grain(tiny):
    # google over October: spring_sale 250 spend + (not set) gclid session; revenue 800.
    (r,) = rows(tiny, """SELECT spend, sessions, leads, revenue, cpl FROM marts.fct_channel_rollup_monthly
                         WHERE month = '2026-10-01' AND channel = 'google'""")
    assert r[:4] == (250, 3, 3, 800) and r[4] == approx(250 / 3)


def test_retention_cohorts(tiny):
    # Cohort 2026-10: L1 and L2. November: only L1 orders (O7). December (as-of month): nobody.
    got = rows(tiny, """SELECT cast(cohort_month AS VARCHAR), months_since_first_order, cohort_customers,
                               active_customers, retention FROM marts.fct_customer_retention ORDER BY 1, 2""")
    assert got == [("2026-10-01", 0, 2, 2, 1.0), ("2026-10-01", 1, 2, 1, 0.5), ("2026-10-01", 2, 2, 0, 0.0)]


def test_follower_growth_and_read_rate(tiny):
    # Start of October: 1010 − 20 + 10 = 1000 followers; net new (20 + 25) − (10 + 5) = 30 → 3%.
    assert rows(tiny, """SELECT followers_at_start, net_new_followers, follower_growth_rate
                         FROM marts.fct_social_accounts_monthly""") == [(1000, 30, approx(0.03))]
    # c1: 206 reads / 1030 followers on 10-02 = 0.2; c2: 101 / 1010 on 10-01 = 0.1; author E1 averages 0.15.
    assert rows(tiny, "SELECT content_id, read_rate FROM marts.fct_content_items ORDER BY 1") == [
        ("c1", approx(0.2)), ("c2", approx(0.1))]
    assert rows(tiny, "SELECT avg_read_rate, original_share FROM marts.fct_author_monthly WHERE author = 'E1'") == [
        (approx(0.15), approx(0.5))]
    # The parts scoring sums: 2 items (c1 original), both rated (0.2 + 0.1), 206 + 101 reads, (10 + 5) + (5 + 1)
    # interactions, October's 31 / 7 weeks; and the metrics from them.
    assert rows(tiny, """SELECT items, original_items, rated_items, read_rate_sum, reads, interactions, weeks,
                                content_output_per_week, interaction_rate
                         FROM marts.fct_author_monthly WHERE author = 'E1'""") == [
        (2, 1, 2, approx(0.3), 307, 21, approx(31 / 7), approx(2 / (31 / 7)), approx(21 / 307))]


def test_quarantine_names_file_line_field_and_reason(tiny):
    got = rows(tiny, """SELECT kind, regexp_extract(file, '[^/]+$'), line, field, reason, stage
                        FROM marts.fct_quarantined_rows ORDER BY kind, line""")
    assert got == [
        ("ad_spend", "ad_spend.csv", 6, "clicks", "clicks: 'lots' is not a whole number such as 1200 or 1,200", "landing"),
        ("orders", "orders.csv", 6, "currency", "no FX rate from EUR to USD for 2026-10-02 (nor up to 7 days before)", "modelling"),
        ("orders", "orders.csv", 7, "amount", "amount: 'abc' is not an amount such as 1200.50, 1,200.50 or ¥1,200", "landing"),
    ]


def test_rest_of_a_file_loads_around_a_bad_row(tiny):
    # ad_spend.csv has 5 rows; line 6 is quarantined, the other 4 load.
    assert rows(tiny, "SELECT count(*) FROM landing.ad_spend WHERE _file LIKE '%/ad_spend.csv'") == [(4,)]


def test_emails_and_phones_are_hashed_and_never_reach_a_mart(tiny):
    expected_email = hashlib.sha256(b"ann@example.com").hexdigest()
    expected_phone = hashlib.sha256(b"+8613800000001").hexdigest()
    assert rows(tiny, "SELECT email, phone FROM landing.leads WHERE lead_id = 'L1'") == [(expected_email, expected_phone)]
    # Landing keeps the hashes (for analysts to match people); nothing past landing has the columns.
    leaked = rows(tiny, """SELECT table_schema, table_name, column_name FROM information_schema.columns
                           WHERE table_schema <> 'landing' AND column_name IN ('email', 'phone')""")
    assert leaked == []
    plain = rows(tiny, "SELECT count(*) FROM landing.leads WHERE email LIKE '%@%' OR phone LIKE '%138%'")
    assert plain == [(0,)]


@pytest.mark.parametrize("session_id, source, medium, campaign", [
    ("s1", "google", "cpc", "spring_sale"),  # utm parsed from the landing URL
    ("s2", "google", "cpc", "spring_sale"),  # " Google ", "CPC", "Spring_Sale " normalized
    ("s3", "google", "cpc", "(not set)"),  # gclid without utm
    ("s5", "facebook", "paid_social", "autumn"),  # "fb" alias
    ("s6", "baidu", "organic", "(not set)"),  # search-engine referrer
    ("s7", "(direct)", "(none)", "(not set)"),
    ("s8", "wechat", "social", "(not set)"),  # 微信
    ("s10", "email", "email", "oct news"),  # "Oct%20News" URL-decoded
])
def test_session_normalization(tiny, session_id, source, medium, campaign):
    assert rows(tiny, "SELECT source, medium, campaign FROM marts.fct_sessions WHERE session_id = ?", [session_id]) == [
        (source, medium, campaign)]

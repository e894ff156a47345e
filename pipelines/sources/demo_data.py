"""A synthetic but realistic marketing organisation's exports, the same for the same seed and end date.

Ad platforms (Google Ads and Meta in USD, Baidu SEM and Ocean Engine/Douyin in CNY, Baidu's export
in GB18030 as Excel writes it), sessions with real-looking landing URLs and referrers, CRM leads
and orders with refunds and repeat purchases, FX rates, a team, social accounts and content.
Planted tracking defects (documented in docs/sources.md): a utm_campaign typo, case and spacing
variants, gclid-only landings, fbclid without utm, an unknown source spelling, one malformed row,
and a two-day tracking break on one channel.

Over 300 lines: one writer per kind of export, each short, sharing one random generator so the same
seed writes the same files.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

# days, sessions per day: ~58k, ~0.9M, ~18M and ~100M sessions
SCALES = {"small": (90, 700), "medium": (365, 2_800), "large": (730, 27_500), "xlarge": (730, 150_000)}
EXPORTS_UTM_CAMPAIGN = ("google_ads", "ocean_engine")
# Real magnitudes in every demo: amounts that overflowed an 18-digit decimal once converted.
LARGE_CNY_CAMPAIGN, LARGE_CNY_SPEND = "baidu_double11", 1_250_000.00
LARGE_JPY_SPEND, JPY_RATE = 15_000_000, 0.0067
LARGE_USD_ORDER = 128_500.00
PAID_SHARE = 0.45  # of sessions that come from an ad click
SITE = "https://www.example-shop.com"
PAGES = ["/", "/products/running-shoes", "/products/trail-jacket", "/sale", "/blog/how-to-choose-shoes", "/pricing"]


@dataclass(frozen=True)
class Campaign:
    platform: str
    account_id: str
    campaign_id: str
    name: str
    utm_source: str
    utm_medium: str
    utm_campaign: str
    currency: str
    daily_budget: float
    cpc: float
    ctr: float


def _campaigns() -> list[Campaign]:
    out = []
    google = ["brand_search", "generic_shoes", "trail_running", "spring_sale", "competitor_terms", "shopping_feed",
              "remarketing", "youtube_preroll"]
    for i, name in enumerate(google):
        out.append(Campaign("google_ads", "123-456-7890", f"g{1000 + i}", name.replace("_", " ").title(),
                            "google", "cpc", name, "USD", 120 + 40 * i, 0.8 + 0.15 * i, 0.03 + 0.004 * i))
    meta = ["prospecting_lookalike", "retargeting_cart", "autumn_launch", "video_views", "lead_form_q4",
            "influencer_boost", "catalog_sales", "story_ads"]
    for i, name in enumerate(meta):
        out.append(Campaign("meta_ads", "act_998877", f"m{2000 + i}", name.replace("_", " ").title(),
                            "facebook", "paid_social", name, "USD", 90 + 30 * i, 0.5 + 0.1 * i, 0.012 + 0.002 * i))
    baidu = [("品牌词", "baidu_brand"), ("跑鞋通用词", "baidu_generic"), ("竞品词", "baidu_competitor"),
             ("双十一大促", "baidu_double11"), ("越野跑", "baidu_trail"), ("移动端搜索", "baidu_mobile")]
    for i, (name, utm) in enumerate(baidu):
        out.append(Campaign("baidu_sem", "bd_5566", f"b{3000 + i}", name, "baidu", "cpc", utm, "CNY",
                            600 + 200 * i, 2.5 + 0.5 * i, 0.025 + 0.003 * i))
    douyin = [("新品种草", "douyin_seeding"), ("直播引流", "douyin_live"), ("达人合作", "douyin_kol")]
    for i, (name, utm) in enumerate(douyin):
        out.append(Campaign("ocean_engine", "oe_7788", f"d{4000 + i}", name, "douyin", "paid_social", utm, "CNY",
                            800 + 300 * i, 1.2 + 0.3 * i, 0.015 + 0.002 * i))
    return out


ORGANIC = [  # (weight, referrer host, path) for sessions without utm
    (30, "www.google.com", "/"), (25, "www.baidu.com", "/link?url=abc"), (6, "www.bing.com", "/search?q=shoes"),
    (4, "m.sm.cn", "/s?q=跑鞋"), (3, "www.sogou.com", "/web?query=x"), (8, "weibo.com", "/u/123"),
    (6, "www.zhihu.com", "/question/12345"), (7, "www.xiaohongshu.com", "/explore/abc"),
    (4, "l.facebook.com", "/"), (3, "t.co", "/abc"), (3, "item.jd.com", "/100012.html"),
    (4, "blog.runnersworld.example", "/reviews"), (2, "mp.weixin.qq.com", "/s/xyz"), (2, "www.bilibili.com", "/video/BV1"),
]


def generate(out_dir: Path, *, seed: int = 7, days: int | None = None, scale: str = "small",
             end_date: dt.date | None = None) -> dict[str, int]:
    default_days, per_day = SCALES[scale]
    days = days or default_days
    end = end_date or (dt.date.today() - dt.timedelta(days=1))
    dates = [end - dt.timedelta(days=days - 1 - i) for i in range(days)]
    rng = random.Random(seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    campaigns = _campaigns()
    counts: dict[str, int] = {}
    spend_rows = _ad_spend(rng, campaigns, dates, paid_clicks_per_day=per_day * PAID_SHARE * 1.1)
    counts["ad_spend"] = _write_ad_spend(out_dir, spend_rows)
    counts["fx_rates"] = _write_fx(out_dir, rng, dates)
    visitors_with_sessions, counts["sessions"] = _write_sessions(out_dir, rng, campaigns, dates, per_day)
    leads, counts["leads"] = _write_leads(out_dir, rng, visitors_with_sessions, campaigns)
    counts["orders"] = _write_orders(out_dir, rng, leads, end)
    counts.update(_write_team_and_social(out_dir, rng, dates, campaigns))
    return counts


def _weekday_factor(day: dt.date) -> float:
    return 0.72 if day.weekday() >= 5 else 1.0  # the weekend dip every B2C site has


def _ad_spend(rng, campaigns, dates, paid_clicks_per_day: float):
    # Budgets are scaled so the platforms report about as many clicks as the site sees paid sessions.
    scale = paid_clicks_per_day / sum(c.daily_budget / c.cpc for c in campaigns)
    rows = []
    for day in dates:
        for c in campaigns:
            spend = round(c.daily_budget * scale * _weekday_factor(day) * rng.uniform(0.8, 1.1), 2)
            clicks = max(1, int(spend / c.cpc))
            impressions = int(clicks / c.ctr)
            rows.append((day, c, impressions, clicks, spend))
    return rows


def _write_ad_spend(out_dir: Path, rows) -> int:
    header = ["date", "platform", "account_id", "campaign_id", "campaign_name", "utm_campaign",
              "impressions", "clicks", "spend", "currency"]
    files = {
        "google_ads": open(out_dir / "ad_spend_google_ads.csv", "w", newline="", encoding="utf-8"),
        "meta_ads": open(out_dir / "ad_spend_meta_ads.csv", "w", newline="", encoding="utf-8"),
        # Baidu's console exports GB18030 with thousands separators and a ¥ sign, like Excel does.
        "baidu_sem": open(out_dir / "ad_spend_baidu_sem.csv", "w", newline="", encoding="gb18030"),
        "ocean_engine": open(out_dir / "ad_spend_douyin.csv", "w", newline="", encoding="utf-8-sig"),
    }
    writers = {k: csv.writer(f) for k, f in files.items()}
    for w in writers.values():
        w.writerow(header)
    last_day = rows[-1][0]
    for i, (day, c, impressions, clicks, spend) in enumerate(rows):
        if day == last_day and c.utm_campaign == LARGE_CNY_CAMPAIGN:
            spend = LARGE_CNY_SPEND  # a planted burst: real CNY magnitudes convert exactly, spend_outlier flags it
        spend_text = f"¥{spend:,.2f}" if c.platform == "baidu_sem" else f"{spend:.2f}"
        impressions_text = f"{impressions:,}" if c.platform == "baidu_sem" else str(impressions)
        utm = c.utm_campaign if c.platform in EXPORTS_UTM_CAMPAIGN else ""
        writers[c.platform].writerow([day.isoformat(), c.platform, c.account_id, c.campaign_id, c.name, utm,
                                      impressions_text, clicks, spend_text, c.currency])
    japanese_rows = _write_japanese_account(writers["google_ads"], rows, last_day)
    # One malformed export row: quarantined with its file and line, never silently dropped.
    writers["meta_ads"].writerow([rows[-1][0].isoformat(), "meta_ads", "act_998877", "m2099", "Test Campaign", "",
                                  "1200", "N/A", "35.00", "USD"])
    for f in files.values():
        f.close()
    return len(rows) + japanese_rows + 1


def _write_japanese_account(writer, rows, last_day) -> int:
    """A Japanese Google Ads account billed in JPY, spending every day at 60 % of the US brand campaign's
    level; on the last day a planted eight-figure prepaid buy, which spend_outlier must flag."""
    n = 0
    for day, c, impressions, clicks, spend in rows:
        if c.utm_campaign != "brand_search":
            continue
        yen = LARGE_JPY_SPEND if day == last_day else round(0.6 * spend / JPY_RATE)
        writer.writerow([day.isoformat(), "google_ads", "555-010-0100", "g1900", "Brand Search", "brand_search",
                         f"{int(0.6 * impressions):,}", int(0.6 * clicks), f"{yen:,}", "JPY"])
        n += 1
    return n


def _write_fx(out_dir: Path, rng, dates) -> int:
    with open(out_dir / "fx_rates.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["date", "currency", "rate_to_reporting"])
        cny, eur = 0.1385, 1.08
        n = 0
        # Start a week early so the first days, even a weekend, have a rate to carry forward.
        for day in [dates[0] - dt.timedelta(days=d) for d in range(7, 0, -1)] + dates:
            cny = round(cny * rng.uniform(0.998, 1.002), 6)
            eur = round(eur * rng.uniform(0.997, 1.003), 6)
            if day.weekday() < 5:  # banks publish rates on working days; weekends use Friday's
                w.writerow([day.isoformat(), "CNY", cny])
                w.writerow([day.isoformat(), "EUR", eur])
                w.writerow([day.isoformat(), "JPY", JPY_RATE])
                n += 3
    return n


def _landing_url(rng, c: Campaign, day: dt.date, defect_roll: float) -> tuple[str, list[str]]:
    """The ad's landing URL and the session export's utm columns, with the planted defects."""
    page = rng.choice(PAGES)
    source, medium = c.utm_source, c.utm_medium
    # Google and Ocean Engine export the utm_campaign they tag with; Meta and Baidu ads are tagged
    # with their campaign name ({{campaign.name}}), which is how their spend is matched.
    campaign = c.utm_campaign if c.platform in EXPORTS_UTM_CAMPAIGN else c.name.lower()
    if c.platform == "google_ads" and defect_roll < 0.06:
        return f"{SITE}{page}?gclid=Cj0KCQ{rng.randrange(10**8)}", ["", "", ""]  # auto-tagging only
    if c.platform == "meta_ads" and defect_roll < 0.05:
        return f"{SITE}{page}?fbclid=IwAR{rng.randrange(10**8)}", ["", "", ""]  # utm lost in a redirect
    if c.utm_campaign == "spring_sale" and day.day % 10 == 3:
        campaign = "spring_sael"  # a typo in the ad's tracking template
    if c.platform == "meta_ads" and defect_roll > 0.95:
        source = "Facebook "  # case and spacing variant
    if c.platform == "baidu_sem" and defect_roll > 0.9:
        source = "百度"  # Chinese alias, normalized to baidu
    if c.platform == "ocean_engine" and defect_roll > 0.97:
        source = "douyin_ads"  # unknown source spelling
    query = f"utm_source={quote(source.strip())}&utm_medium={medium}&utm_campaign={quote(campaign)}"
    if c.platform == "google_ads":
        query += f"&gclid=Cj0KCQ{rng.randrange(10**8)}"
    url = f"{SITE}{page}?{query}"
    columns = [source, medium, campaign] if defect_roll < 0.8 else ["", "", ""]  # some exports leave columns empty
    return url, columns


def _write_sessions(out_dir, rng, campaigns, dates, per_day):
    header = ["session_id", "started_at", "visitor_id", "landing_url", "referrer",
              "utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term"]
    organic_weights = [w for w, _, _ in ORGANIC]
    visitors: list[tuple[str, str, dt.datetime, Campaign | None]] = []  # (visitor, session, started, campaign)
    n = 0
    break_days = {dates[-10], dates[-9]} if len(dates) > 20 else set()
    with open(out_dir / "sessions.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        visitor_pool = max(1000, per_day * len(dates) // 3)
        for day in dates:
            todays = int(per_day * _weekday_factor(day) * rng.uniform(0.93, 1.07))
            for _ in range(todays):
                n += 1
                session_id = f"s{n:09d}"
                visitor = f"v{rng.randrange(visitor_pool):08d}"
                started = dt.datetime.combine(day, dt.time()) + dt.timedelta(seconds=rng.randrange(86_400))
                roll = rng.random()
                referrer, utm, campaign = "", ["", "", ""], None
                if roll < PAID_SHARE:
                    campaign = rng.choice(campaigns)
                    if campaign.platform == "meta_ads" and day in break_days:
                        campaign = None  # the planted tracking break: Meta landings lose their tags
                        url = f"{SITE}/"
                    else:
                        url, utm = _landing_url(rng, campaign, day, rng.random())
                elif roll < 0.80:
                    _, host, path = rng.choices(ORGANIC, weights=organic_weights)[0]
                    referrer = f"https://{host}{path}"
                    url = f"{SITE}{rng.choice(PAGES)}"
                elif roll < 0.86:
                    url = f"{SITE}/?utm_source=newsletter&utm_medium=email&utm_campaign=weekly_{day:%Y%m%d}"
                else:
                    url = f"{SITE}{rng.choice(PAGES)}"
                w.writerow([session_id, started.strftime("%Y-%m-%dT%H:%M:%SZ"), visitor, url, referrer,
                            *utm, "", ""])
                if rng.random() < 0.035:
                    visitors.append((visitor, session_id, started, campaign))
    return visitors, n


def _write_leads(out_dir, rng, converting, campaigns):
    leads = []
    with open(out_dir / "leads.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["lead_id", "created_at", "visitor_id", "lead_source", "utm_source", "utm_medium",
                    "utm_campaign", "status", "email", "phone"])
        for i, (visitor, _session, started, campaign) in enumerate(converting):
            lead_id = f"L{i + 1:07d}"
            created = started + dt.timedelta(minutes=rng.randrange(2, 90))
            roll = rng.random()
            utm = ["", "", ""]
            source = "web form"
            if campaign is not None and roll < 0.7:
                tagged = campaign.utm_campaign if campaign.platform in EXPORTS_UTM_CAMPAIGN else campaign.name.lower()
                utm = [campaign.utm_source, campaign.utm_medium, tagged]
            elif roll > 0.93:
                visitor, source = "", rng.choice(["展会", "event", "cold call"])  # offline leads
            email = f"buyer{i}@example.{rng.choice(['com', 'cn'])}"
            phone = f"+86 13{rng.randrange(10**9):09d}" if rng.random() < 0.6 else ""
            w.writerow([lead_id, created.strftime("%Y-%m-%dT%H:%M:%SZ"), visitor, source, *utm,
                        rng.choice(["new", "contacted", "qualified"]), email, phone])
            leads.append((lead_id, created))
    return leads, len(leads)


def _write_orders(out_dir, rng, leads, end: dt.date) -> int:
    n = 0
    horizon = dt.datetime.combine(end, dt.time(23, 59))
    with open(out_dir / "orders.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["order_id", "lead_id", "ordered_at", "amount", "currency", "status"])
        for lead_id, created in leads:
            if rng.random() > 0.22:
                continue
            when = created + dt.timedelta(days=rng.expovariate(1 / 6))
            repeats = 1 + (rng.random() < 0.35) + (rng.random() < 0.15)
            for k in range(repeats):
                if when > horizon:
                    break
                n += 1
                cny = rng.random() < 0.3
                amount = round(rng.uniform(60, 400) * (7.2 if cny else 1), 2)
                if n % 50 == 0:  # a running club's team order: 480-3,200 USD, large but in proportion
                    amount = round(amount * 8, 2)
                status = "refunded" if rng.random() < 0.06 else rng.choice(["paid", "paid", "shipped", "completed"])
                w.writerow([f"O{n:07d}", lead_id, when.strftime("%Y-%m-%dT%H:%M:%SZ"),
                            f"{amount:,.2f}", "CNY" if cny else "USD", status])
                when += dt.timedelta(days=rng.uniform(20, 75))
        # On the last day, one B2B framework order of six figures in USD, planted for order_outlier.
        lead_id, _ = leads[0]
        n += 1
        w.writerow([f"O{n:07d}", lead_id, f"{end.isoformat()}T10:00:00Z", f"{LARGE_USD_ORDER:,.2f}", "USD", "paid"])
    return n


def _write_team_and_social(out_dir, rng, dates, campaigns) -> dict[str, int]:
    roster = [
        ("E01", "Li Na", "content_operations", "brand"), ("E02", "Zhang Wei", "content_operations", "brand"),
        ("E03", "Wang Fang", "user_growth", "brand"), ("E04", "Liu Yang", "user_growth", "brand"),
        ("E05", "Chen Jing", "data_analysis", "insights"), ("E06", "Yang Min", "campaign_planning", "performance"),
        ("E07", "Zhao Lei", "sem", "performance"), ("E08", "Huang Li", "sem", "performance"),
        ("E09", "Zhou Tao", "seo", "performance"), ("E10", "Wu Xia", "online_marketing", "performance"),
        ("E11", "Xu Qiang", "online_marketing", "performance"), ("E12", "Sun Hui", "team_lead", "performance"),
    ]
    _write_csv(out_dir / "roster.csv", ["employee_id", "name", "role", "team"], roster)
    accounts = [("wechat", "官方服务号", 52_000), ("weibo", "品牌微博", 88_000), ("douyin", "官方抖音", 130_000)]
    social_rows, followers = [], {a: base for _, a, base in accounts}
    for day in dates:
        for platform, account, _ in accounts:
            new = int(rng.uniform(40, 160) * _weekday_factor(day))
            lost = int(new * rng.uniform(0.1, 0.4))
            followers[account] += new - lost
            social_rows.append((day.isoformat(), platform, account, followers[account], new, lost))
    _write_csv(out_dir / "social_accounts.csv",
               ["date", "platform", "account", "followers", "new_followers", "lost_followers"], social_rows)
    content_rows = []
    for i, day in enumerate(dates):
        for j in range(rng.randrange(1, 4)):
            platform, account, _ = rng.choice(accounts)
            reads = int(followers[account] * rng.uniform(0.04, 0.25))
            content_rows.append((f"C{i:04d}{j}", platform, account, f"{day.isoformat()}T10:00:00+08:00",
                                 rng.choice(["E01", "E02"]), rng.random() < 0.7, reads,
                                 int(reads * 0.03), int(reads * 0.005), int(reads * 0.01)))
    _write_csv(out_dir / "content.csv", ["content_id", "platform", "account", "published_at", "author",
                                         "is_original", "reads", "likes", "comments", "shares"], content_rows)
    ownership = [("E07", "platform", "google_ads", 1), ("E08", "platform", "baidu_sem", 1),
                 ("E10", "platform", "meta_ads", 0.5), ("E11", "platform", "meta_ads", 0.5),
                 ("E01", "author", "E01", 1), ("E02", "author", "E02", 1), ("E03", "account", "官方服务号", 1),
                 ("E04", "account", "官方抖音", 1), ("E09", "channel_group", "Organic Search", 1),
                 ("E06", "campaign", "spring_sale", 1), ("E12", "team", "performance", 1)]
    _write_csv(out_dir / "ownership.csv", ["employee_id", "scope", "value", "share"], ownership)
    manual = _manual_scores(rng, dates)
    _write_csv(out_dir / "manual_scores.csv", ["period", "employee_id", "kpi", "value", "reason"], manual)
    targets = [(e, kpi, target, f"{dates[0]:%Y-01-01}", "sized to this business's volume")
               for e, kpi, target in DEMO_TARGETS]
    _write_csv(out_dir / "targets.csv", ["employee_id", "kpi", "target", "effective_from", "reason"], targets)
    return {"roster": len(roster), "social_accounts": len(social_rows), "content": len(content_rows),
            "ownership": len(ownership), "manual_scores": len(manual), "targets": len(targets)}


# kpi.yml's absolute targets (leads, sales, sessions) are the documents'; a lead sizes them to the
# business in targets.csv. These fit the demo organisation, so its grades spread as a real team's do.
DEMO_TARGETS = [
    ("E03", "follower_growth", 0.045), ("E04", "follower_growth", 0.02),
    ("E06", "campaign_leads", 20), ("E06", "campaign_roi", 1.5), ("E07", "roi", 1.5), ("E08", "roi", 2),
    ("E09", "organic_sessions", 4500), ("E09", "organic_leads", 100),
    ("E10", "sales", 3000), ("E10", "promotion_leads", 60), ("E10", "web_promotion_clicks", 1000),
    ("E11", "sales", 3000), ("E11", "promotion_leads", 60), ("E11", "web_promotion_clicks", 1000),
    ("E12", "returning_revenue_share", 0.15),
]


# What a lead enters by hand each month: (employees, kpi, low, high); ratings are anchored levels 1-5.
MONTHLY_INPUTS = [
    (["E01", "E02", "E03", "E04", "E06", "E07", "E08", "E09"], "initiative", 3, 5),
    (["E03", "E04"], "activity_participation", 0.06, 0.14),
    (["E03", "E04"], "community_activity", 0.15, 0.30),
    (["E05"], "funnel_accuracy", 0.88, 0.99),
    (["E05"], "tracking_fixes", 0.6, 1.0),
    (["E05"], "capability", 3, 5),
    (["E09"], "keyword_ranking_share", 0.2, 0.4),
    (["E10", "E11"], "customer_satisfaction", 0.8, 0.98),
    (["brand", "insights", "performance"], "okr_achievement", 0.85, 1.05),
]


def _manual_scores(rng, dates) -> list[tuple]:
    months = sorted({d.replace(day=1) for d in dates})
    rows = []
    for first in months:
        label = f"{first:%Y-%m}"
        for employees, kpi, low, high in MONTHLY_INPUTS:
            for emp in employees:
                value = rng.randint(low, high) if isinstance(low, int) else round(rng.uniform(low, high), 3)
                rows.append((label, emp, kpi, value, ""))
        rows.append((label, "E05", "report_on_time", 1 if rng.random() < 0.8 else 0.9, ""))
    quarters = sorted({f"{m.year}-Q{(m.month - 1) // 3 + 1}" for m in months})
    rows += [(q, "E06", "adopted_proposals", rng.randint(1, 4), "") for q in quarters]
    rows.append((f"{months[-2]:%Y-%m}" if len(months) > 1 else f"{months[0]:%Y-%m}", "E02", "extra_points", 3,
                 "双十一 campaign article reached 1M reads"))
    return rows


def _write_csv(path: Path, header: list[str], rows) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)

"""The channel dashboard on the tiny organisation: headline numbers worked out by hand from
tests/fixtures/tiny_org, both languages rendered in headless Chromium, every chart visible."""

from __future__ import annotations

import csv
import re

import duckdb
import pytest

from pipelines.reporting.dashboard_data import PANELS
from tests.browser import ink_share, page_width, render, render_url, screenshot
from tests.conftest import run_mkpi
from tests.page_text import ACRONYMS, LabelText

SCRIPT_CAMPAIGN = "<script>alert(1)</script>"  # a campaign name in tests/fixtures/tiny_org/ad_spend_november.csv


@pytest.fixture(scope="module")
def pages(tiny_warehouse, tmp_path_factory):
    out = tmp_path_factory.mktemp("dashboards")
    # Without --period: the nightly pages (November, complete; December to date). Then October in both languages.
    for args in ((), ("--period", "2026-10")):
        result = run_mkpi("dashboard", *args, "--out", str(out), "--warehouse", str(tiny_warehouse))
        assert result.returncode == 0, result.stderr
    return out


def tile(html: str, measure: str) -> str:
    """A tile's text: its value, change, previous value and what it blends."""
    found = re.search(rf'<div class="tile" id="tile-{measure}">(.*?)</div></div>', html, flags=re.S)
    return "|".join(part for part in re.split(r"<[^>]+>", found.group(1)) if part.strip())


def row(html: str, table: str, first_cell: str) -> list[str]:
    """The cells' values (data-v) of the row of `table` that starts with `first_cell`."""
    body = html[html.index(f'id="{table}"'):]
    body = body[:body.index("</table>")]
    for tr in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S):
        cells = re.findall(r'<td[^>]*data-v="([^"]*)"', tr)
        if cells and cells[0] == first_cell:
            return cells
    raise AssertionError(f"no row {first_cell!r} in {table}")


def test_the_nightly_pages_are_the_last_complete_month_and_the_month_to_date(pages):
    # As of 2026-12-15: November is the last complete month, December runs to 12-14.
    november = (pages / "dashboard-2026-11.en.html").read_text(encoding="utf-8")
    december = (pages / "dashboard-2026-12.en.html").read_text(encoding="utf-8")
    assert "<h1>Channel dashboard — 2026-11</h1>" in november and "Partial month" not in november
    assert "<h1>Channel dashboard — 2026-12 (month to date)</h1>" in december
    assert "Partial month: the days up to 2026-12-14 only" in december
    assert '<a href="dashboard-2026-12.en.html">This month to date</a>' in november
    assert '<a href="dashboard-2026-11.en.html">Last complete month</a>' in december
    assert '<a href="dashboard-2026-11.zh.html" lang="zh-CN" hreflang="zh-CN">中文</a>' in november
    for name in ("dashboard-2026-11.zh.html", "dashboard-2026-12.zh.html", "dashboard-2026-11.channels.csv"):
        assert (pages / name).exists(), name


def test_november_against_october_by_hand(pages):
    html = (pages / "dashboard-2026-11.en.html").read_text(encoding="utf-8")
    assert "2026-11-01 to 2026-11-30, compared with 2026-10-01 to 2026-10-31" in html
    # November: campaign c9 (google) spent 5.00 on 11-03; O7 = 100 is L1's (google) third order: revenue, no new
    # customer; no lead. October: spend google 100 + 150, facebook 40 (the "lots" clicks row is quarantined), baidu
    # ¥1,400 × 0.14 = 196 → 486; leads L1-L7 → 7; new customers L1 and L2 (L3's order is in EUR, which has no
    # rate; L4's was refunded) → 2; revenue O1 500 + O2 300 + O4 ¥1,000 × 0.14 = 140 → 940.
    assert tile(html, "spend") == "Spend|USD 5.00|-99.0%|previous USD 486.00|all channels"  # (5 − 486) / 486
    assert tile(html, "leads") == "Leads|0|-100.0%|previous 7|all channels"
    assert tile(html, "new_customers") == "New customers|0|-100.0%|previous 2|all channels"
    assert tile(html, "revenue") == "Revenue|USD 100.00|-89.4%|previous USD 940.00|all channels"  # (100 − 940) / 940
    # No lead in November; 486 / 7. Only google spent in November, so "paid only" is google alone.
    assert tile(html, "cpl") == "CPL|—|previous USD 69.43|blended: all channels; paid channels only: —"
    assert tile(html, "cac") == "CAC|—|previous USD 243.00|blended: all channels; paid channels only: —"  # 486 / 2
    # ROAS 100 / 5 = 20 against 940 / 486 = 1.934: +934.0 %. ROI (100 − 5) / 5 = 19 against (940 − 486) / 486 =
    # 0.934: moves in points, 19 − 0.934 = +18.07.
    assert tile(html, "roas") == "ROAS|20.00|+934.0%|previous 1.93|blended: all channels; paid channels only: 20.00"
    assert tile(html, "roi") == "ROI|19.00|+18.07|previous 0.93|blended: all channels; paid channels only: 19.00"


def test_the_channel_table_by_hand_and_as_csv(pages):
    html = (pages / "dashboard-2026-10.en.html").read_text(encoding="utf-8")
    # Columns: channel, spend, impressions, clicks, CTR, CPC, leads, CPL, new customers, CAC, revenue, ROAS, ROI.
    # google: 100 + 150 spent on 1,000 + 2,000 impressions and 50 + 100 clicks (CTR 5 %, CPC 250 / 150 = 1.6667);
    # leads L1, L6, L7 (CPL 83.33); customer L1 (CAC 250); revenue O1 500 + O2 300 (ROAS 3.2, ROI 2.2).
    google = row(html, "channels", "google")
    assert [float(v) for v in google[1:]] == pytest.approx(
        [250, 3000, 150, 0.05, 250 / 150, 3, 250 / 3, 1, 250, 800, 3.2, 2.2])
    # facebook: 40 on 500 impressions, 10 clicks; leads L4, L2; customer L2; O4 ¥1,000 × 0.14 = 140.
    assert [float(v) for v in row(html, "channels", "facebook")[1:]] == pytest.approx(
        [40, 500, 10, 0.02, 4, 2, 20, 1, 40, 140, 3.5, 2.5])
    # baidu spent ¥1,400 (196) and brought no lead: its CPL and CAC are empty, not 0, and sort last.
    baidu = row(html, "channels", "baidu")
    assert baidu[7] == "" and baidu[9] == "" and float(baidu[1]) == 196
    assert "Spend (USD)" in html and "CPL (USD)" in html  # the currency once, in the header
    rows = list(csv.DictReader((pages / "dashboard-2026-11.channels.csv").open(encoding="utf-8")))
    google_csv = next(r for r in rows if r["channel"] == "google")
    assert (google_csv["spend"], google_csv["spend_previous"], google_csv["spend_change"]) == ("5.0", "250.0", "-98.0%")
    assert (google_csv["cpl"], google_csv["cpl_previous"], google_csv["partial"]) == ("", "83.3333", "no")


def test_the_channel_table_sorts_and_every_campaign_is_listed(pages, tmp_path):
    page = pages / "dashboard-2026-10.en.html"
    by_cpl = page.as_uri() + "#sort=channels:7:asc"  # the page sorts on load for a link like this one
    dom, console = render_url(by_cpl, tmp_path / "profile")
    assert console == []
    order = [re.sub(r"<[^>]+>", "", c) for c in re.findall(r'<tr><td data-v="[^"]*">(.*?)</td>', dom[dom.index('id="channels"'):])]
    assert order[:3] == ["facebook", "google", "baidu"]  # CPL 20, 83.33, then no CPL (last)
    dom, _ = render_url(page.as_uri() + "#sort=channels:7:desc", tmp_path / "profile")
    order = [re.sub(r"<[^>]+>", "", c) for c in re.findall(r'<tr><td data-v="[^"]*">(.*?)</td>', dom[dom.index('id="channels"'):])]
    assert order[:2] == ["google", "facebook"]  # empty values stay last either way
    html = page.read_text(encoding="utf-8")
    campaigns = re.findall(r'<td class="data">([^<]*)</td>', html[html.index('id="campaigns"'):])
    assert campaigns == ["spring_sale", "品牌词", "autumn"]  # every campaign with spend, most spend first


def test_charts_have_gridlines_axis_labels_and_values_on_hover(pages):
    html = (pages / "dashboard-2026-10.en.html").read_text(encoding="utf-8")
    daily = html[html.index("Trends per channel group, daily"):html.index("Funnel per channel group")]
    spend = daily[daily.index("<h3>Spend</h3>"):daily.index("<h3>Leads</h3>")]
    # Paid Search spent 100 (google) + ¥1,400 × 0.14 = 196 (baidu) on 10-01 and 150 on 10-02 (google); every
    # day of the month is on the axis, 0 where nothing was spent. The hover text says so exactly.
    assert "<title>Paid Search · 2026-10-01: USD 296.00</title>" in spend
    assert "<title>Paid Search · 2026-10-02: USD 150.00</title>" in spend
    assert "<title>Paid Search · 2026-10-31: USD 0.00</title>" in spend
    assert len(re.findall(r'<line x1="64"', spend)) >= 4  # gridlines at round values
    assert ">USD 0<" in spend and ">USD 300<" in spend  # ticks: 0, 100, 200, 300
    assert ">10-01<" in spend and ">10-31<" in spend  # the x axis, spread along it


def test_funnel_by_hand(pages):
    html = (pages / "dashboard-2026-10.en.html").read_text(encoding="utf-8")
    funnel = html[html.index("Funnel per channel group"):html.index("Customer retention")]
    # Paid Search: sessions s1, s2 (spring_sale) and s3 (gclid); leads L1, L6, L7; customer L1.
    assert re.search(r"<td>Paid Search</td><td class=\"num\">3</td><td class=\"num\">3</td>"
                     r"<td class=\"num\">1</td><td class=\"num\">100.0%</td><td class=\"num\">33.3%</td>", funnel)
    # Paid Social: sessions s4, s5; leads L4, L2; customer L2.
    assert re.search(r"<td>Paid Social</td><td class=\"num\">2</td><td class=\"num\">2</td>"
                     r"<td class=\"num\">1</td><td class=\"num\">100.0%</td><td class=\"num\">50.0%</td>", funnel)
    chinese = (pages / "dashboard-2026-10.zh.html").read_text(encoding="utf-8")
    assert "<td>付费搜索</td>" in chinese and "<td>付费社交</td>" in chinese


def test_both_languages_render_without_console_errors_and_escape_user_data(pages, tmp_path):
    for page in ("dashboard-2026-10.zh.html", "dashboard-2026-11.en.html", "dashboard-2026-12.zh.html"):
        dom, console = render(pages / page, tmp_path / "profile")
        assert console == [], page
        # One script, the page's own (sorting); nothing is fetched from elsewhere.
        assert dom.lower().count("<script") == 1 and not re.search(r'(src|href)="(https?:)?//', dom)
    html = (pages / "dashboard-2026-11.en.html").read_text(encoding="utf-8")
    assert SCRIPT_CAMPAIGN.replace("<", "&lt;").replace(">", "&gt;") in html and SCRIPT_CAMPAIGN not in html


def test_no_horizontal_overflow_on_a_phone_or_a_wide_screen(pages, tmp_path):
    for page in ("dashboard-2026-10.zh.html", "dashboard-2026-12.en.html"):
        for width in (390, 1400):
            assert page_width(pages / page, width, tmp_path) <= width, (page, width)
    wide = tmp_path / "wide.html"  # the probe does see a page wider than its frame
    wide.write_text('<html><body><div style="width:600px">x</div></body></html>', encoding="utf-8")
    assert page_width(wide, 390, tmp_path) > 390


def test_every_chart_draws_something_and_an_empty_one_is_seen(pages, tmp_path):
    html = (pages / "dashboard-2026-10.zh.html").read_text(encoding="utf-8")
    svgs = re.findall(r'<svg class="chart.*?</svg>', html, flags=re.S)
    assert len(svgs) == 10  # 4 trends per channel, 4 per channel group, the funnel, the retention heat map
    for i, svg in enumerate(svgs + ['<svg class="chart" width="520" height="200" role="img"></svg>']):
        page = tmp_path / f"chart{i}.html"
        page.write_text(f'<html><body style="margin:0">{svg}</body></html>', encoding="utf-8")
        screenshot(page, tmp_path / f"chart{i}.png", tmp_path / "profile", size="640,420")
        ink = ink_share(tmp_path / f"chart{i}.png")
        assert (ink > 0.0015) if i < len(svgs) else (ink < 0.0015), (i, ink, svg[:200])


def test_the_chinese_page_has_no_english_label_left(pages):
    for page in ("dashboard-2026-10.zh.html", "dashboard-2026-12.zh.html"):
        words = LabelText()
        words.feed((pages / page).read_text(encoding="utf-8"))
        assert set(words.words) - ACRONYMS == set(), page
    english = LabelText()
    english.feed((pages / "dashboard-2026-10.en.html").read_text(encoding="utf-8"))
    assert {"Headline", "Funnel", "Campaigns", "Tracking"} <= set(english.words)


def test_every_panel_names_documented_mart_columns(tiny_warehouse, pages):
    con = duckdb.connect(str(tiny_warehouse), read_only=True)
    try:
        documented = {(t, c): comment for t, c, comment in con.execute(
            "SELECT table_name, column_name, comment FROM duckdb_columns() WHERE schema_name = 'marts'").fetchall()}
    finally:
        con.close()
    html = (pages / "dashboard-2026-10.en.html").read_text(encoding="utf-8")
    for mart, columns in PANELS.values():
        for column in columns:
            assert documented.get((mart.split(".")[1], column)), (mart, column)  # exists, with its yml description
        assert f"{mart} ({', '.join(columns)})" in html


def test_a_month_without_data_yet_is_refused(tiny_warehouse):
    result = run_mkpi("dashboard", "--period", "2027-01", "--warehouse", str(tiny_warehouse))
    assert result.returncode == 2
    assert result.stderr.strip() == "error: period 2027-01 starts after 2026-12-14, the day before the as-of date 2026-12-15"


def test_the_attribution_panel_by_hand(pages):
    html = (pages / "dashboard-2026-10.en.html").read_text(encoding="utf-8")
    # October's leads each have a one-touch path: L1 (own tags, after its google session s1, which collapses
    # into them), L6 (own tags), L7 (v1's s1; s9 came after it) → google 3 under every model; L4 (own tags)
    # and L2 (v4's s4) → facebook 2; L3 and L5 → (unattributed) 2. Eight models, no change against lead_source.
    for channel, leads in (("google", 3.0), ("facebook", 2.0), ("(unattributed)", 2.0)):
        cells = row(html, "attribution-attributed_leads", channel if channel != "(unattributed)" else "(unattributed)")
        assert [float(v) for v in cells[1:]] == [leads] * 8, channel
    assert "Attribution models compared, leads of 2026-10" in html
    assert "<h3>CPL (USD)</h3>" in html and "<h3>ROAS</h3>" in html  # a money table names its currency
    chinese = (pages / "dashboard-2026-10.zh.html").read_text(encoding="utf-8")
    assert "归因模型对比：2026-10 的线索" in chinese and "<th>数据驱动</th>" in chinese

"""The channel dashboard on the tiny organisation: headline numbers worked out by hand from
tests/fixtures/tiny_org, both languages rendered in headless Chromium, every chart visible."""

from __future__ import annotations

import re

import duckdb
import pytest

from pipelines.reporting.dashboard_data import PANELS
from tests.browser import ink_share, render, screenshot
from tests.conftest import run_mkpi
from tests.page_text import ACRONYMS, LabelText

SCRIPT_CAMPAIGN = "<script>alert(1)</script>"  # a campaign name in tests/fixtures/tiny_org/ad_spend_november.csv


@pytest.fixture(scope="module")
def pages(tiny_warehouse, tmp_path_factory):
    out = tmp_path_factory.mktemp("dashboards")
    for args in ((), ("--period", "2026-10"), ("--period", "2026-10", "--lang", "zh"), ("--period", "2026-12")):
        result = run_mkpi("dashboard", *args, "--out", str(out), "--warehouse", str(tiny_warehouse))
        assert result.returncode == 0, result.stderr
    return out


def tile(html: str, measure: str) -> str:
    """A tile's text: its value, change and previous value."""
    found = re.search(rf'<div class="tile" id="tile-{measure}">(.*?)</div></div>', html, flags=re.S)
    return "|".join(part for part in re.split(r"<[^>]+>", found.group(1)) if part.strip())


def test_november_against_october_by_hand(pages):
    # The default month is the latest with data (the as-of date is 2026-12-15; the last activity 2026-11-05).
    html = (pages / "dashboard-2026-11.en.html").read_text(encoding="utf-8")
    assert "2026-11-01 to 2026-11-30, compared with 2026-10-01 to 2026-10-31" in html
    # November: campaign c9 spent 5.00 on 11-03; O7 = 100 is L1's third order (revenue, no new customer); no lead.
    # October: spend google 100 + 150, facebook 40 (the "lots" clicks row is quarantined), baidu ¥1,400 × 0.14 = 196
    # → 486; leads L1-L7 → 7; new customers L1 and L2 (L3's order is in EUR, which has no rate; L4's was
    # refunded) → 2; revenue O1 500 + O2 300 + O4 ¥1,000 × 0.14 = 140 → 940.
    assert tile(html, "spend") == "Spend|USD 5.00|-99.0%|previous USD 486.00"  # (5 − 486) / 486
    assert tile(html, "leads") == "Leads|0|-100.0%|previous 7"
    assert tile(html, "new_customers") == "New customers|0|-100.0%|previous 2"
    assert tile(html, "revenue") == "Revenue|USD 100.00|-89.4%|previous USD 940.00"  # (100 − 940) / 940
    assert tile(html, "cpl") == "CPL|—|previous USD 69.43"  # no lead in November; 486 / 7
    assert tile(html, "cac") == "CAC|—|previous USD 243.00"  # 486 / 2
    # ROI (100 − 5) / 5 = 19 against (940 − 486) / 486 = 0.934: moves in points, 19 − 0.934 = +18.07.
    assert tile(html, "roi") == "ROI|19.00|+18.07|previous 0.93"


def test_a_month_to_date_compares_the_same_days(pages):
    # December up to yesterday (12-14) against 11-01 to 11-14, which hold November's 5.00 and 100.
    html = (pages / "dashboard-2026-12.en.html").read_text(encoding="utf-8")
    assert "2026-12-01 to 2026-12-14, compared with 2026-11-01 to 2026-11-14" in html
    assert tile(html, "spend") == "Spend|USD 0.00|-100.0%|previous USD 5.00"
    assert tile(html, "revenue") == "Revenue|USD 0.00|-100.0%|previous USD 100.00"


def test_funnel_and_campaign_ranking_by_hand(pages):
    html = (pages / "dashboard-2026-10.en.html").read_text(encoding="utf-8")
    funnel = html[html.index("Funnel per channel group"):html.index("Customer retention")]
    # Paid Search: sessions s1, s2 (spring_sale) and s3 (gclid); leads L1, L6, L7; customer L1.
    assert re.search(r"Paid Search</span></td><td class=\"num\">3</td><td class=\"num\">3</td>"
                     r"<td class=\"num\">1</td><td class=\"num\">100.0%</td><td class=\"num\">33.3%</td>", funnel)
    # Paid Social: sessions s4, s5; leads L4, L2; customer L2.
    assert re.search(r"Paid Social</span></td><td class=\"num\">2</td><td class=\"num\">2</td>"
                     r"<td class=\"num\">1</td><td class=\"num\">100.0%</td><td class=\"num\">50.0%</td>", funnel)

    def campaigns(heading):
        part = html[html.index(f"<h3>{heading}</h3>"):]
        return re.findall(r'<td class="data">([^<]*)</td>', part[:part.index("</table>")])

    # CPL: autumn 40 / 2 = 20, spring_sale 250 / 3 = 83.33, 品牌词 196 with no lead (the worst).
    assert campaigns("Lowest CPL") == ["autumn", "spring_sale"]
    assert campaigns("Highest CPL (no lead first)") == ["品牌词", "spring_sale", "autumn"]
    # ROI: autumn (140 − 40) / 40 = 2.5, spring_sale (800 − 250) / 250 = 2.2, 品牌词 −1.
    assert campaigns("Highest ROI") == ["autumn", "spring_sale", "品牌词"]


def test_both_languages_render_without_console_errors_and_escape_user_data(pages, tmp_path):
    for page in ("dashboard-2026-10.zh.html", "dashboard-2026-11.en.html"):
        dom, console = render(pages / page, tmp_path / "profile")
        assert console == [], page
        assert "<script" not in dom.lower()
    html = (pages / "dashboard-2026-11.en.html").read_text(encoding="utf-8")
    assert SCRIPT_CAMPAIGN.replace("<", "&lt;").replace(">", "&gt;") in html and SCRIPT_CAMPAIGN not in html


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
    words = LabelText()
    words.feed((pages / "dashboard-2026-10.zh.html").read_text(encoding="utf-8"))
    assert set(words.words) - ACRONYMS == set()
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

"""The HTML KPI report: renders in headless Chromium without console errors, is not blank, escapes values."""

from __future__ import annotations

import csv
import re

import duckdb
import pytest

from pipelines.cli import build_parser
from pipelines.reporting.report import write_csv

from tests.browser import ink_share, render, screenshot
from tests.page_text import ACRONYMS, LabelText
from tests.conftest import run_mkpi

SCRIPT_CAMPAIGN = "<script>alert(1)</script>"  # a campaign name in tests/fixtures/tiny_org/ad_spend_november.csv


@pytest.fixture(scope="module")
def reports(tiny_warehouse, tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    for period, lang in (("2026-11", "en"), ("2026-10", "zh"), ("2026-10", "en")):
        result = run_mkpi("report", "--period", period, "--lang", lang, "--out", str(out),
                          "--warehouse", str(tiny_warehouse))
        assert result.returncode == 0, result.stderr
    return out


def test_report_renders_without_console_errors_and_shows_markup_as_text(reports, tmp_path):
    _, console_zh = render(reports / "kpi-report-2026-10.zh.html", tmp_path / "profile")
    assert console_zh == []
    page = reports / "kpi-report-2026-11.en.html"
    dom, console = render(page, tmp_path / "profile")
    assert console == []
    # Escaped in the file, so the browser shows the text and runs nothing.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.read_text(encoding="utf-8")
    assert "<script>" not in page.read_text(encoding="utf-8")
    assert f"<td class=\"data\">{SCRIPT_CAMPAIGN.replace('<', '&lt;').replace('>', '&gt;')}</td>" in dom
    assert "<script" not in dom.lower()


def test_the_console_check_does_catch_errors(tmp_path):
    bad = tmp_path / "bad.html"
    bad.write_text("<html><body><script>undefinedFunction()</script></body></html>")
    _, console = render(bad, tmp_path / "profile")
    assert any("undefinedFunction is not defined" in line for line in console)


def test_screenshot_is_not_blank(reports, tmp_path):
    png = tmp_path / "report.png"
    screenshot(reports / "kpi-report-2026-10.zh.html", png, tmp_path / "profile")
    assert ink_share(png) > 0.01
    blank = tmp_path / "blank.html"
    blank.write_text("<html><body></body></html>")
    screenshot(blank, tmp_path / "blank.png", tmp_path / "profile")
    assert ink_share(tmp_path / "blank.png") < 0.001


def test_the_chinese_report_has_no_english_label_left(reports):
    parser = LabelText()
    parser.feed((reports / "kpi-report-2026-10.zh.html").read_text(encoding="utf-8"))
    assert set(parser.words) - ACRONYMS == set()
    # The check is not empty-handed: the English page is full of English words.
    english = LabelText()
    english.feed((reports / "kpi-report-2026-11.en.html").read_text(encoding="utf-8"))
    assert {"Ranking", "Grade", "Achievement", "Category"} <= set(english.words)


def test_values_read_as_rates_money_and_counts_and_teams_rank_apart(reports):
    html = (reports / "kpi-report-2026-11.en.html").read_text(encoding="utf-8")
    # E1's read rate target 0.15 shows as 15.0%, the campaigns' spend with the reporting currency.
    assert '<td class="num">15.0%</td>' in html
    assert re.search(r'<td class="num">USD [0-9,]+\.[0-9]{2}</td>', html)
    # Grade counts are whole: the distribution chart writes 1, never 1.0.
    grades = html[html.index("Grade distribution"):html.index("Team average")]
    assert re.findall(r'font-size="12">(\d[\d.,]*)</text>', grades) and ".0<" not in grades
    # One ranking per team: ranks are within a team.
    assert len(re.findall(r"<h3>Ranking — ", html)) == len({"growth", "performance"})


def test_only_scored_kpis_are_drawn_as_bars(reports):
    html = (reports / "kpi-report-2026-10.en.html").read_text(encoding="utf-8")
    card = html[html.index('id="E1"'):]
    chart = card[card.index("Points vs weight"):card.index("Total over periods")]
    # E1's initiative has no manual score: listed in the table as "no data", not drawn as a zero bar.
    assert "no data" in card[:card.index("Points vs weight")] and ">initiative<" not in chart
    assert ">read rate<" in chart


def test_every_chart_draws_something(reports, tmp_path):
    html = (reports / "kpi-report-2026-10.zh.html").read_text(encoding="utf-8")
    svgs = re.findall(r'<svg class="chart".*?</svg>', html, flags=re.S)
    assert len(svgs) >= 4
    for i, svg in enumerate(svgs + ['<svg class="chart" width="420" height="4" role="img"></svg>']):
        page = tmp_path / f"chart{i}.html"
        page.write_text(f'<html><body style="margin:0">{svg}</body></html>', encoding="utf-8")
        screenshot(page, tmp_path / f"chart{i}.png", tmp_path / "profile", size="480,240")  # about a chart's size
        ink = ink_share(tmp_path / f"chart{i}.png")
        # The last one is an empty chart: the check must see it as blank (about 0.0007 here; a trend with
        # one point, the sparest chart, about 0.003).
        assert (ink > 0.0015) if i < len(svgs) else (ink < 0.0015), (i, ink, svg[:200])


def test_chinese_labels_and_csv_export(reports):
    html = (reports / "kpi-report-2026-10.zh.html").read_text(encoding="utf-8")
    assert "团队绩效报告 — 2026-10" in html and "等级分布" in html and "Li Na" in html
    with open(reports / "scorecards-2026-10.csv", encoding="utf-8-sig") as fh:
        cards = list(csv.DictReader(fh))
    assert {c["employee_id"] for c in cards} == {"E1", "E2"}
    assert next(c for c in cards if c["employee_id"] == "E1")["grade"] == "fail"


def test_the_period_is_checked_and_an_empty_one_says_so(tiny_warehouse, tmp_path):
    args = ("--out", str(tmp_path), "--warehouse", str(tiny_warehouse))
    for bad in ("2026/10", "oct", "2026-13"):
        result = run_mkpi("report", "--period", bad, *args)
        assert result.returncode == 2 and "is not a period like 2026-10, 2026-Q4 or 2026" in result.stderr.splitlines()[-1]
    empty = run_mkpi("report", "--period", "2025-01", *args)
    assert (empty.returncode, empty.stdout.strip()) == (1, f"No scorecards for 2025-01 in {tiny_warehouse}.")
    assert not list(tmp_path.iterdir())
    assert build_parser().parse_args(["report", "--period", " 2026-q4"]).period == "2026-Q4"


def test_csv_cells_a_spreadsheet_would_run_are_neutralized(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute("CREATE SCHEMA marts")
    con.execute("""CREATE TABLE marts.employee_scorecards AS SELECT * FROM (VALUES
        ('2026-10', 1, 'E1', '=HYPERLINK("http://evil.example","x")', -3.5),
        ('2026-10', 2, 'E2', '+cmd|/c calc', 0.0), ('2026-10', 3, 'E3', '@SUM(A1)', 1.0),
        ('2026-10', 4, 'E4', '-2+3', 2.0), ('2026-10', 5, 'E5', 'Li Na', 3.0))
        AS t(period, rank_in_team, employee_id, name, total)""")
    write_csv(con, "2026-10", tmp_path / "cards.csv")
    con.close()
    with open(tmp_path / "cards.csv", encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    assert [r[3] for r in rows[1:]] == ["'=HYPERLINK(\"http://evil.example\",\"x\")", "'+cmd|/c calc", "'@SUM(A1)",
                                        "'-2+3", "Li Na"]
    assert rows[1][4] == "-3.50"  # a negative number is a number, not a formula (to 2 decimals)


def test_the_csv_rounds_scores_and_writes_flags_as_yes_or_no(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute("CREATE SCHEMA marts")
    con.execute("""CREATE TABLE marts.employee_scorecards AS SELECT * FROM (VALUES
        ('2026-10', 1, 'E1', 103.93670617297252::DOUBLE, true, false), ('2026-10', 2, 'E2', NULL, false, NULL))
        AS t(period, rank_in_team, employee_id, total, warning, reward)""")
    write_csv(con, "2026-10", tmp_path / "cards.csv")
    con.close()
    with open(tmp_path / "cards.csv", encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    assert rows[1:] == [["2026-10", "1", "E1", "103.94", "yes", "no"], ["2026-10", "2", "E2", "", "no", ""]]


def test_grade_counts_run_from_the_best_grade_down_then_the_cards_not_graded():
    from pipelines.reporting.report import Page, grade_counts

    cards = [{"grade": g, "total": t, "status": s} for g, t, s in (
        ("fail", 60.0, "scored"), (None, None, "blocked"), ("excellent", 112.0, "scored"), ("pass", 85.0, "scored"),
        ("good", 99.0, "scored"), ("pass", 81.0, "scored"), (None, None, "no_data"))]
    page = Page("en", "USD", {})
    assert list(grade_counts(page, cards).items()) == [
        (page.value("grade", "excellent"), 1), (page.value("grade", "good"), 1), (page.value("grade", "pass"), 2),
        (page.value("grade", "fail"), 1), (page.value("data_status", "blocked"), 1),
        (page.value("data_status", "no_data"), 1)]

"""The HTML KPI report: renders in headless Chromium without console errors, is not blank, escapes values."""

from __future__ import annotations

import csv
import re
from html import escape

import duckdb
import pytest

from pipelines.cli import build_parser
from pipelines.reporting.spreadsheets import write_csv, write_spreadsheets

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


def test_the_workbook_has_the_scorecards_kpis_and_approvals_and_runs_no_formula(tmp_path):
    from openpyxl import load_workbook

    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute("CREATE SCHEMA marts")
    con.execute("""CREATE TABLE marts.employee_scorecards AS SELECT * FROM (VALUES
        ('2026-10', 1, 'E1', '=HYPERLINK("http://evil.example","x")', 103.93670617297252::DOUBLE, true),
        ('2026-10', 2, 'E2', 'Li Na', NULL, false)) AS t(period, rank_in_team, employee_id, name, total, reward)""")
    con.execute("""CREATE TABLE marts.kpi_scores AS SELECT 'E1' AS employee_id, 'x' AS name, 'sem' AS role, 't' AS team,
        'cpl' AS kpi, 'result' AS category, 50.0 AS weight, 20.0 AS target, 15.0 AS actual, 1.3333333 AS achievement,
        66.666666 AS weighted_points, 'scored' AS data_status, 'cpl = 1,800 / 120' AS formula, '2026-10' AS period""")
    con.execute("""CREATE TABLE marts.scorecard_flags AS SELECT 'E1' AS employee_id, 'x' AS name, 't' AS team,
        'reward' AS flag, '2026-10' AS earned_in, 100.0 AS amount, '2026-10' AS period""")
    written = write_spreadsheets(con, "2026-10", tmp_path)
    con.close()
    assert [p.name for p in written] == ["scorecards-2026-10.csv", "scorecards-2026-10.zh.csv", "scorecards-2026-10.xlsx"]
    with open(written[1], encoding="utf-8-sig") as fh:
        assert [r[5] for r in csv.reader(fh)] == ["reward", "是", "否"]
    book = load_workbook(written[2])
    assert book.sheetnames == ["scorecards", "kpi_scores", "to_approve"]
    cards = list(book["scorecards"].iter_rows(values_only=True))
    assert cards == [("period", "rank_in_team", "employee_id", "name", "total", "reward"),
                     ("2026-10", 1, "E1", '=HYPERLINK("http://evil.example","x")', 103.94, "yes"),
                     ("2026-10", 2, "E2", "Li Na", None, "no")]
    assert book["scorecards"]["D2"].data_type == "s"  # shown as text, never run as a formula
    assert list(book["kpi_scores"].iter_rows(values_only=True))[1][9:11] == (1.33, 66.67)
    assert list(book["to_approve"].iter_rows(values_only=True))[1] == ("E1", "x", "t", "reward", "2026-10", 100)


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


def test_the_approvals_section_shows_each_amount_and_what_earned_it(reports):
    html = (reports / "kpi-report-2026-10.en.html").read_text(encoding="utf-8")
    section = html[html.index("<h2>To approve</h2>"):html.index('<div class="card"')]
    # October, the whole team: revenue 940 − spend 486 = net profit 454; 5% of it = 22.70, nothing above the
    # 5,000 profit target; half paid with the month, half held for the year end (kpi.yml incentives).
    assert ("<tr><td>Team commission</td><td>5% of the net profit USD 454.00 plus USD 0.00 above the profit target; "
            "USD 11.35 paid with the month, USD 11.35 held for the year end</td><td class=\"num\">USD 22.70</td>"
            "<td>to approve</td></tr>") in section
    # 2026 so far: (940 + 100) − (486 + 5) = 549 against the 50,000 target: nothing to share, the year runs on.
    assert ("<td>2026: profit USD 549.00 against the target USD 50,000.00; 10% of what is above it</td>"
            "<td class=\"num\">USD 0.00</td><td>year in progress</td>") in section
    chinese = (reports / "kpi-report-2026-10.zh.html").read_text(encoding="utf-8")
    assert "<h2>待审批</h2>" in chinese and "<td>团队提成</td>" in chinese and "<td>年度进行中</td>" in chinese


def test_how_each_score_was_made_reads_in_chinese_on_the_chinese_report(tiny, reports):
    """Every Chinese formula of the tiny organisation, once the identifiers a reader types (marts, kpi.yml
    keys, metric and measure ids, manual scores) and the organisation's own names are taken out, is Chinese."""
    from pipelines.scoring import metrics

    formulas = [f for (f,) in tiny.execute("SELECT formula_zh FROM marts.kpi_scores WHERE formula_zh IS NOT NULL").fetchall()]
    assert len(formulas) > 10
    names = {v for (v,) in tiny.execute("""SELECT DISTINCT unnest([channel, medium, campaign]) FROM marts.fct_channel_daily
                                           UNION SELECT employee_id FROM marts.dim_employees""").fetchall() if v}
    typed = re.compile(r"marts\.\w+|kpi\.yml \w+|manual[._]\w+|\b(%s|interaction_rate|new_followers|follower_growth_rate)\b"
                       % "|".join(sorted({*metrics.METRICS}, key=len, reverse=True)))
    for formula in formulas:
        left = typed.sub("", formula)
        for name in sorted(names, key=len, reverse=True):
            left = left.replace(name, "")
        assert not re.findall(r"[A-Za-z]{2,}", left), formula
    html = (reports / "kpi-report-2026-10.zh.html").read_text(encoding="utf-8")
    october = [f for (f,) in tiny.execute("SELECT formula_zh FROM marts.kpi_scores WHERE period = '2026-10'").fetchall()]
    assert october and all(f'<td class="formula">{escape(f)}</td>' in html for f in october)
    assert 'lang="en"' not in html.split("<body>")[1]


def test_the_month_to_date_report_is_provisional_and_stored_nowhere(tiny_warehouse, tiny, tmp_path):
    before = tiny.execute("SELECT count(*) FROM marts.employee_scorecards").fetchone()
    result = run_mkpi("report", "--to-date", "--out", str(tmp_path), "--warehouse", str(tiny_warehouse))
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kpi-report-2026-12-to-date.en.html",
                                                          "kpi-report-2026-12-to-date.zh.html"]
    html = (tmp_path / "kpi-report-2026-12-to-date.en.html").read_text(encoding="utf-8")
    # As of 2026-12-15: 1-14 December, shown as the month to date with its rule, the earlier months in the trend.
    assert "<h1>Team KPI report — 2026-12 (month to date)</h1>" in html
    assert "provisional: the days up to 2026-12-14; targets of counts and amounts" in html
    assert html.count('<div class="card"') == 2 and "To approve" not in html  # nothing is earned before the month ends
    words = LabelText()
    words.feed((tmp_path / "kpi-report-2026-12-to-date.zh.html").read_text(encoding="utf-8"))
    assert set(words.words) - ACRONYMS == set()
    assert tiny.execute("SELECT count(*) FROM marts.employee_scorecards").fetchone() == before  # nothing stored


def test_the_report_fits_a_phone_and_a_wide_screen(reports, tmp_path):
    from tests.browser import page_width

    for page in ("kpi-report-2026-10.zh.html", "kpi-report-2026-11.en.html"):
        for width in (390, 1400):
            assert page_width(reports / page, width, tmp_path) <= width, (page, width)

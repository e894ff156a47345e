"""The HTML KPI report: renders in headless Chromium without console errors, is not blank, escapes values."""

from __future__ import annotations

import csv

import pytest

from tests.browser import ink_share, render, screenshot
from tests.conftest import run_mkpi

SCRIPT_CAMPAIGN = "<script>alert(1)</script>"  # a campaign name in tests/fixtures/tiny_org/ad_spend_november.csv


@pytest.fixture(scope="module")
def reports(tiny_warehouse, tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    for period, lang in (("2026-11", "en"), ("2026-10", "zh")):
        result = run_mkpi("report", "--period", period, "--lang", lang, "--out", str(out),
                          "--warehouse", str(tiny_warehouse))
        assert result.returncode == 0, result.stderr
    return out


def test_report_renders_without_console_errors_and_shows_markup_as_text(reports, tmp_path):
    page = reports / "kpi-report-2026-11.en.html"
    dom, console = render(page, tmp_path / "profile")
    assert console == []
    # Escaped in the file, so the browser shows the text and runs nothing.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.read_text(encoding="utf-8")
    assert "<script>" not in page.read_text(encoding="utf-8")
    assert f"<td>{SCRIPT_CAMPAIGN.replace('<', '&lt;').replace('>', '&gt;')}</td>" in dom
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


def test_chinese_labels_and_csv_export(reports):
    html = (reports / "kpi-report-2026-10.zh.html").read_text(encoding="utf-8")
    assert "团队绩效报告 — 2026-10" in html and "等级分布" in html and "Li Na" in html
    with open(reports / "scorecards-2026-10.csv", encoding="utf-8-sig") as fh:
        cards = list(csv.DictReader(fh))
    assert {c["employee_id"] for c in cards} == {"E1", "E2"}
    assert next(c for c in cards if c["employee_id"] == "E1")["grade"] == "fail"

"""On the demo organisation, the tracking checks find the planted defects and nothing the demo did not plant."""

from __future__ import annotations

import datetime as dt

import dagster as dg
import duckdb
import pytest

from pipelines.demo_data import generate
from pipelines.nightly import run_nightly
from pipelines.summary import render_summary
from tests.conftest import settings_for

END = dt.date(2026, 10, 31)  # a Saturday: the last week has a weekend dip right at the end


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("demo")
    generate(tmp / "exports", seed=11, days=45, end_date=END)
    config = tmp / "mkpi.yml"
    config.write_text(f"reporting:\n  as_of_date: {END.isoformat()}\n")
    settings = settings_for(tmp, source_dir=tmp / "exports", config=config)
    outcome = run_nightly(settings, instance=dg.DagsterInstance.ephemeral())
    assert outcome.success, outcome.error
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    yield con, render_summary(settings.warehouse, outcome.seconds)
    con.close()


def issues(con):
    return con.execute("""SELECT check_name, severity, channel, campaign, period_start, period_end
                          FROM marts.fct_tracking_issues ORDER BY ALL""").fetchall()


def test_the_planted_break_is_the_only_drop(demo):
    con, _ = demo
    drops = [i for i in issues(con) if i[0].endswith("_drop")]
    break_days = (END - dt.timedelta(days=9), END - dt.timedelta(days=8))  # Meta landings lose their tags
    assert drops == [("sessions_drop", "error", "facebook", None, *break_days)]


def test_planted_tagging_defects_are_found(demo):
    con, _ = demo
    found = {(check, channel, campaign) for check, _, channel, campaign, _, _ in issues(con)}
    assert ("unknown_campaign", "google", "spring_sael") in found
    assert ("click_id_without_utm", "google", None) in found
    assert ("click_id_without_utm", "facebook", None) in found
    assert ("unknown_source", "douyin_ads", None) in found
    assert ("inconsistent_spelling", "facebook", None) in found


def test_summary_names_them(demo):
    _, summary = demo
    assert "Tracking issues: 1 error" in summary
    assert "[error] sessions_drop facebook" in summary
    assert "utm_campaign 'spring_sael' on google / cpc" in summary and "did you mean 'spring_sale'?" in summary

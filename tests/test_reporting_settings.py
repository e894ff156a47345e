"""mkpi.yml settings reach the models: time zone (which day), currency (money unit), tracking severities."""

from __future__ import annotations

import dagster as dg
import duckdb

from pipelines.orchestration.nightly import run_nightly
from tests.conftest import settings_for


def test_days_follow_the_reporting_time_zone_and_money_its_currency(tmp_path):
    exports = tmp_path / "exports"
    exports.mkdir()
    (exports / "sessions.csv").write_text(
        "session_id,started_at,utm_source,utm_medium,utm_campaign\n"
        "late_utc,2026-10-01T20:00:00Z,google,cpc,x\n"        # 04:00 on 10-02 in Shanghai
        "naive,2026-10-02 07:00:00,google,cpc,x\n"            # no offset: read as Shanghai time
        "partner,2026-10-02T01:00:00Z,partnerx,referral,\n")  # an unknown source, severity raised below
    (exports / "ad_spend.csv").write_text(
        "date,platform,campaign_name,utm_campaign,spend,currency\n"
        "2026-10-02,google_ads,X,x,10.00,USD\n"               # 10 USD × 7.1 = 71.00 CNY
        "2026-10-02,baidu_sem,Y,y,50.00,CNY\n")               # already CNY
    (exports / "fx_rates.csv").write_text("date,currency,rate_to_reporting\n2026-10-01,USD,7.1\n")
    config = tmp_path / "mkpi.yml"
    config.write_text("reporting:\n  currency: CNY\n  timezone: Asia/Shanghai\n  as_of_date: 2026-10-20\n"
                      "tracking:\n  severity:\n    unknown_source: error\n")
    settings = settings_for(tmp_path, source_dir=exports, config=config)
    outcome = run_nightly(settings, instance=dg.DagsterInstance.ephemeral())
    assert outcome.success, outcome.error
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        assert con.execute("SELECT session_id, cast(session_date AS VARCHAR) FROM marts.fct_sessions ORDER BY 1").fetchall() == [
            ("late_utc", "2026-10-02"), ("naive", "2026-10-02"), ("partner", "2026-10-02")]
        assert con.execute("SELECT channel, spend, sessions FROM marts.fct_channel_rollup_daily ORDER BY 1").fetchall() == [
            ("baidu", 50, 0), ("google", 71, 2), ("partnerx", 0, 1)]
        # The Baidu spend has no session (default severity); the unknown source is raised to error by mkpi.yml.
        assert con.execute("SELECT check_name, severity, channel FROM marts.fct_tracking_issues ORDER BY 1").fetchall() == [
            ("spend_without_sessions", "warn", "baidu"), ("unknown_source", "error", "partnerx")]
    finally:
        con.close()

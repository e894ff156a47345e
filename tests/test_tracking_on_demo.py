"""On the demo organisation, the tracking checks find the planted defects and nothing the demo did not plant;
and the attribution marts keep their invariants (docs/attribution.md) on its 45 days of journeys."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import os
import re
from dataclasses import dataclass

import dagster as dg
import duckdb
import pytest

from pipelines.alerting.dispatch import load_report, send_tracking_alerts
from pipelines.configuration.mkpi_yml import load_config
from pipelines.sources.demo_data import generate
from pipelines.orchestration.nightly import run_nightly
from pipelines.night.summary import render_summary
from pipelines.settings import Settings
from tests.conftest import settings_for
from tests.sink_servers import RecordingServer, Reply

END = dt.date(2026, 10, 31)  # a Saturday: the last week has a weekend dip right at the end


@dataclass
class Demo:
    con: duckdb.DuckDBPyConnection
    summary: str
    settings: Settings
    config: object
    hook: RecordingServer  # a JSON webhook that works
    down: RecordingServer  # a Slack webhook that answers 500


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("demo")
    generate(tmp / "exports", seed=11, days=45, end_date=END)
    with RecordingServer([Reply(200, "ok")]) as hook, RecordingServer([Reply(500, "down")]) as down:
        os.environ.update({"TEST_HOOK_URL": hook.url("/hook"), "TEST_DOWN_URL": down.url("/slack")})
        config = tmp / "mkpi.yml"
        config.write_text(f"reporting:\n  as_of_date: {END.isoformat()}\n"
                          "alerts:\n  backoff_seconds: 0.01\n  sinks:\n"
                          "    - type: webhook\n      url_env: TEST_HOOK_URL\n"
                          "    - type: slack\n      url_env: TEST_DOWN_URL\n")
        settings = settings_for(tmp, source_dir=tmp / "exports", config=config)
        outcome = run_nightly(settings, instance=dg.DagsterInstance.ephemeral())
        assert outcome.success, outcome.error
        con = duckdb.connect(str(settings.warehouse), read_only=True)
        report = load_report(settings.state_dir)
        summary = render_summary(settings.warehouse, outcome.seconds, report.lines())
        yield Demo(con, summary, settings, load_config(config), hook, down)
        con.close()
        for name in ("TEST_HOOK_URL", "TEST_DOWN_URL"):
            os.environ.pop(name)


def issues(con):
    return con.execute("""SELECT check_name, severity, channel, campaign, period_start, period_end
                          FROM marts.fct_tracking_issues ORDER BY ALL""").fetchall()


def test_the_planted_break_is_the_only_drop(demo):
    con = demo.con
    drops = [i for i in issues(con) if i[0].endswith("_drop")]
    break_days = (END - dt.timedelta(days=9), END - dt.timedelta(days=8))  # Meta landings lose their tags
    assert drops == [("sessions_drop", "error", "facebook", None, *break_days)]


def test_planted_tagging_defects_are_found(demo):
    con = demo.con
    found = {(check, channel, campaign) for check, _, channel, campaign, _, _ in issues(con)}
    assert ("unknown_campaign", "google", "spring_sael") in found
    assert ("click_id_without_utm", "google", None) in found
    assert ("click_id_without_utm", "facebook", None) in found
    assert ("unknown_source", "douyin_ads", None) in found
    assert ("inconsistent_spelling", "facebook", None) in found


def test_summary_names_them(demo):
    summary = demo.summary
    assert "Tracking issues: 1 error" in summary
    assert "[error] sessions_drop facebook" in summary
    flat = " ".join(line.strip() for line in summary.splitlines())
    assert "utm_campaign 'spring_sael' on google / cpc" in flat and "did you mean 'spring_sale'?" in flat
    # A long message is wrapped under its first line: no line of the section runs past 100 columns unless
    # it is one unbroken word (a file path).
    lines = summary.splitlines()
    section = lines[next(i for i, line in enumerate(lines) if line.startswith("Tracking issues:")) + 1:]
    section = section[:next(i for i, line in enumerate(section) if not line.startswith("  "))]
    assert any(line.startswith("      ") for line in section)
    assert all(len(line) <= 100 or " " not in line.strip() for line in section)


def test_one_alert_per_run_with_the_warn_and_error_issues(demo):
    (message,) = demo.hook.received
    body = message.json()
    severities = {i["severity"] for i in body["issues"]}
    assert severities == {"error", "warn"}  # info issues are below the alert severity
    assert body["issues"][0]["check"] == "sessions_drop"  # most severe first
    assert "marts.fct_tracking_issues" in body["pointer"]


def test_a_sink_that_is_down_is_retried_reported_and_costs_no_data(demo):
    assert len(demo.down.received) == 3  # retried with backoff
    # Sent after the run, the lock released: the outcome is in the state folder's last report and the summary.
    report = load_report(demo.settings.state_dir)
    assert [(d.sink, d.ok, d.detail) for d in report.deliveries] == [("webhook", True, "sent"),
                                                                     ("slack", False, "HTTP 500 after 3 tries")]
    assert "  slack: FAILED - HTTP 500 after 3 tries" in demo.summary
    assert "  webhook: sent" in demo.summary
    assert demo.con.execute("SELECT count(*) FROM marts.fct_sessions").fetchall()[0][0] > 0  # published


def test_issues_read_in_chinese_for_a_chinese_alert(demo):
    from pipelines.alerting.dispatch import read_issues
    from pipelines.alerting.messages import tracking_alert

    issues, as_of = read_issues(demo.settings.warehouse, "warn", "zh")
    drop = next(i for i in issues if i.check_name == "sessions_drop")
    assert drop.label == "访问量骤降"
    assert drop.message == ("facebook 的访问量有 2 天低于前 7 天中位数的 50.0%：请检查其落地页是否仍加载统计代码、"
                            "链接是否保留 UTM 标记。")
    text = tracking_alert(issues, as_of=as_of, warehouse="w.duckdb", language="zh").text()
    assert text.startswith(f"mkpi：截至 {as_of}，有 {len(issues)} 个新出现或加重的追踪问题")
    assert "\n错误 (1)\n- [访问量骤降] facebook: facebook 的访问量有 2 天" in text


def test_the_same_issues_are_not_sent_twice_but_a_worse_one_is(demo, tmp_path):
    # The same night's issues again (what a second run over the same data finds): nothing is sent.
    again = send_tracking_alerts(demo.config, demo.settings.warehouse, demo.settings.state_dir)
    assert again.issues_new == 0 and again.deliveries == [] and len(demo.hook.received) == 1
    # The drop gets worse (one more day): only it is sent.
    worse = tmp_path / "worse.duckdb"
    worse.write_bytes(demo.settings.warehouse.read_bytes())
    con = duckdb.connect(str(worse))
    con.execute("UPDATE marts.fct_tracking_issues SET rows_affected = rows_affected + 1 WHERE check_name = 'sessions_drop'")
    con.close()
    report = send_tracking_alerts(demo.config, worse, demo.settings.state_dir)
    assert report.issues_new == 1
    assert [i["check"] for i in demo.hook.received[-1].json()["issues"]] == ["sessions_drop"]


def test_the_outlier_checks_flag_exactly_the_planted_extreme_rows(demo):
    """The planted bursts and the framework order on the last day; the daily JPY spend and the team orders
    (8 × an ordinary order) are in proportion and pass."""
    found = demo.con.execute("""SELECT check_name, channel, campaign, period_start, spend_affected, example
                                FROM marts.fct_tracking_issues WHERE check_name LIKE '%outlier' ORDER BY ALL""").fetchall()
    assert [(f[0], f[1] if f[0] == "spend_outlier" else "", f[2] if f[0] == "spend_outlier" else "", f[3])
            for f in found] == [
        ("order_outlier", "", "", END),
        ("spend_outlier", "baidu", "双十一大促", END),
        ("spend_outlier", "google", "brand_search", END)]
    assert found[1][4] > 100_000 and found[2][4] == Decimal("100500.00")
    assert found[2][5].endswith("ad_spend_google_ads.csv line " + found[2][5].rsplit(" ", 1)[1])
    daily_jpy = demo.con.execute("""SELECT count(*) FROM intermediate.int_ad_spend_converted
                                    WHERE currency = 'JPY' AND spend < 1000000""").fetchone()[0]
    team_orders = demo.con.execute("""SELECT count(*) FROM intermediate.int_orders_converted
                                      WHERE amount_reporting BETWEEN 480 AND 3200""").fetchone()[0]
    assert daily_jpy == 44 and team_orders > 0


def test_the_dashboard_marks_the_planted_break_on_its_days(demo, tmp_path):
    from pipelines.reporting.dashboard import write_dashboard

    write_dashboard(demo.settings.warehouse, tmp_path, "2026-10", langs=("en", "zh"))
    html = (tmp_path / "dashboard-2026-10.en.html").read_text(encoding="utf-8")
    daily = html[html.index("Trends per channel group, daily"):html.index("Funnel per channel group")]
    marks = re.findall(r'<g class="marker"><title>([^<]*)</title>', daily)
    # Four charts, each marking the two days of the planted break (10-22, 10-23; with the campaigns that spent
    # without sessions on them). The outliers fall on the as-of day, after the page's last day (10-30).
    assert len(marks) == 4 * 2
    assert [m.split(": Error: ")[0] for m in marks[:2]] == ["2026-10-22", "2026-10-23"]
    assert all(": Error: Sessions drop facebook" in m for m in marks)
    chinese = (tmp_path / "dashboard-2026-10.zh.html").read_text(encoding="utf-8")
    assert "2026-10-22: 错误: 访问量骤降 facebook" in chinese and "<td>访问量骤降</td>" in chinese


def test_the_demo_large_amounts_convert_exactly_and_publish(demo):
    """Eight-figure JPY, seven-figure CNY and six-figure USD, each converted once and rounded to the cent."""
    con = demo.con
    jpy = con.execute("""SELECT spend, fx_rate, spend_reporting FROM intermediate.int_ad_spend_converted
                         WHERE currency = 'JPY' AND spend >= 1000000""").fetchall()
    assert jpy == [(Decimal("15000000"), Decimal("0.0067"), Decimal("100500.00"))]
    (cny,) = con.execute("""SELECT spend, fx_rate, spend_reporting FROM intermediate.int_ad_spend_converted
                            WHERE spend = 1250000""").fetchall()
    assert cny[2] == (cny[0] * cny[1]).quantize(Decimal("0.01"))
    assert con.execute("""SELECT amount_reporting FROM intermediate.int_orders_converted
                          WHERE amount = 128500""").fetchall() == [(Decimal("128500.00"),)]
    assert con.execute("SELECT count(*) FROM marts.fct_quarantined_rows WHERE reason LIKE '%overflow%'").fetchall() == [(0,)]


MODELS = ("first_touch", "last_touch", "last_non_direct", "linear", "position_based", "time_decay", "data_driven")


def test_every_models_credits_of_a_lead_sum_to_one(demo):
    sums = ", ".join(f"abs(sum(credit_{m}) - 1) > 1e-9" for m in MODELS)
    off = demo.con.execute(f"""SELECT lead_id FROM marts.fct_attribution_touches GROUP BY lead_id
                               HAVING greatest({sums})""").fetchall()
    leads = demo.con.execute("SELECT count(*), count(DISTINCT lead_id) FROM marts.fct_attribution_touches").fetchone()
    assert off == [] and leads[0] > leads[1] > 0  # several leads have paths of more than one touch


def test_attributed_leads_and_revenue_add_up_to_the_months_under_every_model(demo):
    con = demo.con
    leads = dict(con.execute("SELECT month, sum(leads) FROM marts.fct_channel_monthly GROUP BY month").fetchall())
    revenue = con.execute("""SELECT sum(o.amount_reporting) FROM intermediate.int_orders_attributed AS o
                             WHERE o.lead_found AND o.ordered_date < ?""", [END]).fetchone()[0]
    rows = con.execute("""SELECT model, month, sum(attributed_leads), sum(attributed_revenue), count(*)
                          FROM marts.fct_channel_attribution GROUP BY ALL HAVING sum(attributed_leads) > 0""").fetchall()
    models = {r[0] for r in rows}
    assert models == {"lead_source", *MODELS}
    for model in models:
        of_model = [r for r in rows if r[0] == model]
        assert {r[1]: round(r[2], 6) for r in of_model} == {m: n for m, n in leads.items() if n}, model
        cents = sum(r[4] for r in of_model) * Decimal("0.005")  # each row is rounded to the cent
        assert abs(sum(r[3] for r in of_model) - revenue) <= cents, model


def test_the_lead_source_model_is_the_channel_marts_rule(demo):
    attributed = demo.con.execute("""SELECT month, channel, medium, campaign, attributed_leads
                                     FROM marts.fct_channel_attribution
                                     WHERE model = 'lead_source' AND attributed_leads > 0 ORDER BY ALL""").fetchall()
    marts = demo.con.execute("""SELECT month, channel, medium, campaign, leads FROM marts.fct_channel_monthly
                                WHERE leads > 0 ORDER BY ALL""").fetchall()
    assert attributed == marts and attributed

"""Ocean Engine, Tencent Ads, Baidu Marketing and WeChat Official Account connectors against fakes on
127.0.0.1 that speak their documented shapes: several pages, throttling codes inside HTTP 200, a
server error, an expired token renewed once, refused credentials, malformed JSON, an empty range,
Chinese text kept; WeChat's span limits and the 08:00 rule; `mkpi sources check`."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
import os
import shutil
from pathlib import Path

import duckdb
import pytest
import requests

from connectors.http_core import RetryPolicy
from connectors.platforms.wechat_oa import last_ready_day
from pipelines.sources import pulling
from pipelines.configuration.mkpi_yml import RunConfig
from pipelines.settings import Settings
from pipelines.configuration.sources_yml import SourceSpec, load_sources
from tests.conftest import files_containing, run_mkpi
from tests.fake_china_platforms import NOT_SECRET, SECRETS, TOKEN_KEY, running, write_equivalent_exports
from tests.sink_servers import Reply
from tests.test_sources_run import marts

FAST = RetryPolicy(attempts=3, base_delay=0.01, jitter=0.0)
TOTAL_SHARE = RunConfig().tracking_setting("source_total_share")  # dbt_project.yml's default
AS_OF = dt.date(2026, 10, 10)  # pulls run to 2026-10-09
BEIJING_NOON = dt.datetime(2026, 10, 10, 4, 0, tzinfo=dt.timezone.utc)
# source, table, request path, rows in the fake, a throttling answer, the token platform (None: no refresh)
CASES = [
    ("ocean", "ad_spend", "/report/campaign/get/", 11, Reply(200, {"code": 40100, "message": "请求过于频繁"}), "ocean"),
    ("tencent", "ad_spend", "/daily_reports/get", 5, Reply(200, {"code": 11017, "message": "limit per minute"}), "tencent"),
    ("baidu_api", "ad_spend", "getReportData", 4,
     Reply(200, {"header": {"status": 2, "failures": [{"code": 421, "message": "超过QPS限制"}]}}), "baidu"),
    ("wechat", "social_accounts", "/datacube/getusercumulate", 9,
     Reply(200, {"errcode": 45011, "errmsg": "api minute-quota reach limit"}), "wechat"),
    ("wechat", "content", "/datacube/getarticletotal", 3, Reply(200, {"errcode": -1, "errmsg": "system error"}), "wechat"),
]
IDS = [f"{c[0]}-{c[1]}" for c in CASES]


@pytest.fixture
def fake(tmp_path, monkeypatch):
    with running(tmp_path, monkeypatch) as platforms:
        yield platforms


def pull(tmp_path, source, kind, *, as_of=AS_OF, now=BEIJING_NOON, since=None, waits=None):
    spec = load_sources(tmp_path / "sources.yml").get(source)
    settings = Settings.from_env(warehouse=tmp_path / "w.duckdb", state_dir=tmp_path / "state",
                                 sources_file=tmp_path / "sources.yml")
    return pulling.pull(settings, spec, kind, as_of=as_of, total_share=TOTAL_SHARE, now=now, since=since,
                        sleep=(waits if waits is not None else []).append, retry=FAST)


def stored(tmp_path, kind, source, columns="*"):
    con = duckdb.connect(str(tmp_path / "state" / "pulled.duckdb"), read_only=True)
    try:
        return con.execute(f"SELECT {columns} FROM pulled_{kind} WHERE _source = ? ORDER BY ALL", [source]).fetchall()
    finally:
        con.close()


@pytest.mark.parametrize("source,kind,path,expected,_throttle,_token", CASES, ids=IDS)
def test_every_page_is_pulled_with_the_requests_the_platform_requires(tmp_path, fake, source, kind, path, expected,
                                                                       _throttle, _token):
    outcome = pull(tmp_path, source, kind)
    assert outcome.ok, outcome.error
    assert fake.problems == []  # the fake refused nothing the platform would refuse
    assert outcome.result.rows == expected == len(stored(tmp_path, kind, source))
    assert len(fake.requests_to(path)) > 1  # several pages, accounts or spans


@pytest.mark.parametrize("source,kind,path,expected,throttle,_token", CASES, ids=IDS)
def test_a_throttling_code_inside_http_200_waits_and_retries(tmp_path, fake, source, kind, path, expected, throttle,
                                                             _token):
    fake.fail(path, throttle, after=1)
    waits = []
    outcome = pull(tmp_path, source, kind, waits=waits)
    assert outcome.ok, outcome.error
    assert waits and outcome.result.rows == expected


@pytest.mark.parametrize("source,kind,path,expected,_throttle,_token", CASES, ids=IDS)
def test_a_server_error_then_success(tmp_path, fake, source, kind, path, expected, _throttle, _token):
    fake.fail(path, Reply(500, "internal error"), after=1)
    outcome = pull(tmp_path, source, kind)
    assert outcome.ok, outcome.error
    assert outcome.result.rows == expected


@pytest.mark.parametrize("source,kind,path,expected,_throttle,platform",
                         [c for c in CASES if c[5]], ids=[i for i, c in zip(IDS, CASES) if c[5]])
def test_an_expired_token_is_fetched_again_once(tmp_path, fake, source, kind, path, expected, _throttle, platform):
    fake.expire_next.add(platform)  # the platform declares the first token it issues expired on its first use
    outcome = pull(tmp_path, source, kind)
    assert outcome.ok, outcome.error
    assert outcome.result.rows == expected and fake.issued[platform] == 2


@pytest.mark.parametrize("source,variable", [("ocean", "OCEAN_REFRESH_TOKEN"), ("tencent", "TENCENT_REFRESH_TOKEN"),
                                             ("baidu_api", "BAIDU_REFRESH_TOKEN"), ("wechat", "WECHAT_APP_SECRET")])
def test_a_refused_credential_names_its_variable_and_never_its_value(tmp_path, fake, monkeypatch, source, variable):
    monkeypatch.setenv(variable, "revoked-value")
    kind = load_sources(tmp_path / "sources.yml").get(source).kinds[0]
    outcome = pull(tmp_path, source, kind)
    assert not outcome.ok
    assert f"${variable} is invalid, expired or lacks the permission" in outcome.error
    assert "revoked-value" not in outcome.error and not any(v in outcome.error for v in SECRETS.values() if len(v) > 12)


@pytest.mark.parametrize("source,kind,path,_expected,_throttle,_token", CASES, ids=IDS)
def test_malformed_json_is_a_clear_failure(tmp_path, fake, source, kind, path, _expected, _throttle, _token):
    fake.fail(path, Reply(200, "<html>gateway</html>"))
    outcome = pull(tmp_path, source, kind)
    assert not outcome.ok and "returned malformed JSON" in outcome.error


@pytest.mark.parametrize("source,kind,path,_expected,_throttle,_token", CASES, ids=IDS)
def test_an_empty_range_stores_nothing_and_succeeds(tmp_path, fake, source, kind, path, _expected, _throttle, _token):
    outcome = pull(tmp_path, source, kind, since=dt.date(2026, 9, 1), as_of=dt.date(2026, 9, 10))
    assert outcome.ok, outcome.error
    assert outcome.result.rows == 0 and fake.problems == []


def test_chinese_text_is_kept_in_rows_and_raw_pages(tmp_path, fake):
    for source, kind in (("ocean", "ad_spend"), ("tencent", "ad_spend"), ("baidu_api", "ad_spend"), ("wechat", "content")):
        assert pull(tmp_path, source, kind).ok
    names = {r[0] for r in stored(tmp_path, "ad_spend", "ocean", "campaign_name")}
    assert names == {"双十一预热", "抖音信息流", "升级版项目"}  # old campaigns and an upgraded project
    assert stored(tmp_path, "ad_spend", "baidu_api", "DISTINCT campaign_name") == [("品牌词",)]
    con = duckdb.connect(str(tmp_path / "state" / "pulled.duckdb"), read_only=True)
    bodies = " ".join(b for (b,) in con.execute("SELECT body FROM raw_pages").fetchall())
    con.close()
    assert "朋友圈广告" in bodies and "跑鞋测评第1期" in bodies


def test_amounts_keys_and_accounts_map_onto_the_canonical_table(tmp_path, fake):
    assert pull(tmp_path, "tencent", "ad_spend").ok and pull(tmp_path, "ocean", "ad_spend").ok
    tencent = stored(tmp_path, "ad_spend", "tencent", "date, spend, currency, utm_campaign")
    assert tencent[0] == ("2026-10-01", "456.79", "CNY", None)  # 45679 fen
    keys = set(stored(tmp_path, "ad_spend", "ocean", "account_id, utm_campaign"))
    assert keys == {("1760000000001", None), ("1760000000002", "7002")}  # the second account tags campaigns by id


def on_tencent_v13(tmp_path) -> None:
    """The Tencent source pinned to Marketing API v1.3, whose campaign level misses the account's 3.0 ads."""
    path = tmp_path / "sources.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("    account_ids: [20001]\n",
                                                             "    account_ids: [20001]\n    api_version: v1.3\n"),
                    encoding="utf-8")


def test_every_report_adds_up_to_its_accounts_totals(tmp_path, fake):
    for source in ("ocean", "tencent", "baidu_api"):
        outcome = pull(tmp_path, source, "ad_spend")
        assert outcome.ok and outcome.result.kept_days == 0, outcome.error
        spend, totals = ({}, {})
        for table, sums in (("ad_spend", spend), ("ad_spend_totals", totals)):
            for account, day, amount in stored(tmp_path, table, source, "_account, _day, spend"):
                sums[account, day] = sums.get((account, day), Decimal(0)) + Decimal(amount)
        assert spend == totals and totals  # both hierarchies of Ocean Engine, Tencent's ad groups
    asked = {r.query["advertiser_id"][0] for r in fake.requests_to("/report/advertiser/get/")}
    assert asked == {"1760000000001", "1760000000002"}  # each Ocean Engine advertiser's own total


def test_a_restated_window_that_does_not_add_up_keeps_the_stored_days(tmp_path, fake):
    assert pull(tmp_path, "tencent", "ad_spend").ok  # 3.0's ad groups: every ad of the account
    before = stored(tmp_path, "ad_spend", "tencent", "date, campaign_name, spend")
    on_tencent_v13(tmp_path)
    again = pull(tmp_path, "tencent", "ad_spend", since=dt.date(2026, 10, 1))
    assert again.ok and again.result.kept_days == 5  # v1.3's campaigns miss the 3.0 ads' spend on all five days
    assert stored(tmp_path, "ad_spend", "tencent", "date, campaign_name, spend") == before


def test_yesterday_is_the_accounts_yesterday():
    from connectors.platforms.tencent_ads import TencentAds

    spec = SourceSpec("meta", "meta_ads", {}, dt.date(2026, 10, 1), timezone="America/Los_Angeles")
    evening_in_la = dt.datetime(2026, 10, 10, 5, 0, tzinfo=dt.timezone.utc)  # 22:00 on the 9th in Los Angeles
    assert pulling.last_day_of(object(), spec, dt.date(2026, 10, 10), evening_in_la) == dt.date(2026, 10, 8)
    china = SourceSpec("tencent", "tencent_ads", {}, dt.date(2026, 10, 1))  # the platform's zone: Beijing time
    just_past_midnight = dt.datetime(2026, 10, 9, 16, 30, tzinfo=dt.timezone.utc)  # 00:30 on the 10th in Beijing
    assert pulling.last_day_of(TencentAds, china, dt.date(2026, 10, 10), just_past_midnight) == dt.date(2026, 10, 9)
    assert pulling.last_day_of(TencentAds, china, dt.date(2026, 10, 10),
                               just_past_midnight - dt.timedelta(hours=1)) == dt.date(2026, 10, 8)


def test_a_wechat_pull_over_20_days_keeps_to_the_span_each_call_allows(tmp_path, fake):
    fake.today = "2026-11-01"
    later = dt.datetime(2026, 10, 21, 4, 0, tzinfo=dt.timezone.utc)
    outcome = pull(tmp_path, "wechat", "social_accounts", since=dt.date(2026, 10, 1), as_of=dt.date(2026, 10, 21),
                   now=later)
    assert outcome.ok, outcome.error
    spans = [(r.json()["begin_date"], r.json()["end_date"]) for r in fake.requests_to("/datacube/getusersummary")]
    assert spans == [("2026-10-01", "2026-10-07"), ("2026-10-08", "2026-10-14"), ("2026-10-15", "2026-10-20")]
    assert len(fake.requests_to("/datacube/getusercumulate")) == 3 and fake.problems == []
    articles = pull(tmp_path, "wechat", "content", since=dt.date(2026, 10, 1), as_of=dt.date(2026, 10, 21), now=later)
    days = [r.json()["begin_date"] for r in fake.requests_to("/datacube/getarticletotal")]
    assert articles.ok and days == [f"2026-10-{d:02d}" for d in range(1, 21)]  # one call per day
    assert all(r.json()["begin_date"] == r.json()["end_date"] for r in fake.requests_to("/datacube/getarticletotal"))
    assert fake.issued["wechat"] == 1  # the stable token: one for both pulls and their 46 calls


def test_yesterday_is_pulled_only_after_8_beijing_time(tmp_path, fake):
    before = dt.datetime(2026, 10, 9, 23, 59, tzinfo=dt.timezone.utc)  # 07:59 on the 10th in Beijing
    assert last_ready_day(before) == dt.date(2026, 10, 8)
    assert last_ready_day(before + dt.timedelta(minutes=1)) == dt.date(2026, 10, 9)
    outcome = pull(tmp_path, "wechat", "social_accounts", now=before)
    assert outcome.ok and outcome.result.window == "2026-10-01 to 2026-10-08"


@pytest.mark.parametrize("request_args, answer", [
    (("GET", "/open_api/2/report/campaign/get/", {}), {"code": 40104}),
    (("GET", "/v1.3/daily_reports/get", {"params": {"access_token": "x"}}), {"code": 12000}),
    (("POST", "/json/sms/service/OpenApiReportService/getReportData", {"json": {"header": {}}}), {"status": 2}),
    (("POST", "/datacube/getusersummary", {"json": {}}), {"errcode": 41001}),
])
def test_the_fakes_refuse_what_the_platforms_refuse(fake, request_args, answer):
    method, path, kwargs = request_args
    body = requests.request(method, fake.url + path, timeout=10, **kwargs).json()
    found = body.get("header", body)
    assert {k: found.get(k) for k in answer} == answer


def test_sources_check_covers_the_four_platforms(tmp_path, fake, monkeypatch):
    monkeypatch.setenv("TENCENT_REFRESH_TOKEN", "revoked")
    result = run_mkpi("sources", "check", "--warehouse", str(tmp_path / "w.duckdb"),
                      env={"MKPI_SOURCES": str(tmp_path / "sources.yml")})
    lines = result.stdout.strip().splitlines()
    assert [line.split()[:2] for line in lines] == [["ok", "ocean"], ["FAIL", "tencent"], ["ok", "baidu_api"],
                                                    ["ok", "wechat"]], result.stdout + result.stderr
    assert "$TENCENT_REFRESH_TOKEN" in lines[1] and "revoked" not in result.stdout
    assert json.dumps(SECRETS["OCEAN_SECRET"])[1:-1] not in result.stdout + result.stderr


def test_mkpi_run_on_the_four_platforms_builds_the_marts_of_their_exports_and_keeps_no_secret(tmp_path, fake):
    config = tmp_path / "mkpi.yml"
    config.write_text("reporting:\n  currency: USD\n  timezone: UTC\n  as_of_date: 2026-10-10\n", encoding="utf-8")
    exports, api_only = tmp_path / "exports", tmp_path / "api_only"
    exports.mkdir()
    api_only.mkdir()
    write_equivalent_exports(fake, exports)
    (api_only / "fx_rates.csv").write_bytes((exports / "fx_rates.csv").read_bytes())  # rates stay a file

    def night(folder, warehouse, sources, **env):
        return run_mkpi("run", "--source-dir", str(folder), "--warehouse", str(tmp_path / warehouse),
                        "--config", str(config), env={"MKPI_SOURCES": str(sources), **env})

    from_files = night(exports, "files.duckdb", tmp_path / "no-sources.yml")
    assert from_files.returncode == 0, from_files.stderr
    from_apis = night(api_only, "apis.duckdb", tmp_path / "sources.yml")
    assert from_apis.returncode == 0, from_apis.stderr
    assert fake.problems == []
    expected, actual = marts(tmp_path / "files.duckdb"), marts(tmp_path / "apis.duckdb")
    assert expected["fct_channel_daily"] and expected["fct_social_accounts_monthly"] and expected["fct_content_items"]
    for table in expected:
        assert actual[table] == expected[table], table

    issues = duckdb.connect(str(tmp_path / "apis.duckdb"), read_only=True).execute(
        "SELECT count(*) FROM marts.fct_tracking_issues WHERE check_name = 'source_total_mismatch'").fetchone()
    assert issues == (0,)  # every API report added up to its accounts' totals

    on_tencent_v13(tmp_path)  # a hierarchy gap: the 3.0 ads' spend is missing from v1.3's campaign level
    state = Path(os.environ["MKPI_STATE_DIR"])
    (tmp_path / "gap-state").mkdir()  # a fresh pull store, with the refresh tokens the platforms rotated so far
    shutil.copy(state / "tokens.enc.json", tmp_path / "gap-state" / "tokens.enc.json")
    gap = night(api_only, "gap.duckdb", tmp_path / "sources.yml", MKPI_STATE_DIR=str(tmp_path / "gap-state"))
    assert gap.returncode == 0, gap.stderr
    con = duckdb.connect(str(tmp_path / "gap.duckdb"), read_only=True)
    found = con.execute("""SELECT channel, example, rows_affected, message FROM marts.fct_tracking_issues
                           WHERE check_name = 'source_total_mismatch'""").fetchall()
    con.close()
    assert [f[:3] for f in found] == [("tencent_ads", "20001", 5)]
    assert "differ from the account's own daily total by up to 456.83 CNY" in found[0][3]

    secrets = [v for k, v in {**SECRETS, **TOKEN_KEY}.items() if k not in NOT_SECRET]
    secrets += [fake.token(p) for p, n in fake.issued.items() if n] + [token for token, _ in fake.refresh.values()]
    leaks = [(str(p), s) for s in secrets for p in files_containing(tmp_path, s.encode())]
    leaks += [("console", s) for s in secrets if s in from_apis.stdout + from_apis.stderr]
    assert leaks == []

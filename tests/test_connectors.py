"""Every API connector against a real server on 127.0.0.1 that speaks its platform's documented shapes:
several pages, 429 with Retry-After, 500 then success, 401, malformed JSON, an empty range; plus the
incremental pull: overlapping windows, restated days, modified records, nothing doubled."""

from __future__ import annotations

import datetime as dt
import json

import duckdb
import pytest

from connectors.http_core import RetryPolicy
from connectors.platforms.google_ads import API_VERSION
from pipelines.sources import pulling
from pipelines.configuration.mkpi_yml import RunConfig
from pipelines.settings import Settings
from pipelines.configuration.sources_yml import load_sources
from tests.fake_platforms import ACCESS_TOKEN, SECRETS, FakePlatforms, populate, sources_yml
from tests.sink_servers import Reply

FAST = RetryPolicy(attempts=3, base_delay=0.01, jitter=0.0)
TOTAL_SHARE = RunConfig().tracking_setting("source_total_share")  # dbt_project.yml's default
AS_OF = dt.date(2026, 10, 10)  # pulls run to 2026-10-09
# source, table, the request path the faults go to, rows in the fake's data, the credential's variable
CASES = [
    ("google_ads", "ad_spend", "googleAds:searchStream", 10, "GOOGLE_REFRESH_TOKEN"),
    ("meta", "ad_spend", "/insights", 5, "META_ACCESS_TOKEN"),
    ("hubspot", "leads", "/contacts/search", 5, "HUBSPOT_TOKEN"),
    ("hubspot", "orders", "/deals/search", 2, "HUBSPOT_TOKEN"),
    ("ga4", "traffic_daily", ":runReport", 9, "GOOGLE_REFRESH_TOKEN"),
    ("baidu", "ad_spend", "getReportData", 3, "BAIDU_TOKEN"),
]
IDS = [f"{c[0]}-{c[1]}" for c in CASES]


@pytest.fixture
def fake(tmp_path, monkeypatch):
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    with FakePlatforms() as platforms:
        populate(platforms)
        sources_yml(platforms, tmp_path / "sources.yml")
        yield platforms


def settings(tmp_path) -> Settings:
    return Settings.from_env(warehouse=tmp_path / "warehouse.duckdb", state_dir=tmp_path / "state",
                             sources_file=tmp_path / "sources.yml")


def pull(tmp_path, source, kind, *, as_of=AS_OF, since=None, waits=None):
    spec = load_sources(tmp_path / "sources.yml").get(source)
    return pulling.pull(settings(tmp_path), spec, kind, as_of=as_of, total_share=TOTAL_SHARE, since=since,
                        sleep=(waits if waits is not None else []).append, retry=FAST)


def stored(tmp_path, kind, source, columns="*", order="1"):
    con = duckdb.connect(str(settings(tmp_path).pull_store), read_only=True)
    try:
        return con.execute(f"SELECT {columns} FROM pulled_{kind} WHERE _source = ? ORDER BY {order}", [source]).fetchall()
    finally:
        con.close()


@pytest.mark.parametrize("source,kind,path,expected,_env", CASES, ids=IDS)
def test_every_page_is_pulled_with_the_requests_the_api_requires(tmp_path, fake, source, kind, path, expected, _env):
    outcome = pull(tmp_path, source, kind)
    assert outcome.ok, outcome.error
    assert fake.problems == []  # the server refused nothing a real API would refuse
    assert outcome.result.rows == expected == len(stored(tmp_path, kind, source))
    assert len(fake.requests_to(path)) > 1  # several pages (or accounts)


@pytest.mark.parametrize("source,kind,path,expected,_env", CASES, ids=IDS)
def test_a_429_waits_as_long_as_retry_after_says(tmp_path, fake, source, kind, path, expected, _env):
    fake.fail(path, Reply(429, {"error": {"message": "rate limited"}}, headers={"Retry-After": "3"}), after=1)
    waits = []
    outcome = pull(tmp_path, source, kind, waits=waits)
    assert outcome.ok, outcome.error
    assert 3.0 in waits and outcome.result.rows == expected


@pytest.mark.parametrize("source,kind,path,expected,_env", CASES, ids=IDS)
def test_a_500_then_success_loses_nothing(tmp_path, fake, source, kind, path, expected, _env):
    fake.fail(path, Reply(500, {"error": {"message": "backend error"}}), after=1)
    outcome = pull(tmp_path, source, kind)
    assert outcome.ok, outcome.error
    assert len(stored(tmp_path, kind, source)) == expected


@pytest.mark.parametrize("source,kind,path,expected,env", CASES, ids=IDS)
def test_a_401_names_the_credential_variable_and_keeps_the_last_good_data(tmp_path, fake, source, kind, path,
                                                                          expected, env):
    assert pull(tmp_path, source, kind).ok
    fake.fail(path, Reply(401, {"error": {"message": "Request had invalid authentication credentials."}}))
    outcome = pull(tmp_path, source, kind, since=dt.date(2026, 10, 1))
    assert not outcome.ok
    assert f"${env}" in outcome.error and "invalid, expired or lacks the permission" in outcome.error
    assert outcome.error.startswith(f"{source}: ")
    assert not any(secret in outcome.error for secret in [*SECRETS.values(), ACCESS_TOKEN])
    assert len(stored(tmp_path, kind, source)) == expected  # the failed pull changed nothing
    con = duckdb.connect(str(settings(tmp_path).pull_store), read_only=True)
    status = con.execute("SELECT status, message FROM connector_state WHERE source = ? AND stream = ?",
                         [source, kind]).fetchone()
    con.close()
    assert status == ("failed", outcome.error)


@pytest.mark.parametrize("source,kind,path,expected,_env", CASES, ids=IDS)
def test_malformed_json_is_a_clear_error(tmp_path, fake, source, kind, path, expected, _env):
    fake.fail(path, Reply(200, '{"results": [ {"id": '))
    outcome = pull(tmp_path, source, kind)
    assert not outcome.ok and "returned malformed JSON" in outcome.error and source in outcome.error
    assert stored(tmp_path, kind, source) == []


@pytest.mark.parametrize("source,kind,path,expected,_env", CASES, ids=IDS)
def test_an_empty_range_is_a_successful_pull_of_nothing(tmp_path, fake, source, kind, path, expected, _env):
    outcome = pull(tmp_path, source, kind, as_of=dt.date(2026, 11, 30), since=dt.date(2026, 11, 1))
    assert outcome.ok, outcome.error
    assert outcome.result.rows == 0 and fake.problems == []


def test_a_wrong_refresh_token_names_its_variable(tmp_path, fake, monkeypatch):
    monkeypatch.setenv("GOOGLE_REFRESH_TOKEN", "revoked-token")
    outcome = pull(tmp_path, "google_ads", "ad_spend")
    assert not outcome.ok
    assert outcome.error.startswith("google_ads (OAuth token): POST /token was refused (HTTP 400: invalid_grant)")
    assert "$GOOGLE_REFRESH_TOKEN" in outcome.error and "revoked-token" not in outcome.error


def test_google_ads_sends_the_oauth_token_developer_token_and_manager_id(tmp_path, fake):
    assert pull(tmp_path, "google_ads", "ad_spend").ok
    token_calls = fake.requests_to("/token")
    assert len(token_calls) == 1  # the access token is reused until it expires
    searches = fake.requests_to("googleAds:searchStream")
    customers = [f"/{API_VERSION}/customers/1234567890/googleAds:searchStream",
                 f"/{API_VERSION}/customers/9876543210/googleAds:searchStream"]
    # each customer's daily totals (FROM customer), then its campaigns (FROM campaign)
    assert [(r.path, r.json()["query"].split(" FROM ")[1].split()[0]) for r in searches] == \
        [(c, "customer") for c in customers] + [(c, "campaign") for c in customers]
    for r in searches:
        assert r.headers["Authorization"] == f"Bearer {ACCESS_TOKEN}"
        assert r.headers["developer-token"] == SECRETS["GOOGLE_ADS_DEVELOPER_TOKEN"]
        assert r.headers["login-customer-id"] == "1112223333"
        assert "segments.date BETWEEN '2026-10-01' AND '2026-10-09'" in r.json()["query"]
    spend = stored(tmp_path, "ad_spend", "google_ads", "spend", "date, campaign_id")
    assert spend[0] == ("12.35",)  # 12,350,000 micros, exactly


def test_meta_pages_by_cursor_keeps_the_token_out_of_the_url_and_slows_down_near_its_limit(tmp_path, fake):
    fake.usage_header = '{"555": [{"type": "ads_insights", "call_count": 80, "total_cputime": 10, "total_time": 12, "estimated_time_to_regain_access": 0}]}'
    waits = []
    assert pull(tmp_path, "meta", "ad_spend", waits=waits).ok
    calls = fake.requests_to("/insights")
    assert [c.query["level"][0] for c in calls] == ["account", "campaign", "campaign", "campaign"]  # totals first
    assert [c.query.get("after", [None])[0] for c in calls[1:]] == [None, "cursor-2", "cursor-4"]
    assert all("access_token" not in c.query and c.query["time_increment"] == ["1"] for c in calls)
    assert calls[0].headers["Authorization"] == f"Bearer {SECRETS['META_ACCESS_TOKEN']}"
    assert waits.count(12.0) == 4  # 80 % of the budget used: a pause after every call
    assert stored(tmp_path, "ad_spend", "meta", "spend", "date")[0] == ("8.50",)  # the string as Meta sent it


def test_hubspot_reads_portals_as_they_are_set_up(tmp_path, fake):
    """A subscriber is not a lead; a contact without utm_* properties gets its first page's tags; a deal won in
    a second pipeline (its own stage id, hs_is_closed_won true) is an order; a contact that became a lead later
    arrives then."""
    fake.contacts[0]["properties"]["lifecyclestage"] = "subscriber"
    fake.contacts[1]["properties"].update(utm_source=None, utm_medium=None, utm_campaign=None,
                                          hs_analytics_first_url="https://shop.example/landing?utm_source=weibo"
                                                                 "&utm_medium=social&utm_campaign=winter%20launch")
    fake.won_stages.add("contractsigned_partners")  # the partners pipeline's won stage
    fake.deals[2]["properties"].update(dealstage="contractsigned_partners", closedate="2026-10-05T16:30:00.000Z")
    assert pull(tmp_path, "hubspot", "leads").ok
    leads = stored(tmp_path, "leads", "hubspot", "lead_id, utm_source, utm_medium, utm_campaign")
    assert [lead[0] for lead in leads] == ["102", "103", "104", "105"]
    assert leads[0] == ("102", "weibo", "social", "winter launch")
    assert pull(tmp_path, "hubspot", "orders").ok
    assert [o[0] for o in stored(tmp_path, "orders", "hubspot", "order_id")] == ["9001", "9002", "9003"]
    fake.contacts[0]["properties"].update(lifecyclestage="marketingqualifiedlead",
                                          lastmodifieddate="2026-10-09T10:00:00.000Z")
    assert pull(tmp_path, "hubspot", "leads", as_of=AS_OF + dt.timedelta(days=1)).ok
    assert [lead[0] for lead in stored(tmp_path, "leads", "hubspot", "lead_id")] == ["101", "102", "103", "104", "105"]


def test_meta_spend_of_a_campaign_deleted_inside_the_window_survives_the_next_pull(tmp_path, fake):
    assert pull(tmp_path, "meta", "ad_spend").ok
    before = stored(tmp_path, "ad_spend", "meta", "date, campaign_id, spend")
    for row in fake.meta["555"]:  # the campaign is deleted: Meta leaves it out unless deleted ads are asked for
        row["_status"] = "DELETED"
    # Re-fetched from the 1st, so the whole window is replaced by what Meta answers now.
    assert pull(tmp_path, "meta", "ad_spend", since=dt.date(2026, 10, 1)).ok
    assert stored(tmp_path, "ad_spend", "meta", "date, campaign_id, spend") == before and len(before) == 5
    filtering = json.loads(fake.requests_to("/insights")[-1].query["filtering"][0])
    assert {"DELETED", "ARCHIVED"} <= set(filtering[0]["value"]) and filtering[0]["field"] == "ad.effective_status"


def test_meta_invalid_token_error_190_is_a_credential_error(tmp_path, fake, monkeypatch):
    monkeypatch.setenv("META_ACCESS_TOKEN", "expired")
    outcome = pull(tmp_path, "meta", "ad_spend")
    assert not outcome.ok and "$META_ACCESS_TOKEN is invalid" in outcome.error and "code 190" not in outcome.error


def test_hubspot_links_won_deals_to_their_contact_and_hashes_personal_data(tmp_path, fake):
    assert pull(tmp_path, "hubspot", "orders").ok
    assert stored(tmp_path, "orders", "hubspot", "order_id, lead_id, amount, status") == [
        ("9001", "101", "1200.00", "closedwon"), ("9002", "102", "480.50", "closedwon")]
    assert fake.requests_to("/associations/")[0].json() == {"inputs": [{"id": "9001"}, {"id": "9002"}]}
    assert pull(tmp_path, "hubspot", "leads").ok
    searches = fake.requests_to("/contacts/search")
    assert [s.json().get("after") for s in searches] == [None, "2", "4"]
    con = duckdb.connect(str(settings(tmp_path).pull_store), read_only=True)
    pages = " ".join(b for (b,) in con.execute("SELECT body FROM raw_pages").fetchall())
    con.close()
    assert "@example.com" not in pages


def test_ga4_pages_by_offset_until_row_count(tmp_path, fake):
    assert pull(tmp_path, "ga4", "traffic_daily").ok
    assert [r.json()["offset"] for r in fake.requests_to(":runReport")] == ["0", "2", "4", "6", "8"]
    assert stored(tmp_path, "traffic_daily", "ga4", "date, source, sessions", "date, source")[0] == (
        "2026-10-01", "(direct)", "102")


def test_a_second_night_over_an_overlapping_window_picks_up_the_restated_day_without_duplicates(tmp_path, fake):
    assert pull(tmp_path, "meta", "ad_spend", as_of=dt.date(2026, 10, 4)).result.rows == 3  # 1st to 3rd
    fake.meta["555"][1]["spend"] = "99.99"  # Meta restates the 2nd
    second = pull(tmp_path, "meta", "ad_spend", as_of=dt.date(2026, 10, 6))  # look-back 3 days: from the 1st
    assert second.ok and second.result.window == "2026-10-01 to 2026-10-05"
    rows = stored(tmp_path, "ad_spend", "meta", "date, spend", "date")
    assert rows == [("2026-10-01", "8.50"), ("2026-10-02", "99.99"), ("2026-10-03", "10.50"), ("2026-10-04", "11.50"),
                    ("2026-10-05", "12.50")]
    again = pull(tmp_path, "meta", "ad_spend", as_of=dt.date(2026, 10, 6))  # re-running the night
    assert again.ok and stored(tmp_path, "ad_spend", "meta", "date, spend", "date") == rows


def test_modified_records_replace_their_old_version_and_lost_deals_leave_the_orders(tmp_path, fake):
    assert pull(tmp_path, "hubspot", "leads").ok and pull(tmp_path, "hubspot", "orders").ok
    fake.contacts[1]["properties"].update(hs_lead_status="QUALIFIED", lastmodifieddate="2026-10-08T08:00:00.000Z")
    fake.deals[1]["properties"].update(dealstage="closedlost", hs_lastmodifieddate="2026-10-08T09:00:00.000Z")
    assert pull(tmp_path, "hubspot", "leads").ok and pull(tmp_path, "hubspot", "orders").ok
    leads = stored(tmp_path, "leads", "hubspot", "lead_id, status", "lead_id")
    assert leads == [("101", "NEW"), ("102", "QUALIFIED"), ("103", "NEW"), ("104", "NEW"), ("105", "NEW")]
    assert stored(tmp_path, "orders", "hubspot", "order_id", "order_id") == [("9001",)]
    incremental = fake.requests_to("/contacts/search")[-1].json()
    since = int(incremental["filterGroups"][0]["filters"][0]["value"])
    # From the newest modification seen (2026-10-05 10:00 UTC) minus the 3-day look-back.
    assert since == int(dt.datetime(2026, 10, 2, 10, tzinfo=dt.timezone.utc).timestamp() * 1000)


def test_a_pull_that_fails_after_two_pages_is_rolled_back_and_the_next_completes(tmp_path, fake):
    assert pull(tmp_path, "meta", "ad_spend", as_of=dt.date(2026, 10, 4)).ok
    before = stored(tmp_path, "ad_spend", "meta")
    fake.meta["555"][0]["spend"] = "1.00"
    fake.fail("/insights", Reply(400, {"error": {"message": "Unsupported get request", "code": 100}}), after=2)
    failed = pull(tmp_path, "meta", "ad_spend", as_of=dt.date(2026, 10, 8))
    assert not failed.ok and len(fake.requests_to("/insights")) == 3 + 3  # each pull: the totals, then the pages
    assert stored(tmp_path, "ad_spend", "meta") == before  # the failed pull's totals and first page are not kept
    done = pull(tmp_path, "meta", "ad_spend", as_of=dt.date(2026, 10, 8))
    assert done.ok
    rows = stored(tmp_path, "ad_spend", "meta", "date, spend", "date")
    assert [r[0] for r in rows] == [f"2026-10-0{d}" for d in range(1, 6)] and rows[0][1] == "1.00"

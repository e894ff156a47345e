"""`mkpi run` and `mkpi sources` with sources.yml pointing at the local fake platforms: the same marts
as from the equivalent exports, no secret anywhere, a failing source that does not stop the night,
and a pull killed mid-way that the next run completes."""

from __future__ import annotations

import signal
import subprocess
import threading
import time

import duckdb
import pytest
import requests

from tests.conftest import MKPI, files_containing, run_mkpi
from tests.fake_platforms import ACCESS_TOKEN, SECRETS, FakePlatforms, populate, sources_yml, write_equivalent_exports, write_fx_rates

CONFIG = "reporting:\n  currency: USD\n  timezone: UTC\n  as_of_date: 2026-10-10\n"


@pytest.fixture
def fake(tmp_path, monkeypatch):
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    (tmp_path / "mkpi.yml").write_text(CONFIG, encoding="utf-8")
    with FakePlatforms() as platforms:
        populate(platforms)
        sources_yml(platforms, tmp_path / "sources.yml")
        yield platforms


def mkpi_run(tmp_path, source_dir, warehouse, sources):
    return run_mkpi("run", "--source-dir", str(source_dir), "--warehouse", str(tmp_path / warehouse),
                    "--config", str(tmp_path / "mkpi.yml"), env={"MKPI_SOURCES": str(sources)})


def marts(path) -> dict[str, list]:
    """Every mart table's rows, without the columns that say which file or page a row came from."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = [t for (t,) in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'marts' ORDER BY 1").fetchall()]
        out = {}
        for table in tables:
            cols = [c for (c,) in con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = 'marts' AND table_name = ? "
                "ORDER BY ordinal_position", [table]).fetchall() if "file" not in c and c != "_line"]
            out[table] = con.execute(f"SELECT {', '.join(cols)} FROM marts.{table} ORDER BY ALL").fetchall()
        return out
    finally:
        con.close()


def test_the_api_sources_build_the_same_marts_as_the_exports_and_no_secret_leaks(tmp_path, fake):
    exports, api_only = tmp_path / "exports", tmp_path / "api_only"
    exports.mkdir()
    api_only.mkdir()
    write_equivalent_exports(fake, exports)
    write_fx_rates(api_only)  # exchange rates stay a file; everything else comes from the APIs

    from_files = mkpi_run(tmp_path, exports, "files.duckdb", tmp_path / "no-sources.yml")
    assert from_files.returncode == 0, from_files.stderr
    from_apis = mkpi_run(tmp_path, api_only, "apis.duckdb", tmp_path / "sources.yml")
    assert from_apis.returncode == 0, from_apis.stderr
    assert fake.problems == []

    expected, actual = marts(tmp_path / "files.duckdb"), marts(tmp_path / "apis.duckdb")
    assert sum(len(r) for r in expected.values()) > 50 and expected["fct_channel_daily"]
    assert actual.keys() == expected.keys()
    for table in expected:
        assert actual[table] == expected[table], table

    secrets = [*SECRETS.values(), ACCESS_TOKEN]
    leaks = [(str(p), s) for s in secrets for p in files_containing(tmp_path, s.encode())]
    leaks += [("console", s) for s in secrets if s in from_apis.stdout + from_apis.stderr]
    assert leaks == []


def test_a_failing_source_keeps_its_last_good_data_and_raises_a_tracking_issue(tmp_path, fake, monkeypatch):
    api_only = tmp_path / "api_only"
    api_only.mkdir()
    write_fx_rates(api_only)
    assert mkpi_run(tmp_path, api_only, "apis.duckdb", tmp_path / "sources.yml").returncode == 0
    before = marts(tmp_path / "apis.duckdb")

    sources_yml(fake, tmp_path / "sources.yml", retries=1)
    monkeypatch.setenv("META_ACCESS_TOKEN", "expired-token")
    monkeypatch.delenv("HUBSPOT_TOKEN")
    calls = len(fake.requests_to("/insights"))
    second = mkpi_run(tmp_path, api_only, "apis.duckdb", tmp_path / "sources.yml")
    assert second.returncode == 0, second.stderr
    assert len(fake.requests_to("/insights")) == calls + 2  # Dagster retried the step once
    assert "the environment variable $HUBSPOT_TOKEN (access_token) is not set" in second.stderr.splitlines()[0]

    after = marts(tmp_path / "apis.duckdb")
    assert after["fct_channel_daily"] == before["fct_channel_daily"]  # Meta's spend is still there
    con = duckdb.connect(str(tmp_path / "apis.duckdb"), read_only=True)
    issues = con.execute("SELECT channel, severity, message FROM marts.fct_tracking_issues "
                         "WHERE check_name = 'source_pull_failed' ORDER BY channel DESC").fetchall()
    con.close()
    assert [i[:2] for i in issues] == [("meta", "warn"), ("hubspot", "warn"), ("hubspot", "warn")]
    assert all("$HUBSPOT_TOKEN (access_token) is not set" in i[2] for i in issues[1:])
    assert "$META_ACCESS_TOKEN is invalid" in issues[0][2] and "up to 2026-10-09" in issues[0][2]
    assert "expired-token" not in issues[0][2]


def test_a_pull_killed_mid_way_is_completed_by_the_next_without_loss_or_duplicates(tmp_path, fake):
    env = {"MKPI_SOURCES": str(tmp_path / "sources.yml"), "MKPI_CONFIG": str(tmp_path / "mkpi.yml")}
    release = threading.Event()
    fake.pause_on = ("/insights", 3, release)  # hold the third page's request
    child = subprocess.Popen([MKPI, "sources", "pull", "meta"], env={**__import__("os").environ, **env},
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while len(fake.requests_to("/insights")) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(fake.requests_to("/insights")) == 3  # pages 1 and 2 were served
    child.send_signal(signal.SIGKILL)
    child.wait(10)
    release.set()
    fake.pause_on = None

    done = run_mkpi("sources", "pull", "meta", env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ok    meta ad_spend: 5 rows in 3 page(s), 2026-10-01 to 2026-10-09" in done.stdout
    con = duckdb.connect(str(tmp_path / "state" / "pulled.duckdb"), read_only=True)
    rows = con.execute("SELECT date, campaign_id, count(*) FROM pulled_ad_spend GROUP BY ALL ORDER BY 1").fetchall()
    con.close()
    assert rows == [(f"2026-10-0{d}", "21", 1) for d in range(1, 6)]


def test_sources_check_prints_one_line_per_source(tmp_path, fake, monkeypatch):
    monkeypatch.delenv("HUBSPOT_TOKEN")
    result = run_mkpi("sources", "check", env={"MKPI_SOURCES": str(tmp_path / "sources.yml")})
    lines = result.stdout.strip().splitlines()
    assert result.returncode == 1
    assert [line.split()[:2] for line in lines] == [["ok", "google_ads"], ["ok", "meta"], ["FAIL", "hubspot"],
                                                    ["ok", "ga4"], ["ok", "baidu"]]
    assert "the environment variable $HUBSPOT_TOKEN (access_token) is not set" in lines[2]


def test_sources_check_names_each_api_version_warns_before_its_end_and_fails_after(tmp_path, fake):
    from connectors.platforms.api_versions import DEFAULTS

    def check(as_of, google=None, meta=None):
        text = (tmp_path / "sources.yml").read_text(encoding="utf-8")
        pinned = tmp_path / f"pinned-{as_of}.yml"
        for name, version in (("google_ads", google), ("meta", meta)):
            if version:
                text = text.replace(f"  - name: {name}\n", f"  - name: {name}\n    api_version: {version}\n", 1)
        pinned.write_text(text, encoding="utf-8")
        (tmp_path / "mkpi.yml").write_text(CONFIG.replace("2026-10-10", as_of), encoding="utf-8")
        result = run_mkpi("sources", "check", "--config", str(tmp_path / "mkpi.yml"), env={"MKPI_SOURCES": str(pinned)})
        return result.returncode, result.stdout.strip().splitlines()

    code, lines = check("2026-12-07")
    assert code == 0
    assert lines[0].startswith("ok    google_ads (google_ads): ") and lines[0].endswith(
        f"; Google Ads API {DEFAULTS['google_ads']}, no end date announced")
    assert lines[1].endswith(f"; Meta Marketing API {DEFAULTS['meta_ads']}, no end date announced")
    # Pinned to versions the platforms switch off: v22 ended on 7 October 2026 (no request is made); Meta's
    # v25.0 ends on 23 February 2027, 44 days after 10 January: a warning, and the check still passes.
    searches = len(fake.requests_to("googleAds:searchStream")) + len(fake.requests_to("/customers"))
    code, lines = check("2027-01-10", google="v22", meta="v25.0")
    assert code == 1
    assert lines[0] == ("FAIL  google_ads (google_ads): Google Ads API v22 was switched off on 2026-10-07: every "
                        f"request fails; remove api_version from sources.yml to use mkpi's {DEFAULTS['google_ads']}")
    assert len(fake.requests_to("googleAds:searchStream")) + len(fake.requests_to("/customers")) == searches
    assert lines[1].startswith("WARN  meta (meta_ads): ") and lines[1].endswith(
        "Meta Marketing API v25.0 is switched off on 2027-02-23, in 44 days: remove api_version from sources.yml "
        f"to use mkpi's {DEFAULTS['meta_ads']}")


def test_a_pull_pinned_to_a_switched_off_version_fails_at_once_as_the_platform_would(tmp_path, fake):
    sunset = requests.post(f"{fake.url}/v22/customers/1234567890/googleAds:searchStream", json={}, timeout=10)
    assert sunset.status_code == 404  # the fake, like Google, answers nothing on a version past its sunset
    path = tmp_path / "sources.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("    type: google_ads\n",
                                                             "    type: google_ads\n    api_version: v22\n"),
                    encoding="utf-8")
    (tmp_path / "mkpi.yml").write_text(CONFIG, encoding="utf-8")
    result = run_mkpi("sources", "pull", "google_ads", "--config", str(tmp_path / "mkpi.yml"),
                      env={"MKPI_SOURCES": str(path)})
    assert result.returncode == 1 and "Google Ads API v22 was switched off on 2026-10-07" in result.stdout
    assert len(fake.requests_to("/v22/")) == 1  # the pull sent nothing: only the request above


def test_mkpi_run_stops_before_anything_on_a_bad_sources_file(tmp_path, fake):
    (tmp_path / "sources.yml").write_text("sources:\n  - name: meta\n    type: meta_ads\n    ad_account_ids: [1]\n",
                                          encoding="utf-8")
    result = mkpi_run(tmp_path, tmp_path, "w.duckdb", tmp_path / "sources.yml")
    assert result.returncode == 2 and not (tmp_path / "w.duckdb").exists()
    assert result.stderr.strip() == (f"error: {tmp_path}/sources.yml, line 2, sources[0]: meta_ads source 'meta' "
                                     f"needs 'access_token_env'")

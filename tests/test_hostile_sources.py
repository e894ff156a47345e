"""A night whose API sources turn hostile after a good night: a redirect to another origin with the token,
a body that trickles, a Retry-After of a day, paging without end, a gzip bomb. Each source ends within its
budget with one line saying why, keeps the rows of its last good pull, and the night publishes the rest."""

from __future__ import annotations

import gzip
import json
import time
from dataclasses import dataclass, field

import duckdb
import pytest

from tests.conftest import run_mkpi
from tests.sink_servers import DripServer, LocalHttpServer, Received, RecordingServer, Reply

SECRET = "HOSTILE-KEY-SECRET-7"
CONFIG = "reporting:\n  currency: USD\n  timezone: UTC\n  as_of_date: 2026-10-10\n"
BOMB = gzip.compress(b'{"data": [' + b" " * (80 * 2**20) + b"]}", compresslevel=9)


@dataclass
class Platform(LocalHttpServer):
    """A json_api platform: one day of spend for its campaign, until `behaviour` says otherwise."""
    campaign: str = ""
    behaviour: str = "good"
    received: list[Received] = field(default_factory=list)

    def answer(self, request: Received) -> Reply:
        self.received.append(request)
        good = {"data": [{"date": "2026-10-05", "campaign": self.campaign, "spend": "10.00"}], "next": None}
        if self.behaviour == "redirect":
            return Reply(302, "", headers={"Location": self.elsewhere + "/collect"})
        if self.behaviour == "patient":
            return Reply(429, {"error": "slow down"}, headers={"Retry-After": "86400"})
        if self.behaviour == "endless":
            return Reply(200, {**good, "next": f"c{len(self.received)}"})
        if self.behaviour == "bomb":
            return Reply(200, BOMB, headers={"Content-Encoding": "gzip", "Content-Type": "application/json"})
        return Reply(200, good)


SOURCES = ("redirected", "trickling", "patient", "endless", "bomb")


def sources_yml(urls: dict[str, str]) -> str:
    lines = ["defaults: {start_date: 2026-10-01, retries: 0, timeout_seconds: 0.5, time_budget_seconds: 2, max_pages: 20}",
             "sources:"]
    for name, url in urls.items():
        lines.append(
            f"  - {{name: {name}, type: json_api, kind: ad_spend, url: '{url}/report', records: data, "
            "fields: {date: date, campaign_name: campaign, spend: spend}, constants: {platform: google, currency: USD}, "
            "auth: {header: X-Api-Key, prefix: '', secret_env: HOSTILE_KEY}, "
            "paging: {style: cursor, param: cursor, cursor_path: next}}")
    return "\n".join(lines) + "\n"


def test_hostile_sources_end_within_their_budget_keep_their_last_good_data_and_the_night_publishes(tmp_path):
    exports = tmp_path / "exports"
    exports.mkdir()
    (tmp_path / "mkpi.yml").write_text(CONFIG, encoding="utf-8")
    sources = tmp_path / "sources.yml"
    servers = {name: Platform(campaign=name) for name in SOURCES}
    with RecordingServer() as elsewhere, DripServer(interval=0.2) as drip:
        for server in servers.values():
            server.elsewhere = elsewhere.base_url
            server.__enter__()
        try:
            def night():
                return run_mkpi("run", "--source-dir", str(exports), "--warehouse", str(tmp_path / "w.duckdb"),
                                "--config", str(tmp_path / "mkpi.yml"),
                                env={"MKPI_SOURCES": str(sources), "HOSTILE_KEY": SECRET})

            sources.write_text(sources_yml({n: s.base_url for n, s in servers.items()}), encoding="utf-8")
            first = night()
            assert first.returncode == 0, first.stderr
            for name, behaviour in zip(SOURCES, ("redirect", "good", "patient", "endless", "bomb")):
                servers[name].behaviour = behaviour
            sources.write_text(sources_yml({**{n: s.base_url for n, s in servers.items()},
                                            "trickling": drip.url("").rstrip("/")}), encoding="utf-8")
            started = time.monotonic()
            second = night()
            took = time.monotonic() - started
        finally:
            for server in servers.values():
                server.__exit__(None, None, None)
        reached_elsewhere = list(elsewhere.received)

    assert second.returncode == 0, second.stderr
    assert took < 90  # the night's own work plus each source's budget of 2 s, not the servers' pace
    assert reached_elsewhere == []
    assert len(servers["endless"].received) == 1 + 20  # the good night's page, then the page cap
    con = duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True)
    try:
        spend = dict(con.execute("SELECT campaign, sum(spend) FROM marts.fct_channel_daily GROUP BY 1").fetchall())
        issues = dict(con.execute("""SELECT channel, message FROM marts.fct_tracking_issues
                                     WHERE check_name = 'source_pull_failed'""").fetchall())
    finally:
        con.close()
    assert {c: float(v) for c, v in spend.items()} == {name: 10.0 for name in SOURCES}  # last good pulls kept
    expected = {"redirected": "redirected to another server", "trickling": "the answer did not arrive in full",
                "patient": "asked to wait 86,400 s", "endless": "more than 20 pages in one listing",
                "bomb": "larger than 64 MB once decompressed"}
    for name, said in expected.items():
        matching = [m for channel, m in issues.items() if name in m]
        assert matching and said in matching[0] and "\n" not in matching[0], (name, issues)
    assert SECRET not in second.stdout + second.stderr + json.dumps(issues)


@pytest.fixture(autouse=True)
def _hostile_key(monkeypatch):
    monkeypatch.setenv("HOSTILE_KEY", SECRET)

"""Servers that misbehave on purpose, on 127.0.0.1: a redirect to another origin, a body that trickles,
a Retry-After of a day, paging that never ends, a gzip bomb. Every request ends within its deadline
with one line saying what happened, and no credential reaches another origin."""

from __future__ import annotations

import gzip
import time

import pytest

from connectors.http_core import BearerToken, HeaderToken, HttpClient, PlatformError, RetryPolicy
from pipelines.alerting.messages import Alert
from pipelines.alerting.sinks import Sink, deliver
from tests.sink_servers import DripServer, RecordingServer, Reply

FAST = RetryPolicy(attempts=2, base_delay=0.01, jitter=0.0)
SECRET = "SECRET-TOKEN-42"


def client(url: str, waits: list, **kw) -> HttpClient:
    return HttpClient("hostile", url, credential_env="HOSTILE_TOKEN", retry=kw.pop("retry", FAST),
                      sleep=waits.append, **kw)


def secrets_in(server: RecordingServer) -> list[str]:
    return [r.path for r in server.received
            if SECRET in repr(r.headers) or SECRET in repr(r.query) or SECRET.encode() in r.body]


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_to_another_origin_gets_no_credential_in_header_query_or_body(status):
    with RecordingServer() as elsewhere, RecordingServer() as platform:
        platform.script = [Reply(status, "", headers={"Location": elsewhere.url("/collect?x=1")})]
        http = client(platform.url(""), [], auth=HeaderToken("X-Api-Key", SECRET))
        with pytest.raises(PlatformError) as err:
            http.json("POST", "/v1/report", params={"access_token": SECRET}, json={"token": SECRET})
        assert elsewhere.received == [] and len(platform.received) == 1
    assert str(err.value) == (f"hostile: POST /v1/report: redirected to another server (http://127.0.0.1:"
                              f"{elsewhere.httpd.server_address[1]}); mkpi sends credentials only to "
                              f"http://127.0.0.1:{platform.httpd.server_address[1]}, so it stopped there: "
                              "check the address configured")
    assert SECRET not in str(err.value)


def test_a_redirect_within_the_origin_is_followed_with_its_credential():
    with RecordingServer() as platform:
        platform.script = [Reply(307, "", headers={"Location": "/v2/report"}), Reply(200, {"ok": 1})]
        assert client(platform.url(""), [], auth=BearerToken(SECRET)).json("POST", "/v1/report", json={"a": 1}) == {"ok": 1}
    assert [r.path for r in platform.received] == ["/v1/report", "/v2/report"]
    assert platform.received[1].headers["Authorization"] == f"Bearer {SECRET}" and platform.received[1].json() == {"a": 1}


def test_a_body_that_trickles_ends_at_the_deadline_not_never():
    with DripServer(interval=0.1) as drip:
        started = time.monotonic()
        with pytest.raises(PlatformError) as err:
            client(drip.url(""), [], timeout=0.8).json("GET", "/v1/report")
        took = time.monotonic() - started
    assert 1.6 <= took < 4.0  # two attempts of 0.8 s each, plus one read of at most 0.1 s
    assert str(err.value) == ("hostile: GET /v1/report failed after 2 attempts (Timeout: the answer did not arrive "
                              "in full within 0.8 s); the platform may be down or rate-limiting: try again later")


def test_a_retry_after_of_a_day_is_not_obeyed():
    waits = []
    with RecordingServer([Reply(429, {"error": "slow down"}, headers={"Retry-After": "86400"})]) as s:
        with pytest.raises(PlatformError) as err:
            client(s.url(""), waits).json("GET", "/v1/report")
    assert waits == [] and len(s.received) == 1
    assert str(err.value) == ("hostile: GET /v1/report asked to wait 86,400 s before trying again (HTTP 429: slow "
                              "down); mkpi waits at most 120 s: try again later")


def test_waits_count_against_the_sources_time_budget():
    waits = []
    with RecordingServer([Reply(503, "busy", headers={"Retry-After": "100"})]) as s:
        with pytest.raises(PlatformError, match=r"stopped after \d+ s, the source's time budget of 150 s for one night "
                                                r"\(last: HTTP 503\); it keeps its last good data"):
            client(s.url(""), waits, retry=RetryPolicy(attempts=5, base_delay=0.01, jitter=0.0),
                   time_budget=150).json("GET", "/x")
    assert waits == [100.0] and len(s.received) == 2  # a second wait of 100 s would pass the budget


@pytest.mark.parametrize("paging", ["cursor", "page number"])
def test_paging_that_never_ends_stops_at_the_page_cap(paging):
    calls = []

    def endless(token):
        calls.append(token)
        return [token], (f"c{len(calls)}" if paging == "cursor" else len(calls) + 1)

    http = HttpClient("hostile", "http://127.0.0.1:9", max_pages=40)
    with pytest.raises(PlatformError, match=r"^hostile: more than 40 pages in one listing; stopping"):
        list(http.paginate(endless))
    assert len(calls) == 40


def test_a_gzip_bomb_is_refused_once_it_inflates_past_the_cap():
    bomb = gzip.compress(b"[" + b" " * (50 * 2**20) + b"]", compresslevel=9)  # 50 MB of JSON in about 50 KB
    with RecordingServer([Reply(200, bomb, headers={"Content-Encoding": "gzip"})]) as s:
        with pytest.raises(PlatformError) as err:
            client(s.url(""), [], max_body_bytes=2**20).json("GET", "/v1/report")
    assert len(bomb) < 100_000
    assert str(err.value) == ("hostile: GET /v1/report: the answer is larger than 1 MB once decompressed; "
                              "mkpi stopped reading it")


def test_a_small_gzip_answer_is_read_as_usual():
    with RecordingServer([Reply(200, gzip.compress(b'{"rows": [1, 2]}'), headers={"Content-Encoding": "gzip"})]) as s:
        assert client(s.url(""), []).json("GET", "/v1/report") == {"rows": [1, 2]}


def alert() -> Alert:
    return Alert(title="mkpi: 1 new tracking issue", intro="one issue")


def test_an_alert_sink_that_trickles_fails_within_its_deadline(monkeypatch):
    with DripServer(interval=0.1) as drip:
        monkeypatch.setenv("DRIP_HOOK", drip.url("/hook"))
        started = time.monotonic()
        delivery = deliver(Sink("webhook", "DRIP_HOOK"), alert(), retries=2, timeout=0.5, backoff=0.01)
        took = time.monotonic() - started
    assert not delivery.ok and took < 3.0
    assert delivery.detail == "no complete answer within 0.5 s after 2 tries"


def test_an_alert_sink_redirected_elsewhere_sends_nothing_there(monkeypatch):
    with RecordingServer() as elsewhere, RecordingServer() as hook:
        hook.script = [Reply(307, "", headers={"Location": elsewhere.url("/steal")})]
        monkeypatch.setenv("REDIRECTED_HOOK", hook.url(f"/robot/send?access_token={SECRET}"))
        delivery = deliver(Sink("dingtalk", "REDIRECTED_HOOK"), alert(), retries=3, backoff=0.01)
        assert elsewhere.received == []
    assert not delivery.ok and delivery.attempts == 1 and "redirected to another server" in delivery.detail
    assert SECRET not in delivery.detail


def test_an_smtp_server_that_never_finishes_its_greeting_fails_within_the_deadline():
    """Endless "220-" continuation lines: each arrives within smtplib's per-read timeout."""
    with DripServer(interval=0.05, piece=b"220-still here\r\n") as smtp:
        port = int(smtp.url("").rsplit(":", 1)[1].strip("/"))
        sink = Sink("email", options={"host": "127.0.0.1", "port": port, "sender": "mkpi@example.com",
                                      "to": ["growth@example.com"]})
        started = time.monotonic()
        delivery = deliver(sink, alert(), retries=2, timeout=0.5, backoff=0.01)
        took = time.monotonic() - started
    assert not delivery.ok and took < 3.0
    assert delivery.detail == f"SMTP 127.0.0.1:{port}: no complete answer within 0.5 s after 2 tries"

"""The shared HTTP core against a real server on 127.0.0.1: retries, Retry-After, errors, paging, secrets."""

from __future__ import annotations

import pytest

from connectors.http_core import BearerToken, HttpClient, PlatformError, RetryPolicy, next_offset, paginate
from tests.sink_servers import RecordingServer, Reply

FAST = RetryPolicy(attempts=3, base_delay=0.01, jitter=0.0)


def client(server, waits, **kw):
    return HttpClient("testads", server.url(""), auth=BearerToken("TOKEN-SECRET"), credential_env="TESTADS_TOKEN",
                      retry=kw.pop("retry", FAST), sleep=waits.append, **kw)


def test_a_429_waits_as_long_as_retry_after_says():
    waits = []
    with RecordingServer([Reply(429, {"error": "slow down"}, headers={"Retry-After": "7"}), Reply(200, {"ok": 1})]) as s:
        assert client(s, waits).json("GET", "/v1/report") == {"ok": 1}
    assert len(s.received) == 2 and waits == [7.0]
    assert s.received[0].headers["Authorization"] == "Bearer TOKEN-SECRET"


def test_a_500_is_retried_with_exponential_backoff():
    waits = []
    with RecordingServer([Reply(500, "boom"), Reply(503, "busy"), Reply(200, {"ok": 2})]) as s:
        assert client(s, waits).json("GET", "/v1/report") == {"ok": 2}
    assert waits == [pytest.approx(0.01), pytest.approx(0.02)]


def test_jitter_spreads_the_waits():
    waits = []
    with RecordingServer([Reply(500, "boom")] * 2 + [Reply(200, {})]) as s:
        client(s, waits, retry=RetryPolicy(attempts=3, base_delay=1.0, jitter=0.5)).json("GET", "/x")
    assert 1.0 <= waits[0] <= 1.5 and 2.0 <= waits[1] <= 3.0


def test_a_401_names_the_environment_variable_never_the_secret():
    with RecordingServer([Reply(401, {"error": {"message": "Invalid OAuth access token."}})]) as s:
        with pytest.raises(PlatformError) as err:
            client(s, []).json("GET", "/v1/report?access_token=TOKEN-SECRET")
    assert str(err.value) == (
        "testads: GET /v1/report was refused (HTTP 401: Invalid OAuth access token.): the credential in "
        "$TESTADS_TOKEN is invalid, expired or lacks the permission (scope) this request needs")
    assert len(s.received) == 1  # not retried


def test_error_messages_leave_the_query_string_out():
    with RecordingServer([Reply(403, {"message": "forbidden"})]) as s:
        with pytest.raises(PlatformError) as err:
            client(s, []).json("GET", "/v1/report", params={"access_token": "TOKEN-SECRET"})
    assert "TOKEN-SECRET" not in str(err.value) and str(err.value).startswith("testads: GET /v1/report was refused")


def test_malformed_json_is_a_clear_error():
    with RecordingServer([Reply(200, "{not json")]) as s:
        with pytest.raises(PlatformError, match=r"testads: GET /v1/report returned malformed JSON"):
            client(s, []).json("GET", "/v1/report")


def test_gives_up_with_advice_after_its_attempts():
    waits = []
    with RecordingServer([Reply(502, "bad gateway")]) as s:
        with pytest.raises(PlatformError, match=r"failed after 3 attempts \(HTTP 502\); the platform may be down"):
            client(s, waits).json("GET", "/v1/report")
    assert len(s.received) == 3 and len(waits) == 2


def test_rate_limit_spaces_requests():
    waits = []
    with RecordingServer([Reply(200, {})]) as s:
        c = client(s, waits, requests_per_second=2)
        c.json("GET", "/a")
        c.json("GET", "/b")
    assert len(waits) == 1 and 0.3 < waits[0] <= 0.5


def test_paging_follows_cursors_and_refuses_a_repeated_one():
    pages = {None: ([1, 2], "c1"), "c1": ([3], "c2"), "c2": ([4], None)}
    assert list(paginate("x", lambda token: pages[token])) == [1, 2, 3, 4]
    looping = {None: ([1], "c1"), "c1": ([2], "c2"), "c2": ([3], "c1")}
    with pytest.raises(PlatformError, match="returned the page cursor 'c1' twice"):
        list(paginate("x", lambda token: looping[token]))


def test_throttling_is_waited_out_past_the_error_attempts_within_the_time_budget():
    """Seven 429s in a row: more than the 3 attempts a 5xx gets, fewer than the throttled attempts (12)."""
    waits = []
    with RecordingServer([Reply(429, {"error": "slow down"}, headers={"Retry-After": "1"})] * 7
                         + [Reply(200, {"ok": 3})]) as s:
        assert client(s, waits).json("GET", "/v1/report") == {"ok": 3}
    assert waits == [1.0] * 7
    # The same server, but a budget of 5 s: the sixth wait would pass it, so the source stops with one line.
    with RecordingServer([Reply(429, {"error": "slow down"}, headers={"Retry-After": "1"})] * 7) as s:
        with pytest.raises(PlatformError, match=r"the source's time budget of 5 s for one night \(last: HTTP 429"):
            client(s, [], time_budget=5).json("GET", "/v1/report")


def test_a_throttled_error_reply_is_waited_out_as_its_usage_headers_say():
    """Meta answers throttling with HTTP 400, error code 17, and says in X-Business-Use-Case-Usage how many
    minutes until access returns (developers.facebook.com/docs/graph-api/overview/rate-limiting)."""
    from connectors.platforms.meta_ads import classify, usage_pause

    usage = '{"555": [{"type": "ads_insights", "call_count": 100, "total_cputime": 30, "total_time": 40, ' \
            '"estimated_time_to_regain_access": 2}]}'
    waits = []
    with RecordingServer([Reply(400, {"error": {"code": 17, "message": "User request limit reached"}},
                                headers={"X-Business-Use-Case-Usage": usage}),
                          Reply(200, {"data": []})]) as s:
        answer = client(s, waits, classify=classify, pause_after=usage_pause).json("GET", "/v27.0/act_555/insights")
    assert answer == {"data": []} and waits == [120.0]  # 2 minutes, from the error reply's own header


def test_offset_paging_ends_on_an_empty_page_or_the_total_never_on_a_short_page():
    assert next_offset(0, 100, 250) == 100
    assert next_offset(200, 40, None) == 240  # a short page without a total: ask again
    assert next_offset(200, 50, 250) is None  # the total is reached
    assert next_offset(100, 0, 250) is None  # an empty page ends it even though the total promised more
    assert next_offset(0, 30, 0) is None  # a total of 0 with rows: the rows are kept, nothing more is asked

"""Each alert sink against a real server on 127.0.0.1, asserting the payload its platform documents."""

from __future__ import annotations

import base64
import email
import hashlib
import hmac
import time

import pytest

from pipelines.alerting.messages import Issue, tracking_alert
from pipelines.alerting.sinks import WECOM_MAX_BYTES, Sink, deliver
from tests.sink_servers import RecordingServer, Reply, SmtpServer

CHINESE = "抖音 广告的落地页丢失了 UTM 参数"


def alert(n: int = 2):
    issues = [Issue(f"k{i}", "unknown_campaign", "warn" if i else "error", "douyin", f"新品种草{i}", 10 + i, None,
                    f"{CHINESE} <script>alert(1)</script> & more ({i})") for i in range(n)]
    return tracking_alert(issues, as_of="2026-10-31", warehouse="data/warehouse.duckdb")


def send(sink, monkeypatch, url, secret=None, **kw):
    monkeypatch.setenv("TEST_SINK_URL", url)
    if secret:
        monkeypatch.setenv("TEST_SINK_SECRET", secret)
    return deliver(sink, kw.pop("message", alert()), backoff=0.01, **kw)


def test_slack_incoming_webhook(monkeypatch):
    with RecordingServer([Reply(200, "ok")]) as server:
        d = send(Sink("slack", "TEST_SINK_URL"), monkeypatch, server.url("/services/T000/B000/XXXX"))
    assert d.ok and d.attempts == 1
    (req,) = server.received
    assert req.path == "/services/T000/B000/XXXX" and req.headers["Content-Type"] == "application/json"
    body = req.json()
    assert body["text"].startswith("mkpi: 2 new or worse tracking issue(s)")
    assert body["blocks"][0] == {"type": "header", "text": {"type": "plain_text", "text": body["text"]}}
    sections = [b["text"]["text"] for b in body["blocks"] if b["type"] == "section"]
    assert any(CHINESE in s for s in sections)
    assert any("&lt;script&gt;" in s and "&amp; more" in s for s in sections)  # Slack's required escaping
    assert body["blocks"][-1]["type"] == "context"


def test_feishu_signed_post_message(monkeypatch):
    with RecordingServer([Reply(200, {"code": 0, "msg": "success"})]) as server:
        d = send(Sink("feishu", "TEST_SINK_URL", "TEST_SINK_SECRET"), monkeypatch,
                 server.url("/open-apis/bot/v2/hook/abc"), secret="fs-secret")
    assert d.ok
    body = server.received[0].json()
    expected = base64.b64encode(hmac.new(f"{body['timestamp']}\nfs-secret".encode(), b"", hashlib.sha256).digest()).decode()
    assert body["sign"] == expected
    assert abs(int(body["timestamp"]) - time.time()) < 60  # seconds, not milliseconds
    post = body["content"]["post"]["zh_cn"]
    assert body["msg_type"] == "post" and post["title"].startswith("mkpi:")
    assert all(el["tag"] == "text" for para in post["content"] for el in para)
    assert any(CHINESE in el["text"] for para in post["content"] for el in para)


def test_feishu_rejection_is_reported_not_retried(monkeypatch):
    with RecordingServer([Reply(200, {"code": 19021, "msg": "sign match fail or timestamp is not within one hour"})]) as server:
        d = send(Sink("feishu", "TEST_SINK_URL", "TEST_SINK_SECRET"), monkeypatch, server.url("/hook"), secret="x")
    assert not d.ok and len(server.received) == 1 and d.detail.startswith("code 19021: sign match fail")


def test_dingtalk_signed_markdown(monkeypatch):
    with RecordingServer([Reply(200, {"errcode": 0, "errmsg": "ok"})]) as server:
        d = send(Sink("dingtalk", "TEST_SINK_URL", "TEST_SINK_SECRET"), monkeypatch,
                 server.url("/robot/send?access_token=tok123"), secret="SECdd")
    assert d.ok
    req = server.received[0]
    assert req.path == "/robot/send" and req.query["access_token"] == ["tok123"]
    timestamp = req.query["timestamp"][0]
    expected = base64.b64encode(hmac.new(b"SECdd", f"{timestamp}\nSECdd".encode(), hashlib.sha256).digest()).decode()
    assert req.query["sign"] == [expected]  # parse_qs undoes the URL encoding the platform requires
    assert abs(int(timestamp) / 1000 - time.time()) < 60  # milliseconds
    body = req.json()
    assert body["msgtype"] == "markdown" and body["markdown"]["title"].startswith("mkpi:")
    assert CHINESE in body["markdown"]["text"]


def test_dingtalk_errcode_is_a_failure(monkeypatch):
    with RecordingServer([Reply(200, {"errcode": 310000, "errmsg": "sign not match"})]) as server:
        d = send(Sink("dingtalk", "TEST_SINK_URL", "TEST_SINK_SECRET"), monkeypatch, server.url("/robot/send"), secret="s")
    assert not d.ok and d.detail == "errcode 310000: sign not match"


def test_wecom_markdown_within_its_size_limit(monkeypatch):
    with RecordingServer([Reply(200, {"errcode": 0, "errmsg": "ok"})]) as server:
        big = alert(40)
        d = send(Sink("wecom", "TEST_SINK_URL"), monkeypatch, server.url("/cgi-bin/webhook/send?key=K-1"), message=big)
    assert d.ok
    req = server.received[0]
    assert req.path == "/cgi-bin/webhook/send" and req.query["key"] == ["K-1"]
    body = req.json()
    assert body["msgtype"] == "markdown"
    assert len(body["markdown"]["content"].encode("utf-8")) <= WECOM_MAX_BYTES
    assert CHINESE in body["markdown"]["content"]


def test_generic_json_webhook(monkeypatch):
    with RecordingServer([Reply(204, "")]) as server:
        d = send(Sink("webhook", "TEST_SINK_URL"), monkeypatch, server.url("/mkpi"))
    assert d.ok
    body = server.received[0].json()
    assert body["source"] == "mkpi" and [i["issue_key"] for i in body["issues"]] == ["k0", "k1"]
    assert body["issues"][0]["severity"] == "error" and CHINESE in body["issues"][0]["message"]


def test_email_over_smtp():
    with SmtpServer() as smtp:
        sink = Sink("email", options={"host": "127.0.0.1", "port": smtp.port, "sender": "mkpi@example.com",
                                      "to": ["growth@example.com", "lead@example.com"]})
        d = deliver(sink, alert(), backoff=0.01)
    assert d.ok
    (envelope,) = smtp.messages
    assert envelope.rcpt_tos == ["growth@example.com", "lead@example.com"]
    message = email.message_from_bytes(envelope.content, policy=email.policy.default)
    assert message["Subject"].startswith("mkpi: 2 new or worse")
    assert CHINESE in message.get_content()


def test_a_500_is_retried_with_backoff_then_succeeds(monkeypatch):
    with RecordingServer([Reply(500, "oops"), Reply(502, "bad gateway"), Reply(200, "ok")]) as server:
        d = send(Sink("slack", "TEST_SINK_URL"), monkeypatch, server.url("/x"))
    assert d.ok and d.attempts == 3 and len(server.received) == 3


def test_a_sink_that_times_out_fails_after_its_retries(monkeypatch):
    with RecordingServer([Reply(200, "ok", delay=1.0)]) as server:
        d = send(Sink("slack", "TEST_SINK_URL"), monkeypatch, server.url("/x"), retries=2, timeout=0.2)
    assert not d.ok and d.attempts == 2 and d.detail == "no complete answer within 0.2 s after 2 tries"


def test_secrets_never_appear_in_a_failure(monkeypatch):
    monkeypatch.setenv("TEST_SINK_URL", "http://127.0.0.1:9/robot/send?access_token=TOPSECRET")  # nothing listens
    monkeypatch.setenv("TEST_SINK_SECRET", "SECRETKEY")
    d = deliver(Sink("dingtalk", "TEST_SINK_URL", "TEST_SINK_SECRET"), alert(), retries=1)
    assert not d.ok and "TOPSECRET" not in d.detail and "SECRETKEY" not in d.detail


def test_missing_environment_variable_names_it(monkeypatch):
    monkeypatch.delenv("TEST_SINK_URL", raising=False)
    d = deliver(Sink("slack", "TEST_SINK_URL"), alert())
    assert not d.ok and d.detail == "slack: environment variable TEST_SINK_URL is not set"


HOSTILE_CHANNEL = "[verify login](http://evil.example/phish) <@all>"
HOSTILE_MESSAGE = 'utm_campaign ![x](https://evil.example/p.png) <at user_id="all"></at> @all `code` *bold* <!channel>'


def hostile_alert():
    issue = Issue("k0", "unknown_source", "warn", HOSTILE_CHANNEL, "www.evil.example", 3, None, HOSTILE_MESSAGE)
    return tracking_alert([issue], as_of="2026-10-31", warehouse="data/warehouse.duckdb")


def chat_text(sink_type: str, body: dict) -> str:
    """Every text a chat client renders from the body the platform documents."""
    if sink_type == "slack":
        return "\n".join(b["text"]["text"] if "text" in b else "\n".join(e["text"] for e in b["elements"])
                         for b in body["blocks"])
    if sink_type == "feishu":
        post = body["content"]["post"]["zh_cn"]
        return "\n".join([post["title"], *(el["text"] for para in post["content"] for el in para)])
    if sink_type == "dingtalk":
        return body["markdown"]["title"] + "\n" + body["markdown"]["text"]
    return body["markdown"]["content"]  # wecom


@pytest.mark.parametrize("sink_type", ["slack", "feishu", "dingtalk", "wecom"])
def test_data_text_never_becomes_a_link_a_mention_or_markup_in_chat(sink_type, monkeypatch):
    reply = {"code": 0} if sink_type == "feishu" else {"errcode": 0, "errmsg": "ok"}
    with RecordingServer([Reply(200, reply)]) as server:
        d = send(Sink(sink_type, "TEST_SINK_URL"), monkeypatch, server.url("/hook"), message=hostile_alert())
    assert d.ok
    text = chat_text(sink_type, server.received[0].json())
    # What each platform would render as a link or a mention: Slack's <…> syntax; Feishu's <at>; Markdown's
    # links, images, HTML and @ for DingTalk and WeCom; and, everywhere, addresses a client would link.
    markups = {"slack": ("<@", "<!", "<http"), "feishu": ("<at",)}.get(
        sink_type, ("](", "![", "<@", "<at", "@all", "<!channel>"))
    for markup in ("http://", "https://", "www.evil", *markups):
        assert markup not in text, (markup, text)
    assert "verify login" in text and "evil.example" in text  # still readable, as text
    if sink_type in ("dingtalk", "wecom"):
        assert "`code`" not in text and "*bold*" not in text
        assert "`unknown_source`" in text  # the template's own markup stays


def test_the_json_webhook_and_email_carry_data_text_as_data(monkeypatch):
    with RecordingServer([Reply(204, "")]) as server:
        assert send(Sink("webhook", "TEST_SINK_URL"), monkeypatch, server.url("/mkpi"), message=hostile_alert()).ok
    issue = server.received[0].json()["issues"][0]
    assert (issue["channel"], issue["message"]) == (HOSTILE_CHANNEL, HOSTILE_MESSAGE)  # JSON strings, for machines
    with SmtpServer() as smtp:
        sink = Sink("email", options={"host": "127.0.0.1", "port": smtp.port, "sender": "mkpi@example.com",
                                      "to": ["growth@example.com"]})
        assert deliver(sink, hostile_alert(), backoff=0.01).ok
    message = email.message_from_bytes(smtp.messages[0].content, policy=email.policy.default)
    assert message.get_content_type() == "text/plain" and HOSTILE_CHANNEL in message.get_content()

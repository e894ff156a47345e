"""Alert sinks, each speaking its platform's documented webhook format, and delivery with retries.

Webhook URLs and signing secrets are secrets: they come from environment variables named in
mkpi.yml and never appear in a log line or an error (errors name the variable instead).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import smtplib
import socket
import threading
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from urllib.parse import parse_qsl, urlsplit

import requests

from connectors.bounded_http import ResponseRefused, send
from pipelines.alerting.messages import Alert, defang, inert
from pipelines.settings import secret

WECOM_MAX_BYTES = 4096  # WeCom rejects markdown content longer than this
SLACK_MAX_SECTION = 3000  # characters per Slack section block


class SinkError(Exception):
    """A sink refused or could not take the message; the text is safe to log."""


class SinkNotSet(SinkError):
    """The variable holding a sink's address is not set: alerts to it fail, the night can go on."""


@dataclass(frozen=True)
class Sink:
    type: str
    url_env: str | None = None
    secret_env: str | None = None
    options: dict = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.options.get("name") or self.type

    def url(self) -> str:
        value = secret(self.url_env) if self.url_env else None
        if not value:
            raise SinkNotSet(f"{self.name}: environment variable {self.url_env} is not set")
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            # The value is a secret (webhook URLs carry their token): name the variable, never show it.
            raise SinkError(f"{self.name}: environment variable {self.url_env} does not hold a web address "
                            "starting with https:// (or http://)")
        return value.strip()

    def signing_secret(self) -> str | None:
        return secret(self.secret_env) if self.secret_env else None


# Each format: (alert, sink) → (query params, JSON body); each check: response JSON → error text or None.

def slack_body(alert: Alert, sink: Sink):
    def esc(text: str) -> str:  # Slack mrkdwn's control characters, and no link Slack would make of an address
        return defang(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("`", "ˋ")

    blocks = [{"type": "header", "text": {"type": "plain_text", "text": defang(alert.title)[:150]}},
              {"type": "section", "text": {"type": "mrkdwn", "text": esc(alert.intro)[:SLACK_MAX_SECTION]}}]
    for severity, issues in alert.groups.items():
        lines = [f"*{alert.severity(severity)}* ({len(issues)})"] + [f"• `{esc(i.label)}` {esc(i.where)}: {esc(i.message)}"
                                                                  for i in issues]
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(lines)[:SLACK_MAX_SECTION]}})
    context = ([alert.more] if alert.hidden else []) + ([esc(alert.pointer)] if alert.pointer else [])
    if context:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": c} for c in context]})
    return {}, {"text": alert.title, "blocks": blocks}


def feishu_body(alert: Alert, sink: Sink):
    # A post's "text" elements are plain text but for an <at> mention; links would be "a" elements, and mkpi
    # sends none.
    paragraphs = [[{"tag": "text", "text": line}] for line in alert.lines(escape=_feishu_text)[1:]]
    body = {"msg_type": "post", "content": {"post": {"zh_cn": {"title": defang(alert.title), "content": paragraphs}}}}
    key = sink.signing_secret()
    if key:  # signature verification: HMAC-SHA256 keyed by "timestamp\nsecret" over an empty message
        timestamp = str(int(time.time()))
        digest = hmac.new(f"{timestamp}\n{key}".encode(), b"", hashlib.sha256).digest()
        body = {"timestamp": timestamp, "sign": base64.b64encode(digest).decode(), **body}
    return {}, body


def _feishu_text(text: str) -> str:
    return defang(text).replace("<", "‹").replace(">", "›")


def dingtalk_params(key: str | None) -> dict:
    """加签: HMAC-SHA256 keyed by the secret over "timestamp\\nsecret", base64, as query parameters."""
    if not key:
        return {}
    timestamp = str(int(time.time() * 1000))
    digest = hmac.new(key.encode(), f"{timestamp}\n{key}".encode(), hashlib.sha256).digest()
    return {"timestamp": timestamp, "sign": base64.b64encode(digest).decode()}


def markdown(alert: Alert) -> str:
    return "\n\n".join(alert.lines(title="### {}", heading="**{severity}** ({count})",
                                    item="- `{check}` {where}: {message}", pointer="> `{}`", escape=inert))


def dingtalk_body(alert: Alert, sink: Sink):
    return dingtalk_params(sink.signing_secret()), {"msgtype": "markdown",
                                                     "markdown": {"title": inert(alert.title), "text": markdown(alert)}}


def wecom_body(alert: Alert, sink: Sink):
    content = markdown(alert).encode("utf-8")
    if len(content) > WECOM_MAX_BYTES:
        content = content[: WECOM_MAX_BYTES - 10].decode("utf-8", "ignore").encode() + " …".encode()
    return {}, {"msgtype": "markdown", "markdown": {"content": content.decode("utf-8")}}


def webhook_body(alert: Alert, sink: Sink):
    issues = [
        {"issue_key": i.issue_key, "check": i.check_name, "severity": i.severity, "channel": i.channel,
         "campaign": i.campaign, "rows_affected": i.rows_affected, "spend_affected": i.spend_affected,
         "message": i.message}
        for group in alert.groups.values() for i in group
    ]
    return {}, {"source": "mkpi", "title": alert.title, "summary": alert.intro, "issues": issues,
                "more": alert.hidden, "pointer": alert.pointer}


def errcode_error(payload) -> str | None:  # DingTalk and WeCom: {"errcode": 0, "errmsg": "ok"}
    if isinstance(payload, dict) and payload.get("errcode", 0) != 0:
        return f"errcode {payload.get('errcode')}: {payload.get('errmsg')}"
    return None


def feishu_error(payload) -> str | None:  # {"code": 0, "msg": "success"}
    if isinstance(payload, dict) and payload.get("code", payload.get("StatusCode", 0)) != 0:
        return f"code {payload.get('code')}: {payload.get('msg')}"
    return None


FORMATS = {
    "slack": (slack_body, lambda payload: None),
    "feishu": (feishu_body, feishu_error),
    "dingtalk": (dingtalk_body, errcode_error),
    "wecom": (wecom_body, errcode_error),
    "webhook": (webhook_body, lambda payload: None),
}
SINK_TYPES = (*FORMATS, "email")


@dataclass
class Delivery:
    sink: str
    ok: bool
    attempts: int
    detail: str = ""


SENT, RETRY, FAIL = "sent", "retry", "fail"


def deliver(sink: Sink, alert: Alert, *, retries: int = 3, timeout: float = 10.0, backoff: float = 1.0) -> Delivery:
    """Send once, retrying timeouts, connection errors, 429 and 5xx with exponential backoff."""
    try:
        attempt_once = _email_attempt(sink, alert) if sink.type == "email" else _http_attempt(sink, alert)
    except SinkError as err:
        return Delivery(sink.name, False, 0, str(err))
    detail = ""
    for attempt in range(1, retries + 1):
        outcome, detail = attempt_once(timeout)
        if outcome != RETRY:
            return Delivery(sink.name, outcome == SENT, attempt, detail)
        if attempt < retries:
            time.sleep(backoff * 2 ** (attempt - 1))
    return Delivery(sink.name, False, retries, f"{detail} after {retries} tries")


def _http_attempt(sink: Sink, alert: Alert):
    build, check = FORMATS[sink.type]
    url = sink.url()

    def attempt(timeout: float):
        params, body = build(alert, sink)  # rebuilt each time: signatures carry a fresh timestamp
        try:  # a deadline for the whole answer, redirects only within the webhook's own server
            with requests.Session() as session:
                response = send(session, "POST", url, deadline=timeout, max_bytes=1 << 20, params=params, json=body)
        except requests.Timeout:
            return RETRY, f"no complete answer within {timeout:g} s"
        except requests.ConnectionError:
            return RETRY, "could not connect"
        except ResponseRefused as err:
            return FAIL, str(err)
        except requests.RequestException as err:  # its text would quote the URL, token and all
            return FAIL, f"the request could not be made ({type(err).__name__})"
        if response.status_code == 429 or response.status_code >= 500:
            return RETRY, f"HTTP {response.status_code}"
        if response.status_code >= 400:
            return FAIL, f"HTTP {response.status_code}: {redact(response.text[:200], url)}"
        problem = check(_json_or_none(response))
        return (FAIL, problem) if problem else (SENT, "sent")

    return attempt


def redact(text: str, url: str) -> str:
    """`text` without the URL or any of its query values (tokens), should a server echo them."""
    secrets = [url, *(v for _, v in parse_qsl(urlsplit(url).query) if len(v) >= 6)]
    for value in sorted(secrets, key=len, reverse=True):
        text = text.replace(value, "[redacted]")
    return text


def check_sinks(sinks) -> list[SinkError]:
    """What is wrong with each webhook sink's variable, naming the variable and never its value."""
    problems = []
    for sink in sinks:
        if sink.type == "email":
            continue
        try:
            sink.url()
        except SinkError as err:
            problems.append(err)
    return problems


def _json_or_none(response):
    try:
        return response.json()
    except ValueError:
        return None


def _email_attempt(sink: Sink, alert: Alert):
    opts = sink.options
    message = EmailMessage()
    message["Subject"] = alert.title
    message["From"] = opts["sender"]
    message["To"] = ", ".join(opts["to"])
    message.set_content(alert.text())
    where = f"SMTP {opts['host']}:{opts.get('port', 25)}"

    def attempt(timeout: float):
        # smtplib's timeout bounds each socket read; a server sending endless "220-" lines would never end.
        # The watchdog shuts the connection down at the deadline, which wakes a read that is waiting.
        smtp, expired = smtplib.SMTP(timeout=timeout), threading.Event()
        watchdog = threading.Timer(timeout, _shut, [smtp, expired])
        watchdog.start()
        try:
            smtp.connect(opts["host"], int(opts.get("port", 25)))
            if opts.get("starttls"):
                smtp.starttls()
            user = secret(opts["username_env"]) if opts.get("username_env") else None
            if user:
                smtp.login(user, secret(opts["password_env"]) or "")
            smtp.send_message(message)
            smtp.quit()
        except smtplib.SMTPResponseException as err:
            return (RETRY if err.smtp_code >= 400 and err.smtp_code < 500 else FAIL), f"{where}: refused ({err.smtp_code})"
        except (OSError, smtplib.SMTPException) as err:
            said = f"no complete answer within {timeout:g} s" if expired.is_set() else type(err).__name__
            return RETRY, f"{where}: {said}"
        finally:
            watchdog.cancel()
            smtp.close()
        return SENT, "sent"

    return attempt


def _shut(smtp: smtplib.SMTP, expired: threading.Event) -> None:
    expired.set()
    sock = getattr(smtp, "sock", None)
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

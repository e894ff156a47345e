"""WeChat Official Account data statistics (微信公众号数据统计): followers and article reads.

The access token comes from POST /cgi-bin/stable_token ({grant_type client_credential, appid, secret,
force_refresh false}), lasts up to 7200 s and is shared by every call; it travels as the
`access_token` query parameter. The stable token is the one WeChat documents for a second service of
an account: it leaves the token the team's own backend holds valid, where GET /cgi-bin/token would
replace it (and break that backend five minutes later). Only after the platform refuses the token is
it fetched with force_refresh true (limited to a few a day). The data
calls are POST /datacube/<name> with {"begin_date", "end_date"}, each with its largest span:
getusersummary and getusercumulate 7 days (new and cancelled followers per source, cumulative
followers), getarticletotal 1 day (each article mass-sent (群发) that day with its read totals so far; WeChat's
data API has no figures for articles only published (发布) without a mass send, so those are not pulled).
Errors come as {"errcode", "errmsg"} in an HTTP 200 answer: 40001/40014/42001 an invalid or expired
token (fetched again once), 45009 and 45011 the daily and per-minute quotas, -1 "system busy".
Yesterday's figures are ready after 08:00 Beijing time; before that the pull stops a day earlier.
"""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from collections.abc import Iterator

from pydantic import Field

from connectors.api_source import DAYS, RECORDS, Page, Stream, Window
from connectors.app_token import AppToken, in_query
from connectors.http_core import HttpClient, PlatformError
from connectors.platforms.report_windows import body_code, body_field, grant_verdict, spans, verdict
from connectors.source_options import Connector, EnvName, Setup, SourceOptions, filled_by

BASE_URL = "https://api.weixin.qq.com"
TOKEN_PATH = "/cgi-bin/stable_token"
SPAN_DAYS = {"getusersummary": 7, "getusercumulate": 7, "getarticletotal": 1}
THROTTLED, TOKEN_REFUSED, BUSY = {45009, 45011}, {40001, 40014, 42001}, {-1}
BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")
READY_HOUR = 8


def last_ready_day(now: dt.datetime) -> dt.date:
    """The latest day whose figures WeChat has published: yesterday from 08:00 Beijing time, else the day before."""
    local = now.astimezone(BEIJING)
    return local.date() - dt.timedelta(days=1 if local.hour >= READY_HOUR else 2)


class WeChatOA:
    platform = "wechat"
    timezone = "Asia/Shanghai"
    streams = [Stream("social_accounts", DAYS), Stream("content", RECORDS, key="content_id")]

    def __init__(self, name: str, *, app_id: str, app_secret: str, credential_env: str, account: str | None = None,
                 base_url: str = BASE_URL, **http_options):
        self.name, self.account = name, account or name
        self.grant = {"grant_type": "client_credential", "appid": app_id, "secret": app_secret, "force_refresh": False}
        self.token_http = HttpClient(f"{name} (access token)", base_url, credential_env=credential_env,
                                     classify=_classify_grant, **http_options)
        self.http = HttpClient(name, base_url, auth=AppToken(self._new_token, in_query("access_token"), self._forced_token),
                               credential_env=credential_env, classify=_classify, **http_options)

    last_ready_day = staticmethod(last_ready_day)

    def _new_token(self, force: bool = False) -> tuple[str, float]:
        response = self.token_http.request("POST", TOKEN_PATH, json=dict(self.grant, force_refresh=force))
        return body_field(self.token_http, response, "POST", TOKEN_PATH, "access_token"), float(
            response.json().get("expires_in", 7200))

    def _forced_token(self) -> tuple[str, float]:
        return self._new_token(force=True)

    def _call(self, name: str, start: dt.date, end: dt.date) -> tuple[Page, list]:
        path, body = f"/datacube/{name}", {"begin_date": start.isoformat(), "end_date": end.isoformat()}
        response = self.http.request("POST", path, data=json.dumps(body), headers={"Content-Type": "application/json"})
        items = body_field(self.http, response, "POST", path, "list")
        if not isinstance(items, list):
            raise PlatformError(f"{self.name}: POST {path} answered a 'list' that is not a list")
        return Page(self.account, 0, f"POST {path} {json.dumps(body)}", response.text), items

    def pages(self, stream: Stream, window: Window) -> Iterator[Page]:
        if stream.kind == "social_accounts":
            yield from self._followers(window.start, window.end)
        else:
            since = window.modified_since.astimezone(BEIJING).date()
            yield from self._articles(since, window.end)

    def _followers(self, start: dt.date, end: dt.date) -> Iterator[Page]:
        number = 0
        for first, last in spans(start, end, SPAN_DAYS["getusersummary"]):
            summary_page, changes = self._call("getusersummary", first, last)
            totals_page, totals = self._call("getusercumulate", first, last)
            by_day = {t["ref_date"]: {"date": t["ref_date"], "platform": self.platform, "account": self.account,
                                      "followers": t.get("cumulate_user"), "new_followers": 0, "lost_followers": 0}
                      for t in totals}
            for change in changes:  # one item per day and follower source
                day = by_day.setdefault(change["ref_date"], {"date": change["ref_date"], "platform": self.platform,
                                                             "account": self.account, "followers": None,
                                                             "new_followers": 0, "lost_followers": 0})
                day["new_followers"] += int(change.get("new_user") or 0)
                day["lost_followers"] += int(change.get("cancel_user") or 0)
            summary_page.number, totals_page.number = number + 1, number + 2
            totals_page.rows = [by_day[d] for d in sorted(by_day)]
            number += 2
            yield summary_page
            yield totals_page

    def _articles(self, start: dt.date, end: dt.date) -> Iterator[Page]:
        for number, (day, _) in enumerate(spans(start, end, SPAN_DAYS["getarticletotal"]), 1):
            page, articles = self._call("getarticletotal", day, day)
            page.number = number
            page.rows = [self._article(day, a) for a in articles]
            page.cursor = dt.datetime.combine(day, dt.time(), BEIJING).isoformat()
            yield page

    def _article(self, day: dt.date, article: dict) -> dict:
        latest = max(article.get("details") or [{}], key=lambda d: d.get("stat_date", ""))
        return {
            "content_id": article.get("msgid"),
            "platform": self.platform,
            "account": self.account,
            "published_at": dt.datetime.combine(day, dt.time(), BEIJING).isoformat(),
            "reads": latest.get("int_page_read_count", 0),
            "shares": latest.get("share_count", 0),
        }

    def check(self) -> str:
        self.http.session.auth.token()
        return f"access token issued for {self.account}"


def _classify(response) -> str | None:
    return verdict(body_code(response, "errcode"), throttled=THROTTLED, refused=TOKEN_REFUSED, busy=BUSY)


def _classify_grant(response) -> str | None:
    return grant_verdict(body_code(response, "errcode"), throttled=THROTTLED, busy=BUSY)


class Options(SourceOptions):
    app_id_env: EnvName = Field(description="the account's AppID (开发者ID)")
    app_secret_env: EnvName = Field(description="the account's AppSecret (开发者密码)")
    account: str | None = Field(None, description="the name the rows carry in account (default: the source name)")


def build(o: Options, setup: Setup) -> WeChatOA:
    return WeChatOA(setup.name, app_id=setup.secret(o.app_id_env, "app_id"),
                    app_secret=setup.secret(o.app_secret_env, "app_secret"), credential_env=o.app_secret_env,
                    account=o.account, **setup.base, **setup.http)


CONNECTOR = Connector("wechat_oa", "WeChat Official Accounts data API (微信公众号)", Options, build, filled_by(WeChatOA))

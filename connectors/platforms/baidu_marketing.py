"""Baidu Marketing (百度营销) API: search-ads campaign daily reports for several accounts.

POST /json/sms/service/OpenApiReportService/getReportData. The credentials travel in the request
body's `header` block (userName of the manager account, accessToken); the report request in its
`body`: reportType 2290316 (campaign), startDate, endDate, timeUnit DAY, the columns, the account
in userIds, startRow / rowCount paging against `totalRowCount`. The answer's `header.status` is 0
(success), 1 (partial), 2 (failed) or 3 (system error) with `header.failures` [{code, message}];
codes 405, 421 and 8xx-system errors mean "busy, retry", 801 and the 81xx family a refused user
name or token. Cost is in CNY (元). The account's own daily total comes from the search account report
(2208157) the same way.

The access token lasts a day (expiresIn 86400): it comes from POST https://u.baidu.com/oauth/refreshToken
with {appId, secretKey, userId (the authorizing account), refreshToken}, answered as {code, message,
data: {accessToken, refreshToken, expiresIn, refreshExpiresIn}}; the new refresh token (30 days)
replaces the one sent and goes to the token store at once.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from urllib.parse import urlsplit

from pydantic import Field

from connectors.api_source import DAYS, Page, Stream, Window
from connectors.app_token import AppToken, in_json_body
from connectors.http_core import FAILED, REFUSED, RETRY, HttpClient, next_offset
from connectors.platforms.report_windows import (CampaignKeys, ReportOptions, ad_spend_row, body_code, body_field,
                                                 check_accounts, grant_verdict, issued, total_row)
from connectors.source_options import Connector, Entries, EnvName, Identifier, Setup, filled_by
from connectors.token_store import RefreshToken

BASE_URL = "https://api.baidu.com"
TOKEN_URL = "https://u.baidu.com/oauth/refreshToken"
REPORT_PATH = "/json/sms/service/OpenApiReportService/getReportData"
CAMPAIGN_REPORT, ACCOUNT_REPORT = 2290316, 2208157  # search campaign and search account reports
COLUMNS = {CAMPAIGN_REPORT: ["date", "campaignId", "campaignName", "impression", "click", "cost"],
           ACCOUNT_REPORT: ["date", "impression", "click", "cost"]}
BUSY_CODES = {405, 421, 502, 800}


class BaiduMarketing:
    platform = "baidu_sem"
    timezone = "Asia/Shanghai"  # the platform reports days in Beijing time
    streams = [Stream("ad_spend", DAYS)]

    def __init__(self, name: str, *, account_ids: list, username: str, app_id: str, secret_key: str, user_id,
                 refresh_token: RefreshToken, credential_env: str, campaign_keys: CampaignKeys = CampaignKeys(),
                 page_size: int = 1000, base_url: str = BASE_URL, token_url: str = TOKEN_URL, **http_options):
        self.name, self.username = name, username
        self.accounts = [str(a) for a in account_ids]
        self.keys, self.page_size = campaign_keys, page_size
        self.grant, self.refresh = {"appId": app_id, "secretKey": secret_key, "userId": int(user_id)}, refresh_token
        token = urlsplit(token_url)
        self.token_path = token.path
        self.token_http = HttpClient(f"{name} (access token)", f"{token.scheme}://{token.netloc}",
                                     credential_env=credential_env, classify=_classify_grant, **http_options)
        self.access = AppToken(self._new_token, in_json_body("header", "accessToken"))
        self.http = HttpClient(name, base_url, auth=self.access, credential_env=credential_env, classify=_classify,
                               **http_options)

    def _new_token(self) -> tuple[str, float]:
        grant = dict(self.grant, refreshToken=self.refresh.current())
        response = self.token_http.request("POST", self.token_path, json=grant)
        return issued(self.name, self.refresh, body_field(self.token_http, response, "POST", self.token_path),
                      "expiresIn", "refreshExpiresIn", "accessToken", "refreshToken")

    def pages(self, stream: Stream, window: Window) -> Iterator[Page]:
        for account in self.accounts:
            yield from self._report(account, window.start, window.end)

    def totals(self, window: Window) -> Iterator[Page]:
        for account in self.accounts:
            yield from self._report(account, window.start, window.end, report=ACCOUNT_REPORT)

    def _report(self, account: str, start, end, page_size: int | None = None,
                report: int = CAMPAIGN_REPORT) -> Iterator[Page]:
        size = page_size or self.page_size
        row = self._row if report == CAMPAIGN_REPORT else self._total_row
        request = {"reportType": report, "startDate": start.isoformat(), "endDate": end.isoformat(),
                   "timeUnit": "DAY", "columns": COLUMNS[report], "userIds": [int(account)], "rowCount": size,
                   "needSum": False, "sorts": [{"column": "date", "sortRule": "ASC"}]}

        def fetch(start_row, account=account):
            body = dict(request, startRow=start_row or 0)
            response = self.http.request("POST", REPORT_PATH, json={"header": {"userName": self.username}, "body": body})
            data = body_field(self.http, response, "POST", REPORT_PATH, "body").get("data") or [{}]
            rows, total = data[0].get("rows") or [], int(data[0].get("totalRowCount") or 0)
            following = next_offset(body["startRow"], len(rows), total)  # by what came back, not what was asked
            page = Page(account, body["startRow"] // size + 1, f"POST {REPORT_PATH} {json.dumps(body, sort_keys=True)}",
                        response.text, [row(account, r) for r in rows])
            return [page], following

        yield from self.http.paginate(fetch)

    def _row(self, account: str, item: dict) -> dict:
        return ad_spend_row(self.platform, account, self.keys, date=item.get("date"), campaign_id=item.get("campaignId"),
                            campaign_name=item.get("campaignName"), impressions=item.get("impression", 0),
                            clicks=item.get("click", 0), spend=item.get("cost", 0))

    def _total_row(self, account: str, item: dict) -> dict:
        return total_row(self.platform, account, date=item.get("date"), impressions=item.get("impression", 0),
                         clicks=item.get("click", 0), spend=item.get("cost", 0))

    def check(self) -> str:
        return check_accounts(self.accounts, self._report)


def _classify_grant(response) -> str | None:
    return grant_verdict(body_code(response), throttled=set())


def _classify(response) -> str | None:
    try:
        header = response.json().get("header") or {}
    except (ValueError, AttributeError):
        return None
    status = header.get("status")
    if status in (None, 0):
        return None
    codes = {f.get("code") for f in header.get("failures") or [] if isinstance(f, dict)}
    if status == 3 or codes & BUSY_CODES:
        return RETRY
    if any(code == 801 or (isinstance(code, int) and 8100 <= code < 8200) for code in codes):
        return REFUSED
    return FAILED  # 1, a partial answer, too: a report with rows missing is not stored


class Options(ReportOptions):
    account_ids: Entries = Field(description="the search-ads accounts under the manager account (账户 ID)")
    username_env: EnvName = Field(description="the manager account's user name (用户名)")
    app_id_env: EnvName = Field(description="the developer app's id (应用 ID, appId)")
    secret_key_env: EnvName = Field(description="the app's secret key (应用密钥, secretKey)")
    refresh_token_env: EnvName = Field(description="the refresh token from the account's authorization "
                                                   "(rotated: kept in the token store)")
    user_id: Identifier = Field(description="the account that authorized the app (授权账户 ID; not a secret)")
    token_url: str | None = Field(None, description=f"token endpoint (default {TOKEN_URL})")


def build(o: Options, setup: Setup) -> BaiduMarketing:
    return BaiduMarketing(setup.name, account_ids=o.account_ids, username=setup.secret(o.username_env, "username"),
                          app_id=setup.secret(o.app_id_env, "app_id"),
                          secret_key=setup.secret(o.secret_key_env, "secret_key"), user_id=o.user_id,
                          refresh_token=setup.credentials.rotating(o.refresh_token_env),
                          credential_env=o.refresh_token_env, campaign_keys=o.campaign_keys(),
                          **o.given("page_size", "token_url"), **setup.base, **setup.http)


CONNECTOR = Connector("baidu_marketing", "Baidu Marketing API (百度营销)", Options, build, filled_by(BaiduMarketing))

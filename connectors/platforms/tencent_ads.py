"""Tencent Ads (腾讯广告) Marketing API: daily campaign reports for several advertiser accounts.

GET /{version}/daily_reports/get with account_id, level REPORT_LEVEL_CAMPAIGN, date_range and
group_by [date, campaign_id] as JSON, page / page_size paging (`data.page_info.total_page`). Every
request carries three query parameters: access_token, timestamp (seconds; the platform refuses a
stale one) and nonce (random, never reused). Answers are HTTP 200 with `code`/`message`: 11000-11005
an expired, invalid, malformed or empty token, 11008/11016/11017/11019 the request limits. The
token comes from GET /oauth/token with the app's client id and secret and the refresh token.
`cost` is in fen (分): 12345 is CNY 123.45.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Iterator
from decimal import Decimal

from connectors.api_source import DAYS, Page, Stream, Window
from connectors.app_token import AppToken, in_query
from connectors.http_core import HttpClient, PlatformError
from connectors.platforms.report_windows import (
    CampaignKeys, ad_spend_row, body_code, body_field, check_accounts, grant_verdict, numbered_pages, spans, verdict)

BASE_URL = "https://api.e.qq.com"
API_VERSION = "v1.3"
TOKEN_PATH = "/oauth/token"
MAX_DAYS = 30  # our choice: a month of daily rows per call keeps each answer small
THROTTLED, TOKEN_REFUSED = {11008, 11016, 11017, 11019}, {11000, 11002, 11004, 11005}
FIELDS = ["date", "campaign_id", "campaign_name", "view_count", "valid_click_count", "cost"]


def _signing_parameters() -> dict:
    return {"timestamp": lambda: str(int(time.time())), "nonce": lambda: secrets.token_hex(16)}


class TencentAds:
    platform = "tencent_ads"
    streams = [Stream("ad_spend", DAYS)]

    def __init__(self, name: str, *, account_ids: list, client_id: str, client_secret: str, refresh_token: str,
                 credential_env: str, campaign_keys: CampaignKeys = CampaignKeys(), page_size: int = 500,
                 api_version: str = API_VERSION, base_url: str = BASE_URL, **http_options):
        self.name = name
        self.accounts = [str(a) for a in account_ids]
        self.keys, self.page_size, self.version = campaign_keys, page_size, api_version
        self.grant = {"client_id": client_id, "client_secret": client_secret, "grant_type": "refresh_token",
                      "refresh_token": refresh_token}
        self.token_http = HttpClient(f"{name} (access token)", base_url, credential_env=credential_env,
                                     classify=_classify_grant, **http_options)
        place = in_query("access_token", **_signing_parameters())
        self.http = HttpClient(name, base_url, auth=AppToken(self._new_token, place), credential_env=credential_env,
                               classify=_classify, **http_options)

    def _new_token(self) -> tuple[str, float]:
        response = self.token_http.request("GET", TOKEN_PATH, params=self.grant)
        data = body_field(self.token_http, response, "GET", TOKEN_PATH)
        if not data.get("access_token"):
            raise PlatformError(f"{self.name}: the token endpoint answered without an access_token")
        return data["access_token"], float(data.get("access_token_expires_in", 86400))

    def pages(self, stream: Stream, window: Window) -> Iterator[Page]:
        for account in self.accounts:
            for start, end in spans(window.start, window.end, MAX_DAYS):
                yield from self._report(account, start, end)

    def _report(self, account: str, start, end, page_size: int | None = None) -> Iterator[Page]:
        path = f"/{self.version}/daily_reports/get"
        params = {"account_id": account, "level": "REPORT_LEVEL_CAMPAIGN",
                  "date_range": json.dumps({"start_date": start.isoformat(), "end_date": end.isoformat()}),
                  "group_by": json.dumps(["date", "campaign_id"]), "fields": json.dumps(FIELDS),
                  "page_size": str(page_size or self.page_size)}
        yield from numbered_pages(self.http, account, path, params, self._row)

    def _row(self, account: str, item: dict) -> dict:
        fen = item.get("cost")
        return ad_spend_row(self.platform, account, self.keys, date=item.get("date"), campaign_id=item.get("campaign_id"),
                            campaign_name=item.get("campaign_name"), impressions=item.get("view_count", 0),
                            clicks=item.get("valid_click_count", 0),
                            spend=str(Decimal(str(fen)) / 100) if fen is not None else "0")

    def check(self) -> str:
        return check_accounts(self.accounts, self._report)


def _classify(response) -> str | None:
    return verdict(body_code(response), throttled=THROTTLED, refused=TOKEN_REFUSED)


def _classify_grant(response) -> str | None:
    return grant_verdict(body_code(response), throttled=THROTTLED)

"""Tencent Ads (腾讯广告) Marketing API: daily reports for several advertiser accounts.

GET /{version}/daily_reports/get with account_id, level, date_range and group_by [date, <level id>] as
JSON, page / page_size paging (`data.page_info.total_page`). Marketing API 3.0 (the default) has no
campaign level for ads created in it: an account's spend is complete at the ad group level
(REPORT_LEVEL_ADGROUP), whose name is what a team tags utm_campaign with; v1.3 is still asked at its
campaign level for accounts that stay on it. Every request carries three query parameters:
access_token, timestamp (seconds; the platform refuses a stale one) and nonce (random, never reused).
Answers are HTTP 200 with `code`/`message`: 11000-11005 an expired, invalid, malformed or empty
token, 11008/11016/11017/11019 the request limits. The token comes from GET /oauth/token with the
app's client id and secret and the refresh token; its answer carries a new refresh token and the one
sent stops working, so the new one goes to the token store at once. `cost` is in fen (分): 12345 is
CNY 123.45.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Iterator
from decimal import Decimal

from pydantic import Field

from connectors.api_source import DAYS, Page, Stream, Window
from connectors.app_token import AppToken, in_query
from connectors.platforms.api_versions import DEFAULTS
from connectors.http_core import HttpClient, PlatformError
from connectors.platforms.report_windows import (
    CampaignKeys, ReportOptions, ad_spend_row, body_code, body_field, check_accounts, grant_verdict, issued,
    numbered_pages, spans, total_row, verdict)
from connectors.source_options import Connector, Entries, EnvName, Setup, filled_by
from connectors.token_store import RefreshToken

BASE_URL = "https://api.e.qq.com"
API_VERSION = DEFAULTS["tencent_ads"]
# API version → the report level whose rows make up an account's spend, and that level's id and name fields
LEVELS = {"v1.3": ("REPORT_LEVEL_CAMPAIGN", "campaign_id", "campaign_name"),
          "v3.0": ("REPORT_LEVEL_ADGROUP", "adgroup_id", "adgroup_name")}
TOKEN_PATH = "/oauth/token"
MAX_DAYS = 30  # our choice: a month of daily rows per call keeps each answer small
THROTTLED, TOKEN_REFUSED = {11008, 11016, 11017, 11019}, {11000, 11002, 11004, 11005}
METRICS = ["view_count", "valid_click_count", "cost"]
ACCOUNT_LEVEL = "REPORT_LEVEL_ADVERTISER"  # the account's own daily total, every ad of every generation


def _signing_parameters() -> dict:
    return {"timestamp": lambda: str(int(time.time())), "nonce": lambda: secrets.token_hex(16)}


class TencentAds:
    platform = "tencent_ads"
    timezone = "Asia/Shanghai"  # the platform reports days in Beijing time
    streams = [Stream("ad_spend", DAYS)]

    def __init__(self, name: str, *, account_ids: list, client_id: str, client_secret: str, refresh_token: RefreshToken,
                 credential_env: str, campaign_keys: CampaignKeys = CampaignKeys(), page_size: int = 500,
                 api_version: str = API_VERSION, base_url: str = BASE_URL, **http_options):
        self.name = name
        self.accounts = [str(a) for a in account_ids]
        if api_version not in LEVELS:
            raise PlatformError(f"{name}: api_version {api_version!r} is not one mkpi reads; use one of {', '.join(LEVELS)}")
        self.keys, self.page_size, self.version = campaign_keys, page_size, api_version
        self.level, self.id_field, self.name_field = LEVELS[api_version]
        self.grant = {"client_id": client_id, "client_secret": client_secret, "grant_type": "refresh_token"}
        self.refresh = refresh_token
        self.token_http = HttpClient(f"{name} (access token)", base_url, credential_env=credential_env,
                                     classify=_classify_grant, **http_options)
        place = in_query("access_token", **_signing_parameters())
        self.http = HttpClient(name, base_url, auth=AppToken(self._new_token, place), credential_env=credential_env,
                               classify=_classify, **http_options)

    def _new_token(self) -> tuple[str, float]:
        grant = dict(self.grant, refresh_token=self.refresh.current())
        response = self.token_http.request("GET", TOKEN_PATH, params=grant)
        return issued(self.name, self.refresh, body_field(self.token_http, response, "GET", TOKEN_PATH),
                      "access_token_expires_in", "refresh_token_expires_in")

    def pages(self, stream: Stream, window: Window) -> Iterator[Page]:
        for account in self.accounts:
            for start, end in spans(window.start, window.end, MAX_DAYS):
                yield from self._report(account, start, end)

    def totals(self, window: Window) -> Iterator[Page]:
        for account in self.accounts:
            for start, end in spans(window.start, window.end, MAX_DAYS):
                yield from self._report(account, start, end, level=ACCOUNT_LEVEL)

    def _report(self, account: str, start, end, page_size: int | None = None, level: str | None = None) -> Iterator[Page]:
        keys = ["date"] if level == ACCOUNT_LEVEL else ["date", self.id_field]
        params = {"account_id": account, "level": level or self.level,
                  "date_range": json.dumps({"start_date": start.isoformat(), "end_date": end.isoformat()}),
                  "group_by": json.dumps(keys),
                  "fields": json.dumps(keys + ([] if level == ACCOUNT_LEVEL else [self.name_field]) + METRICS),
                  "page_size": str(page_size or self.page_size)}
        row = self._total_row if level == ACCOUNT_LEVEL else self._row
        yield from numbered_pages(self.http, account, f"/{self.version}/daily_reports/get", params, row)

    def _total_row(self, account: str, item: dict) -> dict:
        return total_row(self.platform, account, date=item.get("date"), impressions=item.get("view_count", 0),
                         clicks=item.get("valid_click_count", 0), spend=_yuan(item.get("cost")))

    def _row(self, account: str, item: dict) -> dict:
        return ad_spend_row(self.platform, account, self.keys, date=item.get("date"), campaign_id=item.get(self.id_field),
                            campaign_name=item.get(self.name_field), impressions=item.get("view_count", 0),
                            clicks=item.get("valid_click_count", 0), spend=_yuan(item.get("cost")))

    def check(self) -> str:
        return check_accounts(self.accounts, self._report)


def _yuan(fen) -> str:
    return str(Decimal(str(fen)) / 100) if fen is not None else "0"


def _classify(response) -> str | None:
    return verdict(body_code(response), throttled=THROTTLED, refused=TOKEN_REFUSED)


def _classify_grant(response) -> str | None:
    return grant_verdict(body_code(response), throttled=THROTTLED)


class Options(ReportOptions):
    account_ids: Entries = Field(description="the advertiser accounts to report (广告主账户 ID)")
    client_id_env: EnvName = Field(description="the developer app's id (应用 ID, client_id)")
    client_secret_env: EnvName = Field(description="the app's secret (应用密钥, client_secret)")
    refresh_token_env: EnvName = Field(description="the refresh token from the account's authorization "
                                                   "(rotated: kept in the token store)")
    api_version: str | None = Field(None, description=f"{API_VERSION} by default; v1.3 for an account still on "
                                                      "the old generation")


def build(o: Options, setup: Setup) -> TencentAds:
    return TencentAds(setup.name, account_ids=o.account_ids, client_id=setup.secret(o.client_id_env, "client_id"),
                      client_secret=setup.secret(o.client_secret_env, "client_secret"),
                      refresh_token=setup.credentials.rotating(o.refresh_token_env),
                      credential_env=o.refresh_token_env, campaign_keys=o.campaign_keys(),
                      **o.given("page_size", "api_version"), **setup.base, **setup.http)


CONNECTOR = Connector("tencent_ads", "Tencent Marketing API (腾讯广告)", Options, build, filled_by(TencentAds))

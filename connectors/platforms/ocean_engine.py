"""Ocean Engine (巨量引擎) Marketing API: daily campaign reports for several advertiser ids.

GET /open_api/2/report/campaign/get/ with the `Access-Token` header, advertiser_id, start_date and
end_date (at most 30 days a call), group_by [campaign id, stat time], daily granularity and page /
page_size paging (`data.page_info.total_page`). Every answer is HTTP 200 with a `code`/`message`
envelope: 0 is success, 40100 is the rate limit, 40102/40104/40105 an expired, missing or invalid
access token. The access token comes from POST /open_api/oauth2/refresh_token/ with the app id,
secret and refresh token, and lasts about a day. Cost is in CNY (元).
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from connectors.api_source import DAYS, Page, Stream, Window
from connectors.app_token import AppToken, in_header
from connectors.http_core import HttpClient, PlatformError
from connectors.platforms.report_windows import (
    CampaignKeys, ad_spend_row, body_code, body_field, check_accounts, grant_verdict, numbered_pages, spans, verdict)

BASE_URL = "https://ad.oceanengine.com"
REPORT_PATH = "/open_api/2/report/campaign/get/"
TOKEN_PATH = "/open_api/oauth2/refresh_token/"
MAX_DAYS = 30
THROTTLED, TOKEN_REFUSED, BUSY = {40100}, {40102, 40104, 40105}, {50000}
FIELDS = ["cost", "show", "click", "convert"]


class OceanEngine:
    platform = "ocean_engine"
    streams = [Stream("ad_spend", DAYS)]

    def __init__(self, name: str, *, advertiser_ids: list, app_id: str, secret: str, refresh_token: str,
                 credential_env: str, campaign_keys: CampaignKeys = CampaignKeys(), page_size: int = 100,
                 base_url: str = BASE_URL, **http_options):
        self.name = name
        self.accounts = [str(a) for a in advertiser_ids]
        self.keys, self.page_size = campaign_keys, page_size
        self.grant = {"app_id": app_id, "secret": secret, "grant_type": "refresh_token", "refresh_token": refresh_token}
        self.token_http = HttpClient(f"{name} (access token)", base_url, credential_env=credential_env,
                                     classify=_classify_grant, **http_options)
        self.http = HttpClient(name, base_url, auth=AppToken(self._new_token, in_header("Access-Token")),
                               credential_env=credential_env, classify=_classify, **http_options)

    def _new_token(self) -> tuple[str, float]:
        response = self.token_http.request("POST", TOKEN_PATH, json=self.grant)
        data = body_field(self.token_http, response, "POST", TOKEN_PATH)
        if not data.get("access_token"):
            raise PlatformError(f"{self.name}: the token endpoint answered without an access_token")
        return data["access_token"], float(data.get("expires_in", 86400))

    def pages(self, stream: Stream, window: Window) -> Iterator[Page]:
        for account in self.accounts:
            for start, end in spans(window.start, window.end, MAX_DAYS):
                yield from self._report(account, start, end)

    def _report(self, account: str, start, end, page_size: int | None = None) -> Iterator[Page]:
        params = {"advertiser_id": account, "start_date": start.isoformat(), "end_date": end.isoformat(),
                  "group_by": json.dumps(["STAT_GROUP_BY_FIELD_ID", "STAT_GROUP_BY_FIELD_STAT_TIME"]),
                  "time_granularity": "STAT_TIME_GRANULARITY_DAILY", "fields": json.dumps(FIELDS),
                  "page_size": str(page_size or self.page_size)}
        yield from numbered_pages(self.http, account, REPORT_PATH, params, self._row)

    def _row(self, account: str, item: dict) -> dict:
        return ad_spend_row(self.platform, account, self.keys, date=str(item.get("stat_datetime") or "")[:10],
                            campaign_id=item.get("campaign_id"), campaign_name=item.get("campaign_name"),
                            impressions=item.get("show", 0), clicks=item.get("click", 0), spend=item.get("cost", 0))

    def check(self) -> str:
        return check_accounts(self.accounts, self._report)


def _classify(response) -> str | None:
    return verdict(body_code(response), throttled=THROTTLED, refused=TOKEN_REFUSED, busy=BUSY)


def _classify_grant(response) -> str | None:
    return grant_verdict(body_code(response), throttled=THROTTLED, busy=BUSY)

"""Ocean Engine (巨量引擎) Marketing API: daily spend for several advertiser ids, in both ad hierarchies.

An account may hold ads of the old hierarchy (campaign → ad) and of the upgraded one (project →
promotion, 升级版巨量广告); each has its own report, and only the two together make the account's
spend. Old: GET /open_api/2/report/campaign/get/ with advertiser_id, start_date and end_date,
group_by [campaign id, stat time] and daily granularity; rows in `data.list`. Upgraded: GET
/open_api/v3.0/report/custom/get/ with dimensions [stat_time_day, cdp_project_id, cdp_project_name]
and metrics [stat_cost, show_cnt, click_cnt], start_time and end_time; rows in `data.rows`, each a
`dimensions` and a `metrics` object; a project is stored as the campaign. The account's own daily
total, which counts both, comes from GET /open_api/2/report/advertiser/get/. Both page by page / page_size
(`data.page_info.total_page`), at most 30 days a call. Every answer is HTTP 200 with a
`code`/`message` envelope: 0 is success, 40100 is the rate limit, 40102/40104/40105 an expired,
missing or invalid access token. The access token comes from POST /open_api/oauth2/refresh_token/
with the app id, secret and refresh token, and lasts about a day; the answer carries a new refresh
token (30 days) that replaces the one sent, kept in the token store at once. Cost is in CNY (元).
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from pydantic import Field

from connectors.api_source import DAYS, Page, Stream, Window
from connectors.app_token import AppToken, in_header
from connectors.http_core import HttpClient
from connectors.platforms.report_windows import (
    CampaignKeys, ReportOptions, ad_spend_row, body_code, body_field, check_accounts, grant_verdict, issued,
    numbered_pages, spans, total_row, verdict)
from connectors.source_options import Connector, Entries, EnvName, Setup, filled_by
from connectors.token_store import RefreshToken

BASE_URL = "https://ad.oceanengine.com"
REPORT_PATH = "/open_api/2/report/campaign/get/"
PROJECT_REPORT_PATH = "/open_api/v3.0/report/custom/get/"
ACCOUNT_REPORT_PATH = "/open_api/2/report/advertiser/get/"
PROJECT_DIMENSIONS = ["stat_time_day", "cdp_project_id", "cdp_project_name"]
PROJECT_METRICS = ["stat_cost", "show_cnt", "click_cnt"]
TOKEN_PATH = "/open_api/oauth2/refresh_token/"
MAX_DAYS = 30
THROTTLED, TOKEN_REFUSED, BUSY = {40100}, {40102, 40104, 40105}, {50000}
FIELDS = ["cost", "show", "click", "convert"]


class OceanEngine:
    platform = "ocean_engine"
    timezone = "Asia/Shanghai"  # the platform reports days in Beijing time
    streams = [Stream("ad_spend", DAYS)]

    def __init__(self, name: str, *, advertiser_ids: list, app_id: str, secret: str, refresh_token: RefreshToken,
                 credential_env: str, campaign_keys: CampaignKeys = CampaignKeys(), page_size: int = 100,
                 base_url: str = BASE_URL, **http_options):
        self.name = name
        self.accounts = [str(a) for a in advertiser_ids]
        self.keys, self.page_size = campaign_keys, page_size
        self.grant, self.refresh = {"app_id": app_id, "secret": secret, "grant_type": "refresh_token"}, refresh_token
        self.token_http = HttpClient(f"{name} (access token)", base_url, credential_env=credential_env,
                                     classify=_classify_grant, **http_options)
        self.http = HttpClient(name, base_url, auth=AppToken(self._new_token, in_header("Access-Token")),
                               credential_env=credential_env, classify=_classify, **http_options)

    def _new_token(self) -> tuple[str, float]:
        grant = dict(self.grant, refresh_token=self.refresh.current())
        response = self.token_http.request("POST", TOKEN_PATH, json=grant)
        return issued(self.name, self.refresh, body_field(self.token_http, response, "POST", TOKEN_PATH),
                      "expires_in", "refresh_token_expires_in")

    def pages(self, stream: Stream, window: Window) -> Iterator[Page]:
        for account in self.accounts:
            for start, end in spans(window.start, window.end, MAX_DAYS):
                yield from self._report(account, start, end)
                yield from self._project_report(account, start, end)

    def _report(self, account: str, start, end, page_size: int | None = None, totals: bool = False) -> Iterator[Page]:
        """The campaign report, or with `totals` the advertiser's own (its days only, every hierarchy)."""
        by = ([] if totals else ["STAT_GROUP_BY_FIELD_ID"]) + ["STAT_GROUP_BY_FIELD_STAT_TIME"]
        params = {"advertiser_id": account, "start_date": start.isoformat(), "end_date": end.isoformat(),
                  "group_by": json.dumps(by), "time_granularity": "STAT_TIME_GRANULARITY_DAILY",
                  "fields": json.dumps(FIELDS), "page_size": str(page_size or self.page_size)}
        yield from numbered_pages(self.http, account, ACCOUNT_REPORT_PATH if totals else REPORT_PATH, params,
                                  self._total_row if totals else self._row)

    def totals(self, window: Window) -> Iterator[Page]:
        for account in self.accounts:
            for start, end in spans(window.start, window.end, MAX_DAYS):
                yield from self._report(account, start, end, totals=True)

    def _total_row(self, account: str, item: dict) -> dict:
        return total_row(self.platform, account, date=str(item.get("stat_datetime") or "")[:10],
                         impressions=item.get("show", 0), clicks=item.get("click", 0), spend=item.get("cost", 0))

    def _project_report(self, account: str, start, end) -> Iterator[Page]:
        params = {"advertiser_id": account, "start_time": start.isoformat(), "end_time": end.isoformat(),
                  "dimensions": json.dumps(PROJECT_DIMENSIONS), "metrics": json.dumps(PROJECT_METRICS),
                  "filters": "[]", "order_by": json.dumps([{"field": "stat_time_day", "type": "ASC"}]),
                  "data_topic": "BASIC_DATA", "page_size": str(self.page_size)}
        yield from numbered_pages(self.http, account, PROJECT_REPORT_PATH, params, self._project_row, "rows")

    def _project_row(self, account: str, item: dict) -> dict:
        dims, metrics = item.get("dimensions") or {}, item.get("metrics") or {}
        return ad_spend_row(self.platform, account, self.keys, date=str(dims.get("stat_time_day") or "")[:10],
                            campaign_id=dims.get("cdp_project_id"), campaign_name=dims.get("cdp_project_name"),
                            impressions=metrics.get("show_cnt", 0), clicks=metrics.get("click_cnt", 0),
                            spend=metrics.get("stat_cost", 0))

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


class Options(ReportOptions):
    advertiser_ids: Entries = Field(description="the advertiser accounts to report (广告主 ID)")
    app_id_env: EnvName = Field(description="the developer app's id (应用 ID)")
    secret_env: EnvName = Field(description="the app's secret (应用密钥)")
    refresh_token_env: EnvName = Field(description="the refresh token from the advertiser's authorization "
                                                   "(rotated: kept in the token store)")


def build(o: Options, setup: Setup) -> OceanEngine:
    return OceanEngine(setup.name, advertiser_ids=o.advertiser_ids, app_id=setup.secret(o.app_id_env, "app_id"),
                       secret=setup.secret(o.secret_env, "secret"),
                       refresh_token=setup.credentials.rotating(o.refresh_token_env),
                       credential_env=o.refresh_token_env, campaign_keys=o.campaign_keys(), **o.given("page_size"),
                       **setup.base, **setup.http)


CONNECTOR = Connector("ocean_engine", "Ocean Engine Marketing API (巨量引擎)", Options, build, filled_by(OceanEngine))

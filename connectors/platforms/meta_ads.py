"""Meta Marketing API: daily campaign insights per ad account.

GET /{version}/act_{account}/insights with level=campaign, time_increment=1 and a time_range,
cursor paging (`paging.cursors.after` while `paging.next` is present). `spend` arrives as a decimal
string in the account currency. Meta reports how close the app is to its limits in usage headers
and throttles with error codes inside HTTP 400 answers; both are honoured.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from pydantic import Field

from connectors.api_source import DAYS, Page, Stream, Window
from connectors.http_core import REFUSED, RETRY, BearerToken, HttpClient
from connectors.platforms.api_versions import DEFAULTS
from connectors.source_options import Connector, Entries, EnvName, PageSize, Setup, SourceOptions, filled_by

BASE_URL = "https://graph.facebook.com"
API_VERSION = DEFAULTS["meta_ads"]
FIELDS = "account_id,account_currency,campaign_id,campaign_name,impressions,clicks,spend,date_start,date_stop"
TOTAL_FIELDS = "account_id,account_currency,impressions,clicks,spend,date_start,date_stop"
# Account-level insights leave out deleted and archived ads unless asked for them by status ("Manage your
# ad object's status", Marketing API best practices): every status, so a campaign deleted inside the
# re-fetched window keeps the spend it had.
AD_STATUSES = ("ACTIVE", "PAUSED", "DELETED", "ARCHIVED", "PENDING_REVIEW", "DISAPPROVED", "PREAPPROVED",
               "PENDING_BILLING_INFO", "CAMPAIGN_PAUSED", "ADSET_PAUSED", "IN_PROCESS", "WITH_ISSUES")
EVERY_AD = json.dumps([{"field": "ad.effective_status", "operator": "IN", "value": list(AD_STATUSES)}])
THROTTLE_CODES = {4, 17, 32, 613, 80000, 80003, 80004, 80014}  # application, user, page, ad-account rate limits
TOKEN_CODES = {102, 190, 200, 10}  # session or token invalid, or a permission missing
SLOW_DOWN_AT = 75  # usage percent from which requests are spaced out


class MetaAds:
    platform = "meta_ads"
    streams = [Stream("ad_spend", DAYS)]

    def __init__(self, name: str, *, ad_account_ids: list[str], access_token: str, base_url: str = BASE_URL,
                 api_version: str = API_VERSION, page_size: int = 500, credential_env: str | None = None,
                 **http_options):
        self.name = name
        self.accounts = [str(a).removeprefix("act_") for a in ad_account_ids]
        self.api_version = api_version
        self.page_size = page_size
        # The token travels in a header, never in the URL, so it cannot end up in a proxy log.
        self.http = HttpClient(name, base_url, auth=BearerToken(access_token), credential_env=credential_env,
                               classify=classify, pause_after=usage_pause, **http_options)

    def pages(self, stream: Stream, window: Window, totals: bool = False) -> Iterator[Page]:
        time_range = json.dumps({"since": window.start.isoformat(), "until": window.end.isoformat()})
        row = _total_row if totals else _row
        for account in self.accounts:
            path = f"/{self.api_version}/act_{account}/insights"
            asked = {"level": "account", "fields": TOTAL_FIELDS} if totals else {
                "level": "campaign", "fields": FIELDS, "filtering": EVERY_AD}
            params = {**asked, "time_increment": "1", "time_range": time_range, "limit": str(self.page_size)}
            pages: list[Page] = []

            def fetch(after, account=account, path=path, params=params, pages=pages):
                query = dict(params, **({"after": after} if after else {}))
                response = self.http.request("GET", path, params=query)
                payload = self.http.json_of(response, "GET", path)
                data = payload.get("data", []) if isinstance(payload, dict) else []
                pages.append(Page(account, len(pages) + 1, f"GET {path} {json.dumps(query, sort_keys=True)}",
                                  response.text, [row(r) for r in data]))
                paging = payload.get("paging", {}) if isinstance(payload, dict) else {}
                return [pages[-1]], paging.get("cursors", {}).get("after") if paging.get("next") else None

            yield from self.http.paginate(fetch)

    def totals(self, window: Window) -> Iterator[Page]:
        """The account level's daily figures: the account's own total, whatever became of its campaigns."""
        yield from self.pages(self.streams[0], window, totals=True)

    def check(self) -> str:
        for account in self.accounts:
            self.http.json("GET", f"/{self.api_version}/act_{account}", params={"fields": "name,currency"})
        return f"{len(self.accounts)} ad account(s) reachable"


def _total_row(item: dict) -> dict:
    row = _row(item)
    del row["campaign_id"], row["campaign_name"]
    return row


def _row(item: dict) -> dict:
    return {
        "date": item.get("date_start"),
        "platform": "meta_ads",
        "account_id": item.get("account_id"),
        "campaign_id": item.get("campaign_id"),
        "campaign_name": item.get("campaign_name"),
        "impressions": item.get("impressions", "0"),
        "clicks": item.get("clicks", "0"),
        "spend": item.get("spend", "0"),
        "currency": item.get("account_currency"),
    }


def classify(response) -> str | None:
    try:
        code = response.json().get("error", {}).get("code")
    except (ValueError, AttributeError):
        return None
    if code in THROTTLE_CODES:
        return RETRY
    if code in TOKEN_CODES:
        return REFUSED
    return None


def usage_pause(response) -> float:
    """Seconds to wait before the next call, from X-Business-Use-Case-Usage, X-Ad-Account-Usage, X-App-Usage."""
    highest, regain_minutes, reset_seconds = 0.0, 0.0, 0.0
    for header in ("X-Business-Use-Case-Usage", "X-Ad-Account-Usage", "X-App-Usage"):
        try:
            usage = json.loads(response.headers.get(header) or "{}")
        except ValueError:
            continue
        entries = [e for v in usage.values() if isinstance(v, list) for e in v] if header.startswith("X-Business") else [usage]
        for entry in (e for e in entries if isinstance(e, dict)):
            for key in ("call_count", "total_cputime", "total_time", "acc_id_util_pct"):
                highest = max(highest, float(entry.get(key) or 0))
            regain_minutes = max(regain_minutes, float(entry.get("estimated_time_to_regain_access") or 0))
            reset_seconds = max(reset_seconds, float(entry.get("reset_time_duration") or 0))
    if regain_minutes > 0:
        return 60.0 * regain_minutes
    if highest >= 100:
        return max(reset_seconds, 60.0)
    if highest >= SLOW_DOWN_AT:
        return 2.0 * (highest - SLOW_DOWN_AT + 1)
    return 0.0


class Options(SourceOptions):
    ad_account_ids: Entries = Field(description="the ad accounts to report, like \"act_1234567890\"")
    access_token_env: EnvName = Field(description="a system user's access token with ads_read")
    api_version: str | None = Field(None, description=f"the Graph API version to call (default {API_VERSION})")
    page_size: PageSize | None = Field(None, description="rows per insights page (default 500)")


def build(o: Options, setup: Setup) -> MetaAds:
    return MetaAds(setup.name, ad_account_ids=o.ad_account_ids, access_token=setup.secret(o.access_token_env,
                                                                                        "access_token"),
                   credential_env=o.access_token_env, **o.given("api_version", "page_size"), **setup.base,
                   **setup.http)


CONNECTOR = Connector("meta_ads", "Meta Marketing API", Options, build, filled_by(MetaAds))

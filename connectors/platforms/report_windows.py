"""What the Chinese platforms' report connectors share: windows cut to the longest span a platform
accepts per call, reports paged by page number, the campaign key that joins a campaign's spend to the sessions' utm_campaign
(its name or its id, per account), and the reading of an error code a platform sends in the body
of an HTTP 200 answer."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from pydantic import Field, field_validator

from connectors.api_source import Page
from connectors.http_core import FAILED, REFUSED, RETRY, PlatformError, next_page
from connectors.source_options import PageSize, SourceOptions

NAME, ID = "name", "id"
CAMPAIGN_KEYS = (NAME, ID)


def spans(start: dt.date, end: dt.date, days: int) -> Iterator[tuple[dt.date, dt.date]]:
    """[start, end] in consecutive pieces of at most `days` days: 20 days at 7 a call → 7, 7, 6."""
    while start <= end:
        last = min(end, start + dt.timedelta(days=days - 1))
        yield start, last
        start = last + dt.timedelta(days=1)


@dataclass(frozen=True)
class CampaignKeys:
    """How a campaign is tagged in the sessions' utm_campaign: by NAME (the models lower-case the campaign
    name, the default) or by ID, for all accounts or per account."""

    default: str = NAME
    by_account: dict = field(default_factory=dict)

    def utm_campaign(self, account: str, campaign_id) -> str | None:
        """The ad_spend row's utm_campaign: the id when the account tags by id, else empty (name)."""
        return str(campaign_id) if self.by_account.get(str(account), self.default) == ID else None


class ReportOptions(SourceOptions):
    """The options every Chinese platform's report source shares: its campaign keys and page size."""

    utm_campaign: str | None = Field(None, description="what the sessions' utm_campaign holds for this platform's "
                                                       "campaigns: name (default) or id")
    utm_campaign_by_account: dict | None = Field(None, description="accounts that differ, like {\"1234567\": id}")
    page_size: PageSize | None = Field(None, description="rows per report page (the platform's default otherwise)")

    @field_validator("utm_campaign", mode="plain")
    @classmethod
    def _campaign_key(cls, value):
        if value not in CAMPAIGN_KEYS:
            raise ValueError(f"utm_campaign is one of {', '.join(CAMPAIGN_KEYS)}: what the sessions' utm_campaign holds")
        return value

    @field_validator("utm_campaign_by_account", mode="plain")
    @classmethod
    def _campaign_keys_by_account(cls, value):
        if not isinstance(value, dict) or not set(map(str, value.values())) <= set(CAMPAIGN_KEYS):
            raise ValueError(f"utm_campaign_by_account maps account ids to one of {', '.join(CAMPAIGN_KEYS)}, "
                             "like {\"1234567\": id}")
        return value

    def campaign_keys(self) -> CampaignKeys:
        by_account = {str(k): str(v) for k, v in (self.utm_campaign_by_account or {}).items()}
        return CampaignKeys(self.utm_campaign or NAME, by_account)


def total_row(platform: str, account: str, *, date, impressions, clicks, spend) -> dict:
    """An account's day as the platform's account-level report states it (the ad_spend_totals row); these
    platforms report in CNY."""
    return {"date": date, "platform": platform, "account_id": account, "impressions": impressions, "clicks": clicks,
            "spend": spend, "currency": "CNY"}


def ad_spend_row(platform: str, account: str, keys: CampaignKeys, *, date, campaign_id, campaign_name, impressions,
                 clicks, spend) -> dict:
    """A campaign's day as the canonical ad_spend row: the columns of an account's day, and the campaign's."""
    return {**total_row(platform, account, date=date, impressions=impressions, clicks=clicks, spend=spend),
            "campaign_id": campaign_id, "campaign_name": campaign_name,
            "utm_campaign": keys.utm_campaign(account, campaign_id)}


def check_accounts(accounts: list[str], report) -> str:
    """One row of yesterday's report per account: the credentials and every account id are accepted."""
    yesterday = dt.date.today() - dt.timedelta(days=1)
    for account in accounts:
        next(report(account, yesterday, yesterday, page_size=1), None)
    return f"{len(accounts)} account(s) reachable"


def numbered_pages(http, account: str, path: str, params: dict, row: Callable[[str, dict], dict],
                   list_key: str = "list") -> Iterator[Page]:
    """GET a report page by page number until `data.page_info.total_page` (Ocean Engine, Tencent Ads)."""
    def fetch(page):
        query = dict(params, page=str(page or 1))
        response = http.request("GET", path, params=query)
        data = body_field(http, response, "GET", path)
        info = data.get("page_info") or {}
        number = int(info.get("page") or page or 1)
        following = next_page(number, last_page=int(info.get("total_page") or 0))
        rows = [row(account, r) for r in data.get(list_key) or []]
        return [Page(account, number, f"GET {path} {json.dumps(query, sort_keys=True)}", response.text, rows)], following

    yield from http.paginate(fetch)


def verdict(code, *, throttled: set, refused: set, busy: set = frozenset()) -> str | None:
    """A body error code as http_core reads it: RETRY (throttled, server busy), REFUSED (the token), or FAILED."""
    if code in (None, 0, "0"):
        return None
    if code in throttled or code in busy:
        return RETRY
    return REFUSED if code in refused else FAILED


def grant_verdict(code, *, throttled: set, busy: set = frozenset()) -> str | None:
    """At a token endpoint every error but throttling means the app credentials or refresh token are refused."""
    found = verdict(code, throttled=throttled, refused=set(), busy=busy)
    return REFUSED if found == FAILED else found


def body_field(http, response, method: str, path: str, key: str = "data"):
    """`payload[key]` of a successful answer; an answer without it is an error, not an empty report."""
    payload = http.json_of(response, method, path)
    value = payload.get(key) if isinstance(payload, dict) else None
    if value is None:
        raise PlatformError(f"{http.platform}: {method} {path} answered without '{key}'")
    return value


def issued(name: str, refresh, data: dict, expires_key: str, refresh_expires_key: str,
           token_key: str = "access_token", refresh_key: str = "refresh_token") -> tuple[str, float]:
    """(access token, seconds) from a token endpoint's data, after storing the refresh token it replaced."""
    if not data.get(token_key):
        raise PlatformError(f"{name}: the token endpoint answered without an {token_key}")
    refresh.rotated(data.get(refresh_key), data.get(refresh_expires_key))
    return data[token_key], float(data.get(expires_key) or 86400)


def body_code(response, key: str = "code"):
    """The error code of a JSON body, or None when the body is not a JSON object (http_core reports that)."""
    try:
        payload = response.json()
    except ValueError:
        return None
    return payload.get(key) if isinstance(payload, dict) else None

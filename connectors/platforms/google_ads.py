"""Google Ads API: daily campaign cost and delivery through a GAQL search stream, per customer id.

POST /{version}/customers/{id}/googleAds:searchStream with the OAuth access token, the
`developer-token` header and, when the customers sit under a manager account, `login-customer-id`.
The response is a JSON array of batches, each with `results` rows of camelCase objects; cost
comes as micros of the account currency.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal

from pydantic import Field

from connectors.api_source import DAYS, Page, Stream, Window
from connectors.google_oauth import GoogleOAuthOptions, google_auth
from connectors.http_core import HttpClient, PlatformError
from connectors.platforms.api_versions import DEFAULTS
from connectors.source_options import Connector, Entries, EnvName, Identifier, Setup, filled_by

BASE_URL = "https://googleads.googleapis.com"
API_VERSION = DEFAULTS["google_ads"]
QUERY = (
    "SELECT segments.date, customer.currency_code, campaign.id, campaign.name, "
    "metrics.impressions, metrics.clicks, metrics.cost_micros FROM campaign "
    "WHERE segments.date BETWEEN '{start}' AND '{end}'"
)
# The customer's own daily totals: every campaign, removed ones and every campaign type included.
TOTALS_QUERY = (
    "SELECT segments.date, customer.currency_code, metrics.impressions, metrics.clicks, metrics.cost_micros "
    "FROM customer WHERE segments.date BETWEEN '{start}' AND '{end}'"
)


def digits(customer_id: str) -> str:
    """'123-456-7890' → '1234567890': the API wants customer ids without dashes."""
    return str(customer_id).replace("-", "").strip()


class GoogleAds:
    platform = "google_ads"
    streams = [Stream("ad_spend", DAYS)]

    def __init__(self, name: str, *, customer_ids: list[str], developer_token: str, auth,
                 login_customer_id: str | None = None, base_url: str = BASE_URL, api_version: str = API_VERSION,
                 credential_env: str | None = None, **http_options):
        self.name = name
        self.customer_ids = [digits(c) for c in customer_ids]
        self.api_version = api_version
        self.headers = {"developer-token": developer_token}
        if login_customer_id:
            self.headers["login-customer-id"] = digits(login_customer_id)
        self.http = HttpClient(name, base_url, auth=auth, credential_env=credential_env, **http_options)

    def _search(self, customer_id: str, query: str):
        path = f"/{self.api_version}/customers/{customer_id}/googleAds:searchStream"
        response = self.http.request("POST", path, json={"query": query}, headers=self.headers)
        batches = self.http.json_of(response, "POST", path)
        if not isinstance(batches, list):
            raise PlatformError(f"{self.name}: POST {path} did not return the array of batches a search stream returns")
        failed = next((b["error"] for b in batches if isinstance(b, dict) and "error" in b), None)
        if failed:  # an error part-way through the stream arrives as one more array element
            raise PlatformError(f"{self.name}: POST {path} stopped part-way: {str(failed.get('message', failed))[:200]}")
        return path, response.text, batches

    def pages(self, stream: Stream, window: Window, query: str = QUERY, totals: bool = False) -> Iterator[Page]:
        query = query.format(start=window.start.isoformat(), end=window.end.isoformat())
        for number, customer_id in enumerate(self.customer_ids, 1):
            path, text, batches = self._search(customer_id, query)
            rows = [self._row(customer_id, r, totals) for batch in batches for r in batch.get("results", [])]
            yield Page(customer_id, number, f"POST {path} {json.dumps({'query': query})}", text, rows)

    def totals(self, window: Window) -> Iterator[Page]:
        yield from self.pages(self.streams[0], window, TOTALS_QUERY, totals=True)

    @staticmethod
    def _row(customer_id: str, result: dict, total: bool = False) -> dict:
        campaign, metrics = result.get("campaign", {}), result.get("metrics", {})
        micros = metrics.get("costMicros")
        row = {
            "date": result.get("segments", {}).get("date"),
            "platform": "google_ads",
            "account_id": customer_id,
            "impressions": metrics.get("impressions", "0"),
            "clicks": metrics.get("clicks", "0"),
            "spend": str(Decimal(str(micros)) / 1_000_000) if micros is not None else "0",
            "currency": result.get("customer", {}).get("currencyCode"),
        }
        return row if total else {**row, "campaign_id": campaign.get("id"), "campaign_name": campaign.get("name")}

    def check(self) -> str:
        for customer_id in self.customer_ids:
            self._search(customer_id, "SELECT customer.id FROM customer LIMIT 1")
        return f"{len(self.customer_ids)} customer account(s) reachable"


class Options(GoogleOAuthOptions):
    customer_ids: Entries = Field(description="the customer accounts to report, like \"123-456-7890\"")
    developer_token_env: EnvName = Field(description="the developer token (Google Ads API Center)")
    login_customer_id: Identifier | None = Field(None, description="the manager account, when the customers sit "
                                                                    "under one")
    api_version: str | None = Field(None, description=f"the API version to call (default {API_VERSION})")


def build(o: Options, setup: Setup) -> GoogleAds:
    return GoogleAds(setup.name, customer_ids=o.customer_ids, developer_token=setup.secret(o.developer_token_env,
                                                                                            "developer_token"),
                     auth=google_auth(o, setup), login_customer_id=o.login_customer_id,
                     credential_env=o.refresh_token_env, **o.given("api_version"), **setup.base, **setup.http)


CONNECTOR = Connector("google_ads", "Google Ads API", Options, build, filled_by(GoogleAds))

"""GA4 Data API: sessions and key events per day, source, medium and campaign (aggregated traffic).

POST /v1beta/properties/{id}:runReport with the dimensions date, sessionSource, sessionMedium and
sessionCampaignName, limit/offset paging until `rowCount` rows are read. GA4 renamed
"conversions" to "keyEvents" in 2024; the metric is configurable for older properties.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator

from pydantic import Field

from connectors.api_source import DAYS, Page, Stream, Window
from connectors.google_oauth import GoogleOAuthOptions, google_auth
from connectors.http_core import HttpClient, PlatformError, next_offset
from connectors.source_options import Connector, Entries, PageSize, Setup, filled_by

BASE_URL = "https://analyticsdata.googleapis.com"
DIMENSIONS = ["date", "sessionSource", "sessionMedium", "sessionCampaignName"]
PAGE_SIZE = 100_000  # the most rows runReport returns per request


class GA4:
    platform = "ga4"
    streams = [Stream("traffic_daily", DAYS)]

    def __init__(self, name: str, *, property_ids: list[str], auth, base_url: str = BASE_URL,
                 conversion_metric: str = "keyEvents", page_size: int = PAGE_SIZE,
                 credential_env: str | None = None, **http_options):
        self.name = name
        self.property_ids = [str(p).removeprefix("properties/") for p in property_ids]
        self.conversion_metric = conversion_metric
        self.page_size = page_size
        self.http = HttpClient(name, base_url, auth=auth, credential_env=credential_env, **http_options)

    def pages(self, stream: Stream, window: Window) -> Iterator[Page]:
        numbers = itertools.count(1)
        for property_id in self.property_ids:
            path = f"/v1beta/properties/{property_id}:runReport"

            def fetch(offset, path=path, property_id=property_id):
                body = {
                    "dateRanges": [{"startDate": window.start.isoformat(), "endDate": window.end.isoformat()}],
                    "dimensions": [{"name": d} for d in DIMENSIONS],
                    "metrics": [{"name": "sessions"}, {"name": self.conversion_metric}],
                    "limit": str(self.page_size), "offset": str(offset or 0),
                }
                response = self.http.request("POST", path, json=body)
                payload = self.http.json_of(response, "POST", path)
                if not isinstance(payload, dict):
                    raise PlatformError(f"{self.name}: POST {path} did not return a report object")
                rows = [_row(r) for r in payload.get("rows") or []]
                page = Page(property_id, next(numbers), f"POST {path} {json.dumps(body, sort_keys=True)}",
                            response.text, rows)
                return [page], next_offset(offset or 0, len(rows), int(payload.get("rowCount") or 0))

            yield from self.http.paginate(fetch)

    def check(self) -> str:
        for property_id in self.property_ids:
            self.http.json("GET", f"/v1beta/properties/{property_id}/metadata")
        return f"{len(self.property_ids)} propert{'y' if len(self.property_ids) == 1 else 'ies'} reachable"


def _row(row: dict) -> dict:
    dims = [d.get("value") for d in row.get("dimensionValues", [])]
    metrics = [m.get("value") for m in row.get("metricValues", [])]
    date, source, medium, campaign = (dims + [None] * 4)[:4]
    return {
        "date": f"{date[:4]}-{date[4:6]}-{date[6:]}" if date and len(date) == 8 else date,
        "source": source,
        "medium": medium,
        "campaign": campaign,
        "sessions": metrics[0] if metrics else None,
        "conversions": metrics[1] if len(metrics) > 1 else None,
    }


class Options(GoogleOAuthOptions):
    property_ids: Entries = Field(description="the GA4 properties to report, like \"123456789\"")
    conversion_metric: str | None = Field(None, description="the metric counted as conversions (default keyEvents; "
                                                            "conversions on older properties)")
    page_size: PageSize | None = Field(None, description=f"rows per report page (default {PAGE_SIZE})")


def build(o: Options, setup: Setup) -> GA4:
    return GA4(setup.name, property_ids=o.property_ids, auth=google_auth(o, setup),
               credential_env=o.refresh_token_env, **o.given("conversion_metric", "page_size"), **setup.base,
               **setup.http)


CONNECTOR = Connector("ga4", "Google Analytics 4 Data API", Options, build, filled_by(GA4))

"""HubSpot CRM v3: contacts as leads, won deals as orders, incrementally by last modification.

Both come from the search endpoint (POST /crm/v3/objects/{type}/search) filtered on the last-modified
property and sorted by it, with `paging.next.after` paging. Search stops at 10,000 results per
query, so a longer run restarts from the newest modification time it has seen (records are replaced
by id, so the overlap is harmless). Deal → contact links come from the v4 associations batch read.
A deal that left the won stages is removed from the orders, not kept as a stale sale.

As portals are set up (HubSpot's knowledge base on lifecycle stages, deal stages and the default
analytics properties): a contact is a lead once its lifecycle stage (`lifecyclestage`) is one of
`lead_stages` (from `lead` on; a subscriber is not a lead yet), and a contact without a stage counts as
one (a portal that does not use stages). A deal is won when HubSpot says so (`hs_is_closed_won`, true in
every pipeline; `closedwon` is only the default pipeline's stage) unless `won_stages` names stages. The
`utm_*` contact properties are not HubSpot's own: a portal without them gets each lead's UTM tags from
the query of its first page seen (`hs_analytics_first_url`), which HubSpot's tracking code records.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

from pydantic import Field

from connectors.api_source import RECORDS, Page, Stream, Window
from connectors.http_core import BearerToken, HttpClient, PlatformError
from connectors.source_options import Connector, Entries, EnvName, Setup, SourceOptions, filled_by

BASE_URL = "https://api.hubapi.com"
SEARCH_LIMIT = 10_000  # HubSpot returns at most this many results for one search query
PAGE_SIZE = 100  # the largest page the search endpoint serves
# canonical column ← HubSpot property; the utm_* properties are the ones forms usually fill from hidden fields.
LEAD_PROPERTIES = {
    "created_at": "createdate", "lead_source": "hs_analytics_source", "status": "hs_lead_status",
    "utm_source": "utm_source", "utm_medium": "utm_medium", "utm_campaign": "utm_campaign",
}
ORDER_PROPERTIES = {"ordered_at": "closedate", "amount": "amount", "currency": "deal_currency_code", "status": "dealstage"}
MODIFIED = {"contacts": "lastmodifieddate", "deals": "hs_lastmodifieddate"}
# HubSpot's default lifecycle stages from `lead` on (internal values); subscriber and other are not leads.
LEAD_STAGES = ("lead", "marketingqualifiedlead", "salesqualifiedlead", "opportunity", "customer", "evangelist")
# read beside the canonical columns: a contact's stage and first page, a deal's won flag
CONTACT_EXTRA, DEAL_EXTRA = ("lifecyclestage", "hs_analytics_first_url"), ("hs_is_closed_won",)
UTM = ("utm_source", "utm_medium", "utm_campaign")


class HubSpot:
    platform = "hubspot"
    streams = [Stream("leads", RECORDS, key="lead_id"), Stream("orders", RECORDS, key="order_id")]

    def __init__(self, name: str, *, access_token: str, base_url: str = BASE_URL, won_stages=None,
                 lead_stages=LEAD_STAGES, default_currency: str | None = None, lead_properties: dict | None = None,
                 credential_env: str | None = None, **http_options):
        self.name = name
        self.won_stages = set(won_stages) if won_stages else None
        self.lead_stages = set(lead_stages)
        self.default_currency = default_currency
        self.lead_properties = {**LEAD_PROPERTIES, **(lead_properties or {})}
        self.http = HttpClient(name, base_url, auth=BearerToken(access_token), credential_env=credential_env,
                               **http_options)

    def pages(self, stream: Stream, window: Window) -> Iterator[Page]:
        object_type = "contacts" if stream.kind == "leads" else "deals"
        properties = [*self.lead_properties.values(), *CONTACT_EXTRA] if stream.kind == "leads" else \
            [*ORDER_PROPERTIES.values(), *DEAL_EXTRA]
        number = 0
        for results, text, request in self._search(object_type, properties, window.modified_since):
            number += 1
            if object_type == "contacts":
                leads = [r for r in results if self._is_lead(r)]
                rows, removed = [self._lead(r) for r in leads], [str(r["id"]) for r in results if r not in leads]
            else:
                won = [r for r in results if self._is_won(r)]
                links = self._deal_contacts([r["id"] for r in won])
                rows = [self._order(r, links.get(str(r["id"]))) for r in won]
                removed = [str(r["id"]) for r in results if r not in won]
            cursor = max((_modified(r, MODIFIED[object_type]) for r in results), default=None)
            yield Page("portal", number, request, text, rows, removed, cursor)

    def _search(self, object_type: str, properties: list[str], since: dt.datetime):
        """Every record modified at or after `since`, page by page, across the 10,000-result ceiling."""
        path = f"/crm/v3/objects/{object_type}/search"
        modified = MODIFIED[object_type]
        while True:
            body = {
                "filterGroups": [{"filters": [{"propertyName": modified, "operator": "GTE",
                                               "value": str(int(since.timestamp() * 1000))}]}],
                "sorts": [{"propertyName": modified, "direction": "ASCENDING"}],
                "properties": sorted({*properties, modified}),
                "limit": PAGE_SIZE,
            }
            seen = {"total": 0}

            def fetch(after, body=body, seen=seen):
                request = dict(body, **({"after": after} if after else {}))
                response = self.http.request("POST", path, json=request)
                payload = self.http.json_of(response, "POST", path)
                if not isinstance(payload, dict):
                    raise PlatformError(f"{self.name}: POST {path} did not return a search result object")
                seen["total"] = int(payload.get("total") or 0)
                after = str(((payload.get("paging") or {}).get("next") or {}).get("after") or "")
                page = (payload.get("results") or [], response.text, f"POST {path} {json.dumps(request, sort_keys=True)}")
                return [page], (after if after.isdigit() and int(after) < SEARCH_LIMIT else None)

            newest = None
            for page in self.http.paginate(fetch):
                newest = max(filter(None, [newest, *(_modified(r, modified) for r in page[0])]), default=None)
                yield page
            if seen["total"] <= SEARCH_LIMIT or newest is None:
                return
            restart = dt.datetime.fromisoformat(newest)
            if restart <= since:
                raise PlatformError(f"{self.name}: more than {SEARCH_LIMIT} {object_type} share the modification time "
                                    f"{newest}; HubSpot search cannot page past them")
            since = restart

    def _deal_contacts(self, deal_ids: list[str]) -> dict[str, str]:
        """deal id → the id of its first associated contact (the lead that became the customer)."""
        if not deal_ids:
            return {}
        path = "/crm/v4/associations/deals/contacts/batch/read"
        payload = self.http.json("POST", path, json={"inputs": [{"id": str(d)} for d in deal_ids]})
        links = {}
        for result in payload.get("results", []) if isinstance(payload, dict) else []:
            contacts = sorted(str(t.get("toObjectId")) for t in result.get("to", []) if t.get("toObjectId") is not None)
            if contacts:
                links[str(result.get("from", {}).get("id"))] = contacts[0]
        return links

    def _is_lead(self, record: dict) -> bool:
        stage = record.get("properties", {}).get("lifecyclestage")
        return not stage or stage in self.lead_stages

    def _is_won(self, record: dict) -> bool:
        props = record.get("properties", {})
        if self.won_stages is not None:
            return props.get("dealstage") in self.won_stages
        return str(props.get("hs_is_closed_won")).lower() == "true"

    def _lead(self, record: dict) -> dict:
        props = record.get("properties", {})
        row = {column: props.get(prop) for column, prop in self.lead_properties.items()}
        if not any(row.get(column) for column in UTM):  # no utm_* properties: the first page's tags
            tags = parse_qs(urlsplit(props.get("hs_analytics_first_url") or "").query)
            row.update({column: (tags.get(column) or [None])[0] for column in UTM})
        return {**row, "lead_id": str(record.get("id"))}

    def _order(self, record: dict, contact_id: str | None) -> dict:
        props = record.get("properties", {})
        row = {column: props.get(prop) for column, prop in ORDER_PROPERTIES.items()}
        row["currency"] = row["currency"] or self.default_currency
        return {**row, "order_id": str(record.get("id")), "lead_id": contact_id}

    def check(self) -> str:
        for object_type in ("contacts", "deals"):
            self.http.json("GET", f"/crm/v3/objects/{object_type}", params={"limit": "1"})
        return "contacts and deals readable"


def _modified(record: dict, prop: str) -> str | None:
    value = record.get("properties", {}).get(prop) or record.get("updatedAt")
    if not value:
        return None
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(dt.timezone.utc).isoformat()


class Options(SourceOptions):
    access_token_env: EnvName = Field(description="the access token of the portal's app (contacts and deals read)")
    lead_stages: Entries | None = Field(None, description="lifecycle stages that make a contact a lead "
                                                          "(default: lead and every stage after it)")
    won_stages: Entries | None = Field(None, description="deal stages that make a deal an order (default: the deals "
                                                         "HubSpot marks won, any pipeline)")
    default_currency: str | None = Field(None, description="the currency of deals without deal_currency_code")
    lead_properties: dict | None = Field(None, description="canonical lead column → contact property, to change "
                                                           "the mapping")


def build(o: Options, setup: Setup) -> HubSpot:
    stages = {"lead_stages": tuple(o.lead_stages)} if o.lead_stages else {}
    return HubSpot(setup.name, access_token=setup.secret(o.access_token_env, "access_token"),
                   credential_env=o.access_token_env, won_stages=tuple(o.won_stages) if o.won_stages else None,
                   default_currency=o.default_currency, lead_properties=o.lead_properties, **stages, **setup.base,
                   **setup.http)


CONNECTOR = Connector("hubspot", "HubSpot CRM API", Options, build, filled_by(HubSpot))

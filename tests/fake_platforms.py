"""A real HTTP server on 127.0.0.1 that speaks the documented request/response shapes of Google's
OAuth token endpoint, Google Ads searchStream, Meta insights, HubSpot CRM search and associations,
GA4 runReport and a page-numbered JSON reporting API. It refuses requests the real API would refuse
(missing headers, wrong token, malformed body) and records every request for the tests to inspect.
Over 300 lines: one small handler per platform, kept in one server so the tests start one.

Data lives in plain lists the tests edit between pulls (a restated day, a modified contact).
`fail(path_part, *replies)` makes the next requests whose path contains `path_part` answer with the
given replies first (429, 500, 401, malformed JSON), one reply per request.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from decimal import Decimal
from dataclasses import dataclass, field
from urllib.parse import parse_qs

from tests.sink_servers import LocalHttpServer, Received, Reply

SECRETS = {
    "GOOGLE_CLIENT_ID": "client-id-SECRET-7f3a",
    "GOOGLE_CLIENT_SECRET": "client-secret-SECRET-91bd",
    "GOOGLE_REFRESH_TOKEN": "refresh-SECRET-c0ffee",
    "GOOGLE_ADS_DEVELOPER_TOKEN": "devtoken-SECRET-5511",
    "META_ACCESS_TOKEN": "meta-SECRET-EAAB7788",
    "HUBSPOT_TOKEN": "pat-SECRET-hub-4242",
    "BAIDU_TOKEN": "baidu-SECRET-6060",
}
ACCESS_TOKEN = "ya29.access-SECRET-issued"  # what the token endpoint hands out


# developers.google.com/google-ads/api/docs/sunset-dates: the day each version stops answering
GOOGLE_ADS_SUNSETS = {"v20": "2026-06-10", "v21": "2026-08-05", "v22": "2026-10-07"}


@dataclass
class FakePlatforms(LocalHttpServer):
    google_ads: dict = field(default_factory=dict)  # customer id → [row dicts: date, campaign_id, name, impressions, clicks, cost_micros, currency]
    google_unlisted: dict = field(default_factory=dict)  # customer id → rows in the customer's totals only
    today: str = "2026-10-10"  # the fake's clock: versions past their sunset, WeChat's last day, token ages
    meta: dict = field(default_factory=dict)  # account id → [insight dicts as the API returns them]
    contacts: list = field(default_factory=list)  # HubSpot objects: {id, properties}
    deals: list = field(default_factory=list)
    deal_contacts: dict = field(default_factory=dict)  # deal id → [contact ids]
    ga4: list = field(default_factory=list)  # {date: YYYYMMDD, source, medium, campaign, sessions, keyEvents}
    baidu: list = field(default_factory=list)  # {stat_date, campaign, cost, impression, click}
    google_batch: int = 2  # rows per searchStream batch
    meta_page: int = 2  # insights per page (the connector's limit is honoured when smaller)
    hubspot_page: int = 2
    won_stages: set = field(default_factory=lambda: {"closedwon"})  # the portal's won stage ids, every pipeline
    ga4_page: int = 2
    baidu_page: int = 2
    usage_header: str | None = None  # X-Business-Use-Case-Usage value sent with Meta answers
    always_json = True
    received: list = field(default_factory=list)
    problems: list = field(default_factory=list)  # requests a real API would have refused, and why
    faults: list = field(default_factory=list)  # [path part, Reply, normal answers first] consumed in order
    pause_on: tuple | None = None  # (path part, request number, threading.Event): hold that request until set

    def fail(self, path_part: str, *replies: Reply, after: int = 0) -> None:
        """The next requests to `path_part`, after `after` normal answers, get `replies`, one each."""
        self.faults.extend([path_part, r, after] for r in replies)

    @property
    def url(self) -> str:
        return self.base_url

    def requests_to(self, path_part: str) -> list[Received]:
        return [r for r in self.received if path_part in r.path]

    def answer(self, request: Received) -> Reply:
        self.received.append(request)
        if self.pause_on and self.pause_on[0] in request.path:
            if len(self.requests_to(self.pause_on[0])) == self.pause_on[1]:
                self.pause_on[2].wait(30)
        fault = next((f for f in self.faults if f[0] in request.path), None)
        if fault and fault[2] > 0:
            fault[2] -= 1
        elif fault:
            self.faults.remove(fault)
            return fault[1]
        status, body, headers = self._route(request)
        return Reply(status, body, headers=headers)

    def _route(self, request: Received):
        routes = [
            (r"^/token$", self._token),
            (r"^/v\d+/customers/(\d+)/googleAds:searchStream$", self._google_ads),
            (r"^/v[\d.]+/act_(\d+)/insights$", self._meta),
            (r"^/v[\d.]+/act_(\d+)$", self._meta_account),
            (r"^/crm/v3/objects/(contacts|deals)$", self._hubspot_list),
            (r"^/v1beta/properties/(\d+)/metadata$", self._ga4_metadata),
            (r"^/crm/v3/objects/(contacts|deals)/search$", self._hubspot_search),
            (r"^/crm/v4/associations/deals/contacts/batch/read$", self._hubspot_associations),
            (r"^/v1beta/properties/(\d+):runReport$", self._ga4),
            (r"^/json/sms/service/ReportService/getReportData$", self._baidu),
        ]
        for pattern, handler in routes:
            match = re.match(pattern, request.path)
            if match:
                return handler(request, *match.groups())
        return 404, {"error": {"message": f"no such endpoint {request.path}"}}, {}

    def _refuse(self, request, why: str, status: int = 400):
        self.problems.append(f"{request.path}: {why}")
        return status, {"error": {"code": status, "message": why}}, {}

    def _bearer(self, request, token: str):
        if request.headers.get("Authorization") != f"Bearer {token}":
            return 401, {"error": {"code": 401, "message": "Request had invalid authentication credentials.",
                                   "status": "UNAUTHENTICATED"}}, {}
        return None

    # -- Google OAuth -------------------------------------------------------------------------------------

    def _token(self, request):
        form = {k: v[0] for k, v in parse_qs(request.body.decode()).items()}
        expected = {"grant_type": "refresh_token", "client_id": SECRETS["GOOGLE_CLIENT_ID"],
                    "client_secret": SECRETS["GOOGLE_CLIENT_SECRET"], "refresh_token": SECRETS["GOOGLE_REFRESH_TOKEN"]}
        if form != expected:
            return 400, {"error": "invalid_grant", "error_description": "Token has been expired or revoked."}, {}
        return 200, {"access_token": ACCESS_TOKEN, "expires_in": 3599, "token_type": "Bearer"}, {}

    # -- Google Ads ---------------------------------------------------------------------------------------

    def _google_ads(self, request, customer_id):
        version = request.path.split("/")[1]
        if GOOGLE_ADS_SUNSETS.get(version, "9999") <= self.today:  # a version past its sunset answers nothing
            return 404, {"error": {"code": 404, "message": f"Google Ads API {version} has been sunset.",
                                   "status": "NOT_FOUND"}}, {}
        refused = self._bearer(request, ACCESS_TOKEN)
        if refused:
            return refused
        if request.headers.get("developer-token") != SECRETS["GOOGLE_ADS_DEVELOPER_TOKEN"]:
            return self._refuse(request, "missing or wrong developer-token header", 401)
        if request.headers.get("login-customer-id", "").replace("-", "") != request.headers.get("login-customer-id", "x"):
            return self._refuse(request, "login-customer-id must be digits without dashes")
        query = request.json().get("query", "")
        dates = re.search(r"segments\.date BETWEEN '(\d{4}-\d\d-\d\d)' AND '(\d{4}-\d\d-\d\d)'", query)
        needed = ("segments.date", "campaign.id", "campaign.name", "metrics.impressions", "metrics.clicks",
                  "metrics.cost_micros")
        if "FROM customer" in query and dates:  # the customer's daily totals: every campaign, listed or not
            by_day = {}
            for r in self.google_ads.get(customer_id, []) + self.google_unlisted.get(customer_id, []):
                if dates.group(1) <= r["date"] <= dates.group(2):
                    day = by_day.setdefault(r["date"], {"customer": {"currencyCode": r["currency"]},
                                                        "segments": {"date": r["date"]},
                                                        "metrics": {"impressions": 0, "clicks": 0, "costMicros": 0}})
                    for key, field_ in (("impressions", "impressions"), ("clicks", "clicks"), ("costMicros", "cost_micros")):
                        day["metrics"][key] += r[field_]
            results = [{**d, "metrics": {k: str(v) for k, v in d["metrics"].items()}} for _, d in sorted(by_day.items())]
            return 200, [{"results": results, "requestId": "r-totals"}], {}
        if "FROM customer" in query:
            return 200, [{"results": [{"customer": {"id": customer_id}}], "requestId": "r0"}], {}
        if not dates or not all(f in query for f in needed) or "FROM campaign" not in query:
            return self._refuse(request, f"GAQL query lacks a date range or a required field: {query}")
        start, end = dates.groups()
        rows = [r for r in self.google_ads.get(customer_id, []) if start <= r["date"] <= end]
        results = [{
            "customer": {"resourceName": f"customers/{customer_id}", "currencyCode": r["currency"]},
            "campaign": {"resourceName": f"customers/{customer_id}/campaigns/{r['campaign_id']}",
                         "id": str(r["campaign_id"]), "name": r["name"]},
            "metrics": {"impressions": str(r["impressions"]), "clicks": str(r["clicks"]),
                        "costMicros": str(r["cost_micros"])},
            "segments": {"date": r["date"]},
        } for r in rows]
        mask = "customer.currencyCode,campaign.id,campaign.name,metrics.impressions,metrics.clicks,metrics.costMicros,segments.date"
        batches = [{"results": results[i:i + self.google_batch], "fieldMask": mask, "requestId": f"r{i}"}
                   for i in range(0, len(results), self.google_batch)]
        return 200, batches or [{"fieldMask": mask, "requestId": "r-empty"}], {}

    # -- Meta -----------------------------------------------------------------------------------------------

    def _meta(self, request, account):
        refused = self._bearer(request, SECRETS["META_ACCESS_TOKEN"])
        if refused:
            return 400, {"error": {"message": "Invalid OAuth access token - Cannot parse access token",
                                   "type": "OAuthException", "code": 190, "fbtrace_id": "A1"}}, {}
        q = {k: v[0] for k, v in request.query.items()}
        if "access_token" in q:
            return self._refuse(request, "the token must not travel in the URL")
        if q.get("level") not in ("campaign", "account") or q.get("time_increment") != "1" \
                or "spend" not in q.get("fields", ""):
            return self._refuse(request, "insights need level campaign or account, time_increment=1 and spend in fields")
        try:
            time_range = json.loads(q["time_range"])
        except (KeyError, ValueError):
            return self._refuse(request, "time_range must be JSON {since, until}")
        headers = {"X-Business-Use-Case-Usage": self.usage_header} if self.usage_header else {}
        if q["level"] == "account":  # the account's own figures count every ad, deleted ones included
            return 200, {"data": self._meta_account_days(account, time_range)}, headers
        # Deleted and archived ads' insights come only when their status is asked for in `filtering`.
        try:
            asked = {v for f in json.loads(q.get("filtering", "[]")) if f.get("field") == "ad.effective_status"
                     for v in f.get("value", [])}
        except ValueError:
            return self._refuse(request, "filtering must be a JSON list of {field, operator, value}")
        rows = [r for r in self.meta.get(account, []) if time_range["since"] <= r["date_start"] <= time_range["until"]
                and r.get("_status", "ACTIVE") in ({"ACTIVE"} | asked)]
        rows = [{k: v for k, v in r.items() if not k.startswith("_")} for r in rows]
        size = min(int(q.get("limit", 25)), self.meta_page)
        start = int(q["after"].removeprefix("cursor-")) if "after" in q else 0
        page = rows[start:start + size]
        body = {"data": page}
        if page:
            body["paging"] = {"cursors": {"before": f"cursor-{start}", "after": f"cursor-{start + len(page)}"}}
            if start + len(page) < len(rows):
                body["paging"]["next"] = f"{self.url}{request.path}?after=cursor-{start + len(page)}"
        return 200, body, headers

    def _meta_account_days(self, account, time_range) -> list:
        days = {}
        for r in self.meta.get(account, []):
            if time_range["since"] <= r["date_start"] <= time_range["until"]:
                day = days.setdefault(r["date_start"], {"account_id": account, "account_currency": r["account_currency"],
                                                        "date_start": r["date_start"], "date_stop": r["date_start"],
                                                        "impressions": 0, "clicks": 0, "spend": Decimal(0)})
                day["impressions"] += int(r["impressions"])
                day["clicks"] += int(r["clicks"])
                day["spend"] += Decimal(str(r["spend"]))
        return [{**d, "impressions": str(d["impressions"]), "clicks": str(d["clicks"]), "spend": str(d["spend"])}
                for _, d in sorted(days.items())]

    def _meta_account(self, request, account):
        if self._bearer(request, SECRETS["META_ACCESS_TOKEN"]):
            return 400, {"error": {"message": "Invalid OAuth access token.", "type": "OAuthException", "code": 190}}, {}
        return 200, {"id": f"act_{account}", "name": "Fake account", "currency": "USD"}, {}

    # -- HubSpot --------------------------------------------------------------------------------------------

    def _hubspot_search(self, request, object_type):
        refused = self._bearer(request, SECRETS["HUBSPOT_TOKEN"])
        if refused:
            return 401, {"status": "error", "message": "Authentication credentials not found.",
                         "category": "INVALID_AUTHENTICATION"}, {}
        body = request.json()
        modified = "lastmodifieddate" if object_type == "contacts" else "hs_lastmodifieddate"
        try:
            (flt,) = body["filterGroups"][0]["filters"]
            assert flt["propertyName"] == modified and flt["operator"] == "GTE"
            since = dt.datetime.fromtimestamp(int(flt["value"]) / 1000, dt.timezone.utc)
            assert body["sorts"] == [{"propertyName": modified, "direction": "ASCENDING"}]
            assert int(body["limit"]) <= 200
        except (KeyError, ValueError, AssertionError, TypeError):
            return self._refuse(request, f"search body is not a last-modified search: {body}")
        records = self.contacts if object_type == "contacts" else self.deals
        matching = sorted((r for r in records if _parse(r["properties"][modified]) >= since),
                          key=lambda r: r["properties"][modified])
        start = int(body.get("after", 0))
        size = min(int(body["limit"]), self.hubspot_page)
        page = matching[start:start + size]
        # hs_is_closed_won is HubSpot's calculated property: true when the deal's stage is a won stage of
        # its pipeline (closedwon in the default one, the portal's own ids in others).
        results = [{"id": r["id"], "properties": {p: (str(r["properties"].get("dealstage") in self.won_stages).lower()
                                                      if p == "hs_is_closed_won" else r["properties"].get(p))
                                                  for p in body.get("properties", [])},
                    "createdAt": r["properties"].get("createdate"), "updatedAt": r["properties"][modified],
                    "archived": False} for r in page]
        answer = {"total": len(matching), "results": results}
        if start + size < len(matching):
            answer["paging"] = {"next": {"after": str(start + size), "link": "?after=" + str(start + size)}}
        return 200, answer, {}

    def _hubspot_list(self, request, object_type):
        refused = self._bearer(request, SECRETS["HUBSPOT_TOKEN"])
        records = self.contacts if object_type == "contacts" else self.deals
        return refused or (200, {"results": [{"id": r["id"]} for r in records[:1]]}, {})

    def _hubspot_associations(self, request):
        refused = self._bearer(request, SECRETS["HUBSPOT_TOKEN"])
        if refused:
            return refused
        ids = [i["id"] for i in request.json().get("inputs", [])]
        results = [{"from": {"id": d}, "to": [{"toObjectId": int(c), "associationTypes": [
            {"category": "HUBSPOT_DEFINED", "typeId": 3, "label": None}]} for c in self.deal_contacts[d]]}
            for d in ids if self.deal_contacts.get(d)]
        errors = [{"status": "error", "category": "OBJECT_NOT_FOUND", "subCategory": "crm.associations.NO_ASSOCIATIONS_FOUND",
                   "context": {"fromObjectId": [d]}} for d in ids if not self.deal_contacts.get(d)]
        answer = {"status": "COMPLETE", "results": results}
        if errors:
            answer.update(numErrors=len(errors), errors=errors)
        return (207 if errors else 200), answer, {}

    # -- GA4 ------------------------------------------------------------------------------------------------

    def _ga4(self, request, property_id):
        refused = self._bearer(request, ACCESS_TOKEN)
        if refused:
            return refused
        body = request.json()
        dims = [d["name"] for d in body.get("dimensions", [])]
        metrics = [m["name"] for m in body.get("metrics", [])]
        if dims != ["date", "sessionSource", "sessionMedium", "sessionCampaignName"] or metrics[:1] != ["sessions"]:
            return self._refuse(request, f"unexpected dimensions/metrics {dims} {metrics}")
        (dates,) = body["dateRanges"]
        start, end = dates["startDate"].replace("-", ""), dates["endDate"].replace("-", "")
        rows = [r for r in self.ga4 if start <= r["date"] <= end]
        offset, limit = int(body.get("offset", 0)), min(int(body.get("limit", 10000)), self.ga4_page)
        page = rows[offset:offset + limit]
        answer = {
            "dimensionHeaders": [{"name": d} for d in dims],
            "metricHeaders": [{"name": m, "type": "TYPE_INTEGER"} for m in metrics],
            "metadata": {"currencyCode": "USD", "timeZone": "UTC"},
            "kind": "analyticsData#runReport",
        }
        if rows:
            answer["rowCount"] = len(rows)
        if page:
            answer["rows"] = [{"dimensionValues": [{"value": r["date"]}, {"value": r["source"]}, {"value": r["medium"]},
                                                   {"value": r["campaign"]}],
                               "metricValues": [{"value": str(r["sessions"])}, {"value": str(r["keyEvents"])}]}
                              for r in page]
        return 200, answer, {}

    def _ga4_metadata(self, request, property_id):
        refused = self._bearer(request, ACCESS_TOKEN)
        return refused or (200, {"name": f"properties/{property_id}/metadata", "dimensions": [], "metrics": []}, {})

    # -- a Baidu-like page-numbered report API (the generic JSON connector) -------------------------------

    def _baidu(self, request):
        if request.headers.get("X-Api-Token") != SECRETS["BAIDU_TOKEN"]:
            return 401, {"header": {"status": 2, "desc": "auth failed"}}, {}
        body = request.json()
        try:
            start, end, page, size = body["startDate"], body["endDate"], int(body["page"]), int(body["pageSize"])
        except (KeyError, ValueError):
            return self._refuse(request, f"report request lacks startDate/endDate/page/pageSize: {body}")
        rows = [r for r in self.baidu if start <= r["stat_date"] <= end]
        size = min(size, self.baidu_page)
        return 200, {"header": {"status": 0}, "body": {"data": rows[(page - 1) * size:page * size]}}, {}


def _parse(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


# -- one small marketing month, served by the fake APIs and written as the equivalent exports ----------

def populate(fake: FakePlatforms) -> None:
    fake.google_ads = {
        "1234567890": [
            {"date": f"2026-10-0{d}", "campaign_id": cid, "name": name, "impressions": 1000 + d, "clicks": 40 + d,
             "cost_micros": micros + d * 10_000, "currency": "USD"}
            for d in range(1, 5) for cid, name, micros in ((11, "Brand", 12_340_000), (12, "Generic", 20_000_000))
        ],
        "9876543210": [
            {"date": f"2026-10-0{d}", "campaign_id": 31, "name": "Display", "impressions": 500, "clicks": 5,
             "cost_micros": 3_330_000, "currency": "USD"} for d in (2, 3)
        ],
    }
    fake.meta = {"555": [
        {"account_id": "555", "account_currency": "USD", "campaign_id": "21", "campaign_name": "Retargeting",
         "impressions": str(800 + d), "clicks": str(20 + d), "spend": f"{7 + d}.50",
         "date_start": f"2026-10-0{d}", "date_stop": f"2026-10-0{d}"} for d in range(1, 6)
    ]}
    utm = [("google", "cpc", "brand"), ("facebook", "paid_social", "retargeting"), ("google", "cpc", "generic"),
           ("baidu", "cpc", "品牌词"), ("newsletter", "email", "october")]
    fake.contacts = [
        {"id": str(101 + i), "properties": {
            "createdate": f"2026-10-0{i + 1}T09:30:00.000Z", "lastmodifieddate": f"2026-10-0{i + 1}T10:00:00.000Z",
            "hs_analytics_source": "PAID_SEARCH", "hs_lead_status": "NEW", "email": f"lead{i}@example.com",
            "lifecyclestage": "lead", "utm_source": s, "utm_medium": m, "utm_campaign": c}}
        for i, (s, m, c) in enumerate(utm)
    ]
    fake.deals = [
        {"id": "9001", "properties": {"closedate": "2026-10-04T12:00:00.000Z", "amount": "1200.00",
                                      "deal_currency_code": "USD", "dealstage": "closedwon",
                                      "hs_lastmodifieddate": "2026-10-04T12:00:00.000Z"}},
        {"id": "9002", "properties": {"closedate": "2026-10-05T15:00:00.000Z", "amount": "480.50",
                                      "deal_currency_code": "USD", "dealstage": "closedwon",
                                      "hs_lastmodifieddate": "2026-10-05T15:00:00.000Z"}},
        {"id": "9003", "properties": {"closedate": None, "amount": "99.00", "deal_currency_code": "USD",
                                      "dealstage": "appointmentscheduled",
                                      "hs_lastmodifieddate": "2026-10-05T16:00:00.000Z"}},
    ]
    fake.deal_contacts = {"9001": ["101"], "9002": ["102"], "9003": ["103"]}
    fake.ga4 = [
        {"date": f"2026100{d}", "source": s, "medium": m, "campaign": c, "sessions": 100 * d + n, "keyEvents": d}
        for d in range(1, 4)
        for n, (s, m, c) in enumerate((("google", "cpc", "brand"), ("facebook", "paid_social", "retargeting"),
                                       ("(direct)", "(none)", "(direct)")))
    ]
    fake.baidu = [{"stat_date": f"2026-10-0{d}", "campaign": "品牌词", "cost": f"{30 + d}.5", "impression": 300,
                   "click": 9} for d in range(1, 4)]


def write_csv(path, header: list, rows) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(header)
        out.writerows(rows)


def write_equivalent_exports(fake: FakePlatforms, folder) -> None:
    """The same data as CSV exports, the way a team would drop them in the source folder."""
    def write(name, header, rows):
        write_csv(folder / name, header, rows)

    spend = [(r["date"], "google_ads", cid, r["campaign_id"], r["name"], r["impressions"], r["clicks"],
              f"{r['cost_micros'] / 1_000_000:.2f}", r["currency"]) for cid, rs in fake.google_ads.items() for r in rs]
    spend += [(r["date_start"], "meta_ads", r["account_id"], r["campaign_id"], r["campaign_name"], r["impressions"],
               r["clicks"], r["spend"], r["account_currency"]) for rs in fake.meta.values() for r in rs]
    spend += [(r["stat_date"], "baidu_sem", "", "", r["campaign"], r["impression"], r["click"], r["cost"], "CNY")
              for r in fake.baidu]
    write("ad_spend.csv", ["date", "platform", "account_id", "campaign_id", "campaign_name", "impressions", "clicks",
                           "spend", "currency"], spend)
    write("leads.csv", ["lead_id", "created_at", "lead_source", "status", "utm_source", "utm_medium", "utm_campaign"],
          [(c["id"], c["properties"]["createdate"], c["properties"]["hs_analytics_source"],
            c["properties"]["hs_lead_status"], c["properties"]["utm_source"], c["properties"]["utm_medium"],
            c["properties"]["utm_campaign"]) for c in fake.contacts])
    write("orders.csv", ["order_id", "lead_id", "ordered_at", "amount", "currency", "status"],
          [(d["id"], fake.deal_contacts[d["id"]][0], d["properties"]["closedate"], d["properties"]["amount"],
            d["properties"]["deal_currency_code"], d["properties"]["dealstage"])
           for d in fake.deals if d["properties"]["dealstage"] == "closedwon"])
    write("traffic_daily.csv", ["date", "source", "medium", "campaign", "sessions", "conversions"],
          [(f"{r['date'][:4]}-{r['date'][4:6]}-{r['date'][6:]}", r["source"], r["medium"], r["campaign"],
            r["sessions"], r["keyEvents"]) for r in fake.ga4])
    write_fx_rates(folder)


def write_fx_rates(folder) -> None:
    (folder / "fx_rates.csv").write_text("date,currency,rate_to_reporting\n2026-09-30,CNY,0.14\n", encoding="utf-8")


def defaults_yml(start_date: str, lookback_days: int, retries: int) -> str:
    return (f"defaults:\n  start_date: {start_date}\n  lookback_days: {lookback_days}\n  retries: {retries}\n"
            "  retry_delay_seconds: 0\n")


def sources_yml(fake: FakePlatforms, path, *, start_date: str = "2026-10-01", lookback_days: int = 3,
                retries: int = 0) -> None:
    path.write_text(defaults_yml(start_date, lookback_days, retries) + f"""\
sources:
  - name: google_ads
    type: google_ads
    base_url: {fake.url}
    token_url: {fake.url}/token
    customer_ids: ["123-456-7890", "987-654-3210"]
    login_customer_id: "111-222-3333"
    developer_token_env: GOOGLE_ADS_DEVELOPER_TOKEN
    client_id_env: GOOGLE_CLIENT_ID
    client_secret_env: GOOGLE_CLIENT_SECRET
    refresh_token_env: GOOGLE_REFRESH_TOKEN
  - name: meta
    type: meta_ads
    base_url: {fake.url}
    ad_account_ids: ["act_555"]
    access_token_env: META_ACCESS_TOKEN
  - name: hubspot
    type: hubspot
    base_url: {fake.url}
    access_token_env: HUBSPOT_TOKEN
  - name: ga4
    type: ga4
    base_url: {fake.url}
    token_url: {fake.url}/token
    property_ids: ["444"]
    client_id_env: GOOGLE_CLIENT_ID
    client_secret_env: GOOGLE_CLIENT_SECRET
    refresh_token_env: GOOGLE_REFRESH_TOKEN
  - name: baidu
    type: json_api
    kind: ad_spend
    url: {fake.url}/json/sms/service/ReportService/getReportData
    method: POST
    auth: {{header: X-Api-Token, prefix: "", secret_env: BAIDU_TOKEN}}
    body: {{startDate: "{{start}}", endDate: "{{end}}"}}
    records: body.data
    paging: {{style: page, param: page, size_param: pageSize, size: 2}}
    fields: {{date: stat_date, campaign_name: campaign, spend: cost, impressions: impression, clicks: click}}
    constants: {{platform: baidu_sem, currency: CNY}}
""", encoding="utf-8")

"""Baidu Marketing (百度营销) API: search-ads campaign daily reports for several accounts.

POST /json/sms/service/OpenApiReportService/getReportData. The credentials travel in the request
body's `header` block (userName of the manager account, accessToken); the report request in its
`body`: reportType 2290316 (campaign), startDate, endDate, timeUnit DAY, the columns, the account
in userIds, startRow / rowCount paging against `totalRowCount`. The answer's `header.status` is 0
(success), 1 (partial), 2 (failed) or 3 (system error) with `header.failures` [{code, message}];
codes 405, 421 and 8xx-system errors mean "busy, retry", 801 and the 81xx family a refused user
name or token. Cost is in CNY (元).
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from connectors.api_source import DAYS, Page, Stream, Window
from connectors.http_core import FAILED, REFUSED, RETRY, HttpClient
from connectors.platforms.report_windows import CampaignKeys, ad_spend_row, body_field, check_accounts

BASE_URL = "https://api.baidu.com"
REPORT_PATH = "/json/sms/service/OpenApiReportService/getReportData"
CAMPAIGN_REPORT = 2290316
COLUMNS = ["date", "campaignId", "campaignName", "impression", "click", "cost"]
BUSY_CODES = {405, 421, 502, 800}


class BaiduMarketing:
    platform = "baidu_sem"
    streams = [Stream("ad_spend", DAYS)]

    def __init__(self, name: str, *, account_ids: list, username: str, access_token: str, credential_env: str,
                 campaign_keys: CampaignKeys = CampaignKeys(), page_size: int = 1000, base_url: str = BASE_URL,
                 **http_options):
        self.name = name
        self.accounts = [str(a) for a in account_ids]
        self.keys, self.page_size = campaign_keys, page_size
        self.credentials = {"userName": username, "accessToken": access_token}
        self.http = HttpClient(name, base_url, credential_env=credential_env, classify=_classify, **http_options)

    def pages(self, stream: Stream, window: Window) -> Iterator[Page]:
        for account in self.accounts:
            yield from self._report(account, window.start, window.end)

    def _report(self, account: str, start, end, page_size: int | None = None) -> Iterator[Page]:
        size = page_size or self.page_size
        request = {"reportType": CAMPAIGN_REPORT, "startDate": start.isoformat(), "endDate": end.isoformat(),
                   "timeUnit": "DAY", "columns": COLUMNS, "userIds": [int(account)], "rowCount": size,
                   "needSum": False, "sorts": [{"column": "date", "sortRule": "ASC"}]}

        def fetch(start_row, account=account):
            body = dict(request, startRow=start_row or 0)
            response = self.http.request("POST", REPORT_PATH, json={"header": self.credentials, "body": body})
            data = body_field(self.http, response, "POST", REPORT_PATH, "body").get("data") or [{}]
            rows, total = data[0].get("rows") or [], int(data[0].get("totalRowCount") or 0)
            reached = body["startRow"] + len(rows)  # by what came back: a server may send fewer than asked
            following = reached if rows and reached < total else None
            page = Page(account, body["startRow"] // size + 1, f"POST {REPORT_PATH} {json.dumps(body, sort_keys=True)}",
                        response.text, [self._row(account, r) for r in rows])
            return [page], following

        yield from self.http.paginate(fetch)

    def _row(self, account: str, item: dict) -> dict:
        return ad_spend_row(self.platform, account, self.keys, date=item.get("date"), campaign_id=item.get("campaignId"),
                            campaign_name=item.get("campaignName"), impressions=item.get("impression", 0),
                            clicks=item.get("click", 0), spend=item.get("cost", 0))

    def check(self) -> str:
        return check_accounts(self.accounts, self._report)


def _classify(response) -> str | None:
    try:
        header = response.json().get("header") or {}
    except (ValueError, AttributeError):
        return None
    status = header.get("status")
    if status in (None, 0):
        return None
    codes = {f.get("code") for f in header.get("failures") or [] if isinstance(f, dict)}
    if status == 3 or codes & BUSY_CODES:
        return RETRY
    if any(code == 801 or (isinstance(code, int) and 8100 <= code < 8200) for code in codes):
        return REFUSED
    return FAILED  # 1, a partial answer, too: a report with rows missing is not stored

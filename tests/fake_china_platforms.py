"""Ocean Engine, Tencent Ads, Baidu Marketing and WeChat Official Account data APIs on 127.0.0.1, speaking
their documented request and response shapes, for tests/test_china_connectors.py and the nightly run.

Each refuses what the real one refuses: a missing or wrong token or credential (each platform's
own error envelope inside HTTP 200), Tencent's missing or stale timestamp and reused nonce, a
WeChat date span longer than the call allows or ending today. Tokens are issued by each token
endpoint, and the next one can be declared expired on its first use (`expire_next`), so the refresh
path is exercised.
Faults, request records and pauses come from FakePlatforms (`fail(path_part, *replies)`).
"""

from __future__ import annotations

import datetime as dt
import json
import time
from dataclasses import dataclass, field

from tests.fake_platforms import FakePlatforms, defaults_yml, write_csv
from tests.sink_servers import Received

SECRETS = {
    "OCEAN_APP_ID": "1700000000000001", "OCEAN_SECRET": "ocean-secret-SECRET-3e1f",
    "OCEAN_REFRESH_TOKEN": "ocean-refresh-SECRET-77aa",
    "TENCENT_CLIENT_ID": "1112223334", "TENCENT_CLIENT_SECRET": "tencent-secret-SECRET-9c9c",
    "TENCENT_REFRESH_TOKEN": "tencent-refresh-SECRET-4d4d",
    "BAIDU_USERNAME": "mkpi-mcc", "BAIDU_ACCESS_TOKEN": "baidu-access-SECRET-5e5e",
    "WECHAT_APP_ID": "wx0123456789abcdef", "WECHAT_APP_SECRET": "wechat-secret-SECRET-6f6f",
}
NOT_SECRET = {"OCEAN_APP_ID", "TENCENT_CLIENT_ID", "BAIDU_USERNAME", "WECHAT_APP_ID"}  # ids, not credentials
WECHAT_SPANS = {"getusersummary": 7, "getusercumulate": 7, "getarticletotal": 1}
TENCENT_CLOCK_SKEW = 300  # seconds a timestamp may differ from the server's clock


@dataclass
class FakeChinaPlatforms(FakePlatforms):
    ocean: dict = field(default_factory=dict)  # advertiser id → rows as the report returns them
    tencent: dict = field(default_factory=dict)  # account id → rows (cost in fen)
    baidu_api: dict = field(default_factory=dict)  # account id → rows
    wechat_summary: list = field(default_factory=list)  # {ref_date, user_source, new_user, cancel_user}
    wechat_cumulate: list = field(default_factory=list)  # {ref_date, cumulate_user}
    wechat_articles: list = field(default_factory=list)  # {ref_date, msgid, title, details: [...]}
    today: str = "2026-10-10"  # WeChat refuses an end date of today or later
    report_page: int = 2  # rows per page of Ocean Engine and Tencent (Baidu sends the rowCount asked for)
    issued: dict = field(default_factory=lambda: {"ocean": 0, "tencent": 0, "wechat": 0})  # tokens issued so far
    expired: set = field(default_factory=set)  # platforms whose current token answers "expired"
    expire_next: set = field(default_factory=set)  # platforms whose next token is declared expired on first use
    nonces: set = field(default_factory=set)

    def token(self, platform: str) -> str:
        return f"{platform}-access-SECRET-issued-{self.issued[platform]}"

    def _route(self, request: Received):
        routes = {
            "/open_api/oauth2/refresh_token/": self._ocean_token,
            "/open_api/2/report/campaign/get/": self._ocean_report,
            "/oauth/token": self._tencent_token,
            "/v1.3/daily_reports/get": self._tencent_report,
            "/json/sms/service/OpenApiReportService/getReportData": self._baidu_report,
            "/cgi-bin/token": self._wechat_token,
        }
        if request.path in routes:
            return routes[request.path](request)
        if request.path.startswith("/datacube/"):
            return self._wechat_data(request, request.path.rsplit("/", 1)[1])
        return super()._route(request)

    def _issue(self, platform: str) -> str:
        self.issued[platform] += 1
        if platform in self.expire_next:
            self.expire_next.discard(platform)
            self.expired.add(platform)
        else:
            self.expired.discard(platform)
        return self.token(platform)

    def _valid(self, platform: str, token: str | None) -> str | None:
        """'missing', 'expired', 'invalid' or None for the token a request carries."""
        if not token:
            return "missing"
        if token != self.token(platform):
            return "invalid"
        return "expired" if platform in self.expired else None

    @staticmethod
    def _page(rows: list, page: int, size: int) -> tuple[list, dict]:
        total_page = max(1, -(-len(rows) // size))
        return rows[(page - 1) * size:page * size], {"page": page, "page_size": size, "total_number": len(rows),
                                                     "total_page": total_page}

    # -- Ocean Engine ---------------------------------------------------------------------------------------

    def _ocean_token(self, request):
        grant = request.json()
        expected = {"app_id": SECRETS["OCEAN_APP_ID"], "secret": SECRETS["OCEAN_SECRET"], "grant_type": "refresh_token",
                    "refresh_token": SECRETS["OCEAN_REFRESH_TOKEN"]}
        if {k: str(v) for k, v in grant.items()} != expected:
            return 200, {"code": 40107, "message": "refresh_token 无效", "request_id": "r-grant"}, {}
        return 200, {"code": 0, "message": "OK", "request_id": "r-grant",
                     "data": {"access_token": self._issue("ocean"), "expires_in": 86399,
                              "refresh_token": "ocean-rotated-refresh", "refresh_token_expires_in": 2591999}}, {}

    def _ocean_report(self, request):
        problem = self._valid("ocean", request.headers.get("Access-Token"))
        if problem:
            code = {"missing": 40104, "expired": 40102, "invalid": 40105}[problem]
            return 200, {"code": code, "message": f"access token {problem}", "request_id": "r-1"}, {}
        q = {k: v[0] for k, v in request.query.items()}
        try:
            start, end = dt.date.fromisoformat(q["start_date"]), dt.date.fromisoformat(q["end_date"])
            group_by, page, size = json.loads(q["group_by"]), int(q.get("page", 1)), int(q.get("page_size", 20))
        except (KeyError, ValueError) as err:
            return self._envelope_refusal(request, "code", 40001, f"参数错误: {err}")
        if (end - start).days >= 30 or "STAT_GROUP_BY_FIELD_STAT_TIME" not in group_by or not 1 <= size <= 1000 \
                or q.get("time_granularity") != "STAT_TIME_GRANULARITY_DAILY" or q.get("advertiser_id") not in self.ocean:
            return self._envelope_refusal(request, "code", 40001, f"参数错误: {q}")
        rows = [r for r in self.ocean[q["advertiser_id"]] if start.isoformat() <= r["stat_datetime"][:10] <= end.isoformat()]
        items, info = self._page(rows, page, min(size, self.report_page))
        return 200, {"code": 0, "message": "OK", "request_id": "r-2", "data": {"list": items, "page_info": info}}, {}

    def _envelope_refusal(self, request, key: str, code: int, message: str):
        """A request the real platform would refuse: recorded, and answered in its envelope."""
        self.problems.append(f"{request.path}: {message}")
        return 200, {key: code, "errmsg" if key == "errcode" else "message": message}, {}

    # -- Tencent Ads ----------------------------------------------------------------------------------------

    def _tencent_token(self, request):
        q = {k: v[0] for k, v in request.query.items()}
        expected = {"client_id": SECRETS["TENCENT_CLIENT_ID"], "client_secret": SECRETS["TENCENT_CLIENT_SECRET"],
                    "grant_type": "refresh_token", "refresh_token": SECRETS["TENCENT_REFRESH_TOKEN"]}
        if q != expected:
            return 200, {"code": 11010, "message": "Refresh token is malformed.", "message_cn": "refresh_token 格式错误"}, {}
        return 200, {"code": 0, "message": "", "data": {
            "access_token": self._issue("tencent"), "refresh_token": "tencent-rotated-refresh",
            "access_token_expires_in": 86400, "refresh_token_expires_in": 2592000}}, {}

    def _tencent_report(self, request):
        q = {k: v[0] for k, v in request.query.items()}
        missing = [k for k in ("access_token", "timestamp", "nonce") if not q.get(k)]
        if missing:
            return self._envelope_refusal(request, "code", 12000, f"missing required parameter {missing[0]}")
        if abs(int(q["timestamp"]) - time.time()) > TENCENT_CLOCK_SKEW or q["nonce"] in self.nonces:
            return self._envelope_refusal(request, "code", 12000, "timestamp out of range or nonce used before")
        self.nonces.add(q["nonce"])
        problem = self._valid("tencent", q["access_token"])
        if problem:
            code = {"expired": 11000, "invalid": 11002}[problem]
            return 200, {"code": code, "message": f"Access token is {problem}.", "message_cn": "access_token 无效"}, {}
        dates = json.loads(q.get("date_range", "{}"))
        if q.get("level") != "REPORT_LEVEL_CAMPAIGN" or q.get("account_id") not in self.tencent or \
                json.loads(q.get("group_by", "[]")) != ["date", "campaign_id"] or set(dates) != {"start_date", "end_date"}:
            return self._envelope_refusal(request, "code", 31001, f"invalid parameters {q}")
        rows = [r for r in self.tencent[q["account_id"]] if dates["start_date"] <= r["date"] <= dates["end_date"]]
        items, info = self._page(rows, int(q.get("page", 1)), min(int(q.get("page_size", 10)), self.report_page))
        return 200, {"code": 0, "message": "", "message_cn": "", "data": {"list": items, "page_info": info}}, {}

    # -- Baidu Marketing ------------------------------------------------------------------------------------

    def _baidu_report(self, request):
        payload = request.json()
        header, body = payload.get("header") or {}, payload.get("body") or {}
        if header != {"userName": SECRETS["BAIDU_USERNAME"], "accessToken": SECRETS["BAIDU_ACCESS_TOKEN"]}:
            return 200, {"header": {"status": 2, "desc": "failure", "failures": [
                {"code": 8104, "message": "accessToken 无效", "position": "header"}]}, "body": {"data": []}}, {}
        (account,) = body.get("userIds") or [None]
        if body.get("reportType") != 2290316 or body.get("timeUnit") != "DAY" or str(account) not in self.baidu_api \
                or not {"date", "campaignName", "cost"} <= set(body.get("columns") or []):
            self.problems.append(f"{request.path}: unexpected report request {body}")
            return 200, {"header": {"status": 2, "desc": "failure", "failures": [
                {"code": 901, "message": "参数错误", "position": "body"}]}}, {}
        rows = [r for r in self.baidu_api[str(account)] if body["startDate"] <= r["date"] <= body["endDate"]]
        start, count = int(body.get("startRow", 0)), int(body.get("rowCount", 100))
        return 200, {"header": {"status": 0, "desc": "success", "failures": [], "quota": 1, "rquota": 9999},
                     "body": {"data": [{"rowCount": len(rows[start:start + count]), "totalRowCount": len(rows),
                                        "rows": rows[start:start + count]}]}}, {}

    # -- WeChat Official Account ----------------------------------------------------------------------------

    def _wechat_token(self, request):
        q = {k: v[0] for k, v in request.query.items()}
        if q.get("grant_type") != "client_credential" or q.get("appid") != SECRETS["WECHAT_APP_ID"]:
            return 200, {"errcode": 40013, "errmsg": "invalid appid"}, {}
        if q.get("secret") != SECRETS["WECHAT_APP_SECRET"]:
            return 200, {"errcode": 40125, "errmsg": "invalid appsecret"}, {}
        return 200, {"access_token": self._issue("wechat"), "expires_in": 7200}, {}

    def _wechat_data(self, request, name: str):
        problem = self._valid("wechat", (request.query.get("access_token") or [None])[0])
        if problem:
            code = {"missing": 41001, "expired": 42001, "invalid": 40001}[problem]
            return 200, {"errcode": code, "errmsg": f"access_token {problem}"}, {}
        body = request.json()
        begin, end = dt.date.fromisoformat(body["begin_date"]), dt.date.fromisoformat(body["end_date"])
        if name not in WECHAT_SPANS or (end - begin).days >= WECHAT_SPANS[name] or end < begin \
                or end >= dt.date.fromisoformat(self.today):
            return self._envelope_refusal(request, "errcode", 61501, f"date range error: {name} {begin} {end}")
        data = {"getusersummary": self.wechat_summary, "getusercumulate": self.wechat_cumulate,
                "getarticletotal": self.wechat_articles}[name]
        return 200, {"list": [r for r in data if begin.isoformat() <= r["ref_date"] <= end.isoformat()]}, {}


def populate(fake: FakeChinaPlatforms) -> None:
    """A small October: two Ocean Engine advertisers, a Tencent and a Baidu account, a WeChat account."""
    fake.ocean = {
        "1760000000001": [{"stat_datetime": f"2026-10-0{d} 00:00:00", "campaign_id": 7001, "campaign_name": "双十一预热",
                           "cost": 1200.5 + d, "show": 30000 + d, "click": 900 + d, "convert": 12} for d in range(1, 6)],
        "1760000000002": [{"stat_datetime": f"2026-10-0{d} 00:00:00", "campaign_id": 7002, "campaign_name": "抖音信息流",
                           "cost": 88.8, "show": 5000, "click": 70, "convert": 1} for d in (2, 3, 4)],
    }
    fake.tencent = {"20001": [{"date": f"2026-10-0{d}", "campaign_id": 5001, "campaign_name": "朋友圈广告",
                               "view_count": 12000 + d, "valid_click_count": 300 + d, "cost": 45678 + d}
                              for d in range(1, 6)]}
    fake.baidu_api = {"30001": [{"date": f"2026-10-0{d}", "campaignId": 9001, "campaignName": "品牌词", "impression": 800,
                                 "click": 40 + d, "cost": 321.45 + d} for d in range(1, 5)]}
    fake.wechat_cumulate = [{"ref_date": f"2026-10-{d:02d}", "cumulate_user": 10000 + 15 * d} for d in range(1, 10)]
    fake.wechat_summary = [{"ref_date": f"2026-10-{d:02d}", "user_source": source, "new_user": 10 + source,
                            "cancel_user": 3} for d in range(1, 10) for source in (0, 1)]
    fake.wechat_articles = [{"ref_date": f"2026-10-0{d}", "msgid": f"2650000{d}_1", "title": f"跑鞋测评第{d}期",
                             "details": [{"stat_date": f"2026-10-0{d + k}", "target_user": 10000, "int_page_read_user": 400,
                                          "int_page_read_count": 500 * (k + 1), "share_user": 20, "share_count": 30 + k,
                                          "add_to_fav_user": 5, "add_to_fav_count": 6} for k in range(3)]}
                            for d in (1, 3, 5)]


def china_sources_yml(fake: FakeChinaPlatforms, path, *, start_date: str = "2026-10-01", lookback_days: int = 3,
                      retries: int = 0) -> None:
    path.write_text(defaults_yml(start_date, lookback_days, retries) + f"""\
sources:
  - name: ocean
    type: ocean_engine
    base_url: {fake.url}
    advertiser_ids: [1760000000001, 1760000000002]
    app_id_env: OCEAN_APP_ID
    secret_env: OCEAN_SECRET
    refresh_token_env: OCEAN_REFRESH_TOKEN
    utm_campaign_by_account: {{"1760000000002": id}}
  - name: tencent
    type: tencent_ads
    base_url: {fake.url}
    account_ids: [20001]
    client_id_env: TENCENT_CLIENT_ID
    client_secret_env: TENCENT_CLIENT_SECRET
    refresh_token_env: TENCENT_REFRESH_TOKEN
  - name: baidu_api
    type: baidu_marketing
    base_url: {fake.url}
    account_ids: [30001]
    page_size: 2
    username_env: BAIDU_USERNAME
    access_token_env: BAIDU_ACCESS_TOKEN
  - name: wechat
    type: wechat_oa
    base_url: {fake.url}
    account: 跑鞋研究所
    app_id_env: WECHAT_APP_ID
    app_secret_env: WECHAT_APP_SECRET
""", encoding="utf-8")


def write_equivalent_exports(fake: FakeChinaPlatforms, folder) -> None:
    """The same figures as the CSV exports a team would download from each platform's console."""
    def write(name, header, rows):
        write_csv(folder / name, header, rows)

    spend = [(r["stat_datetime"][:10], "ocean_engine", a, r["campaign_id"], r["campaign_name"],
              r["campaign_id"] if a == "1760000000002" else "", r["show"], r["click"], r["cost"], "CNY")
             for a, rows in fake.ocean.items() for r in rows]
    spend += [(r["date"], "tencent_ads", a, r["campaign_id"], r["campaign_name"], "", r["view_count"],
               r["valid_click_count"], f"{r['cost'] / 100:.2f}", "CNY") for a, rows in fake.tencent.items() for r in rows]
    spend += [(r["date"], "baidu_sem", a, r["campaignId"], r["campaignName"], "", r["impression"], r["click"],
               r["cost"], "CNY") for a, rows in fake.baidu_api.items() for r in rows]
    write("ad_spend.csv", ["date", "platform", "account_id", "campaign_id", "campaign_name", "utm_campaign",
                           "impressions", "clicks", "spend", "currency"], spend)
    changes = {}
    for r in fake.wechat_summary:
        new, lost = changes.get(r["ref_date"], (0, 0))
        changes[r["ref_date"]] = (new + r["new_user"], lost + r["cancel_user"])
    write("social_accounts.csv", ["date", "platform", "account", "followers", "new_followers", "lost_followers"],
          [(r["ref_date"], "wechat", "跑鞋研究所", r["cumulate_user"], *changes.get(r["ref_date"], (0, 0)))
           for r in fake.wechat_cumulate])
    write("content.csv", ["content_id", "platform", "account", "published_at", "reads", "shares"],
          [(a["msgid"], "wechat", "跑鞋研究所", f"{a['ref_date']}T00:00:00+08:00", a["details"][-1]["int_page_read_count"],
            a["details"][-1]["share_count"]) for a in fake.wechat_articles])
    (folder / "fx_rates.csv").write_text("date,currency,rate_to_reporting\n2026-09-30,CNY,0.14\n", encoding="utf-8")

"""Ocean Engine, Tencent Ads, Baidu Marketing and WeChat Official Account data APIs on 127.0.0.1, speaking
their documented request and response shapes, for tests/test_china_connectors.py and the nightly run.

Each refuses what the real one refuses: a missing or wrong token or credential (each platform's
own error envelope inside HTTP 200), Tencent's missing or stale timestamp and reused nonce, a
WeChat date span longer than the call allows or ending today. Tokens are issued by each token
endpoint, and the next one can be declared expired on its first use (`expire_next`), so the refresh
path is exercised. Ocean Engine, Tencent and Baidu rotate refresh tokens as their docs say: each
refresh answers a new one, the one presented stops working, and none lives past 30 days of the
fake's clock (`today`). WeChat's stable token endpoint hands back the same token until it expires;
a call to /cgi-bin/token is recorded as a problem (it would replace the token the account's own
backend holds). Tencent answers v1.3 at campaign level with the old generation's ads only and 3.0 at
ad group level with all; Ocean Engine keeps old-hierarchy campaigns and upgraded projects in two
reports; every platform's account-level report counts every ad.
Faults, request records and pauses come from FakePlatforms (`fail(path_part, *replies)`).
"""

from __future__ import annotations

import contextlib
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
    "BAIDU_USERNAME": "mkpi-mcc", "BAIDU_APP_ID": "baidu-app-77", "BAIDU_SECRET_KEY": "baidu-secret-SECRET-5e5e",
    "BAIDU_REFRESH_TOKEN": "baidu-refresh-SECRET-8b8b",
    "WECHAT_APP_ID": "wx0123456789abcdef", "WECHAT_APP_SECRET": "wechat-secret-SECRET-6f6f",
}
NOT_SECRET = {"OCEAN_APP_ID", "TENCENT_CLIENT_ID", "BAIDU_USERNAME", "BAIDU_APP_ID", "WECHAT_APP_ID"}  # ids, not credentials
TOKEN_KEY = {"MKPI_TOKEN_KEY": "a long passphrase for the token store, SECRET-store"}
BAIDU_USER_ID = 30001  # the account that authorized the app
REFRESH_DAYS = 30  # a refresh token's life on the three rotating platforms
WECHAT_SPANS = {"getusersummary": 7, "getusercumulate": 7, "getarticletotal": 1}
TENCENT_CLOCK_SKEW = 300  # seconds a timestamp may differ from the server's clock


@dataclass
class FakeChinaPlatforms(FakePlatforms):
    ocean: dict = field(default_factory=dict)  # advertiser id → old-hierarchy campaign rows as the report returns them
    ocean_projects: dict = field(default_factory=dict)  # advertiser id → upgraded projects' rows {dimensions, metrics}
    tencent: dict = field(default_factory=dict)  # account id → 3.0 ad group rows (cost in fen): every ad
    tencent_campaigns: dict = field(default_factory=dict)  # account id → v1.3 campaign rows: old-generation ads only
    baidu_api: dict = field(default_factory=dict)  # account id → rows
    wechat_summary: list = field(default_factory=list)  # {ref_date, user_source, new_user, cancel_user}
    wechat_cumulate: list = field(default_factory=list)  # {ref_date, cumulate_user}
    wechat_articles: list = field(default_factory=list)  # {ref_date, msgid, title, details: [...]}
    report_page: int = 2  # rows per page of Ocean Engine and Tencent (Baidu sends the rowCount asked for)
    issued: dict = field(default_factory=lambda: {"ocean": 0, "tencent": 0, "baidu": 0, "wechat": 0})  # tokens so far
    refresh: dict = field(default_factory=lambda: {  # each platform's one valid refresh token, and the day it was issued
        p: (SECRETS[v], "2026-10-01") for p, v in (("ocean", "OCEAN_REFRESH_TOKEN"), ("tencent", "TENCENT_REFRESH_TOKEN"),
                                                   ("baidu", "BAIDU_REFRESH_TOKEN"))})
    expired: set = field(default_factory=set)  # platforms whose current token answers "expired"
    expire_next: set = field(default_factory=set)  # platforms whose next token is declared expired on first use
    nonces: set = field(default_factory=set)

    def token(self, platform: str) -> str:
        return f"{platform}-access-SECRET-issued-{self.issued[platform]}"

    def _route(self, request: Received):
        routes = {
            "/open_api/oauth2/refresh_token/": self._ocean_token,
            "/open_api/2/report/campaign/get/": self._ocean_report,
            "/open_api/2/report/advertiser/get/": self._ocean_report,
            "/open_api/v3.0/report/custom/get/": self._ocean_projects,
            "/oauth/token": self._tencent_token,
            "/v1.3/daily_reports/get": self._tencent_report,
            "/v3.0/daily_reports/get": self._tencent_report,
            "/json/sms/service/OpenApiReportService/getReportData": self._baidu_report,
            "/oauth/refreshToken": self._baidu_token,
            "/cgi-bin/stable_token": self._wechat_token,
            "/cgi-bin/token": self._wechat_plain_token,
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

    def _rotate(self, platform: str, presented: str) -> str | None:
        """Accept the one valid refresh token (not older than REFRESH_DAYS) and replace it; else why not."""
        current, born = self.refresh[platform]
        if presented != current:
            return "refresh token is invalid or was already used"
        if (dt.date.fromisoformat(self.today) - dt.date.fromisoformat(born)).days > REFRESH_DAYS:
            return "refresh token has expired"
        self.refresh[platform] = (f"{platform}-refresh-SECRET-rotated-{self.issued[platform] + 1}", self.today)
        return None

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
        grant = {k: str(v) for k, v in request.json().items()}
        expected = {"app_id": SECRETS["OCEAN_APP_ID"], "secret": SECRETS["OCEAN_SECRET"], "grant_type": "refresh_token"}
        refused = "app credentials wrong" if {k: grant.get(k) for k in expected} != expected else \
            self._rotate("ocean", grant.get("refresh_token", ""))
        if refused:
            return 200, {"code": 40107, "message": f"refresh_token 无效: {refused}", "request_id": "r-grant"}, {}
        return 200, {"code": 0, "message": "OK", "request_id": "r-grant",
                     "data": {"access_token": self._issue("ocean"), "expires_in": 86399,
                              "refresh_token": self.refresh["ocean"][0],
                              "refresh_token_expires_in": REFRESH_DAYS * 86400 - 1}}, {}

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
        if request.path.endswith("/advertiser/get/"):
            rows = self._ocean_days(q["advertiser_id"], start.isoformat(), end.isoformat())
        items, info = self._page(rows, page, min(size, self.report_page))
        return 200, {"code": 0, "message": "OK", "request_id": "r-2", "data": {"list": items, "page_info": info}}, {}

    def _ocean_days(self, advertiser: str, start: str, end: str) -> list:
        """The advertiser's own daily report: both hierarchies."""
        days = {}
        for r in self.ocean.get(advertiser, []):
            days.setdefault(r["stat_datetime"][:10], []).append((r["cost"], r["show"], r["click"]))
        for r in self.ocean_projects.get(advertiser, []):
            m = r["metrics"]
            days.setdefault(r["dimensions"]["stat_time_day"], []).append((m["stat_cost"], m["show_cnt"], m["click_cnt"]))
        return [{"stat_datetime": f"{day} 00:00:00", "cost": round(sum(c for c, _, _ in v), 2),
                 "show": sum(s_ for _, s_, _ in v), "click": sum(c for _, _, c in v)}
                for day, v in sorted(days.items()) if start <= day <= end]

    def _ocean_projects(self, request):
        problem = self._valid("ocean", request.headers.get("Access-Token"))
        if problem:
            return 200, {"code": 40102, "message": f"access token {problem}", "request_id": "r-1"}, {}
        q = {k: v[0] for k, v in request.query.items()}
        try:
            start, end = dt.date.fromisoformat(q["start_time"]), dt.date.fromisoformat(q["end_time"])
            dimensions, metrics = json.loads(q["dimensions"]), json.loads(q["metrics"])
            page, size = int(q.get("page", 1)), int(q.get("page_size", 10))
        except (KeyError, ValueError) as err:
            return self._envelope_refusal(request, "code", 40001, f"参数错误: {err}")
        if "stat_time_day" not in dimensions or not {"stat_cost"} <= set(metrics) or q.get("advertiser_id") not in self.ocean:
            return self._envelope_refusal(request, "code", 40001, f"参数错误: {q}")
        rows = [r for r in self.ocean_projects.get(q["advertiser_id"], [])
                if start.isoformat() <= r["dimensions"]["stat_time_day"] <= end.isoformat()]
        items, info = self._page(rows, page, min(size, self.report_page))
        return 200, {"code": 0, "message": "OK", "request_id": "r-3",
                     "data": {"rows": items, "total_metrics": {}, "page_info": info}}, {}

    def _envelope_refusal(self, request, key: str, code: int, message: str):
        """A request the real platform would refuse: recorded, and answered in its envelope."""
        self.problems.append(f"{request.path}: {message}")
        return 200, {key: code, "errmsg" if key == "errcode" else "message": message}, {}

    # -- Tencent Ads ----------------------------------------------------------------------------------------

    def _tencent_token(self, request):
        q = {k: v[0] for k, v in request.query.items()}
        expected = {"client_id": SECRETS["TENCENT_CLIENT_ID"], "client_secret": SECRETS["TENCENT_CLIENT_SECRET"],
                    "grant_type": "refresh_token"}
        refused = "app credentials wrong" if {k: q.get(k) for k in expected} != expected else \
            self._rotate("tencent", q.get("refresh_token", ""))
        if refused:
            return 200, {"code": 11010, "message": f"Refresh token is invalid: {refused}.",
                         "message_cn": "refresh_token 无效"}, {}
        return 200, {"code": 0, "message": "", "data": {
            "access_token": self._issue("tencent"), "refresh_token": self.refresh["tencent"][0],
            "access_token_expires_in": 86400, "refresh_token_expires_in": REFRESH_DAYS * 86400}}, {}

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
        v3 = request.path.startswith("/v3.0/")
        # 3.0 has no campaign level; v1.3 has no ad group level, and its campaigns are the old generation's ads.
        levels = {"REPORT_LEVEL_ADGROUP": ["date", "adgroup_id"]} if v3 else {"REPORT_LEVEL_CAMPAIGN": ["date", "campaign_id"]}
        levels["REPORT_LEVEL_ADVERTISER"] = ["date"]
        if levels.get(q.get("level")) != json.loads(q.get("group_by", "[]")) or q.get("account_id") not in self.tencent \
                or set(dates) != {"start_date", "end_date"}:
            return self._envelope_refusal(request, "code", 31001, f"invalid parameters {q}")
        source = {"REPORT_LEVEL_ADGROUP": self.tencent, "REPORT_LEVEL_CAMPAIGN": self.tencent_campaigns,
                  "REPORT_LEVEL_ADVERTISER": None}[q["level"]]
        every = self._tencent_days(q["account_id"]) if source is None else source.get(q["account_id"], [])
        rows = [r for r in every if dates["start_date"] <= r["date"] <= dates["end_date"]]
        items, info = self._page(rows, int(q.get("page", 1)), min(int(q.get("page_size", 10)), self.report_page))
        return 200, {"code": 0, "message": "", "message_cn": "", "data": {"list": items, "page_info": info}}, {}

    def _tencent_days(self, account: str) -> list:
        """The advertiser level: every ad group of the account, summed per day."""
        days = {}
        for r in self.tencent.get(account, []):
            day = days.setdefault(r["date"], {"date": r["date"], "view_count": 0, "valid_click_count": 0, "cost": 0})
            for key in ("view_count", "valid_click_count", "cost"):
                day[key] += r[key]
        return [days[d] for d in sorted(days)]

    # -- Baidu Marketing ------------------------------------------------------------------------------------

    def _baidu_token(self, request):
        grant = request.json()
        expected = {"appId": SECRETS["BAIDU_APP_ID"], "secretKey": SECRETS["BAIDU_SECRET_KEY"], "userId": BAIDU_USER_ID}
        refused = "app credentials wrong" if {k: grant.get(k) for k in expected} != expected else \
            self._rotate("baidu", grant.get("refreshToken", ""))
        if refused:
            return 200, {"code": 90001, "message": f"refreshToken 无效: {refused}", "data": None}, {}
        return 200, {"code": 0, "message": "success", "data": {
            "accessToken": self._issue("baidu"), "refreshToken": self.refresh["baidu"][0], "expiresIn": 86400,
            "refreshExpiresIn": REFRESH_DAYS * 86400, "userId": BAIDU_USER_ID, "openId": "open-7"}}, {}

    def _baidu_report(self, request):
        payload = request.json()
        header, body = payload.get("header") or {}, payload.get("body") or {}
        if header != {"userName": SECRETS["BAIDU_USERNAME"], "accessToken": self.token("baidu")} or "baidu" in self.expired:
            return 200, {"header": {"status": 2, "desc": "failure", "failures": [
                {"code": 8104, "message": "accessToken 无效", "position": "header"}]}, "body": {"data": []}}, {}
        (account,) = body.get("userIds") or [None]
        columns = {2290316: {"date", "campaignName", "cost"}, 2208157: {"date", "cost"}}.get(body.get("reportType"))
        if columns is None or body.get("timeUnit") != "DAY" or str(account) not in self.baidu_api \
                or not columns <= set(body.get("columns") or []):
            self.problems.append(f"{request.path}: unexpected report request {body}")
            return 200, {"header": {"status": 2, "desc": "failure", "failures": [
                {"code": 901, "message": "参数错误", "position": "body"}]}}, {}
        rows = [r for r in self.baidu_api[str(account)] if body["startDate"] <= r["date"] <= body["endDate"]]
        if body["reportType"] == 2208157:
            days = {}
            for r in rows:
                day = days.setdefault(r["date"], {"date": r["date"], "impression": 0, "click": 0, "cost": 0.0})
                day["impression"], day["click"] = day["impression"] + r["impression"], day["click"] + r["click"]
                day["cost"] = round(day["cost"] + r["cost"], 2)
            rows = [days[d] for d in sorted(days)]
        start, count = int(body.get("startRow", 0)), int(body.get("rowCount", 100))
        return 200, {"header": {"status": 0, "desc": "success", "failures": [], "quota": 1, "rquota": 9999},
                     "body": {"data": [{"rowCount": len(rows[start:start + count]), "totalRowCount": len(rows),
                                        "rows": rows[start:start + count]}]}}, {}

    # -- WeChat Official Account ----------------------------------------------------------------------------

    def _wechat_token(self, request):
        grant = request.json()
        if grant.get("grant_type") != "client_credential" or grant.get("appid") != SECRETS["WECHAT_APP_ID"]:
            return 200, {"errcode": 40013, "errmsg": "invalid appid"}, {}
        if grant.get("secret") != SECRETS["WECHAT_APP_SECRET"]:
            return 200, {"errcode": 40125, "errmsg": "invalid appsecret"}, {}
        # The stable token stays the same until it expires, unless a refresh is forced.
        if grant.get("force_refresh") is True or not self.issued["wechat"] or "wechat" in self.expired:
            self._issue("wechat")
        return 200, {"access_token": self.token("wechat"), "expires_in": 7200}, {}

    def _wechat_plain_token(self, request):
        self.problems.append("GET /cgi-bin/token replaces the access token the account's own backend holds")
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


@contextlib.contextmanager
def running(tmp_path, monkeypatch, **sources_yml):
    """The four fakes on 127.0.0.1 with their October, the credentials and the token store's key in the
    environment, and sources.yml (china_sources_yml's settings) in `tmp_path`."""
    for name, value in {**SECRETS, **TOKEN_KEY}.items():
        monkeypatch.setenv(name, value)
    with FakeChinaPlatforms() as platforms:
        populate(platforms)
        china_sources_yml(platforms, tmp_path / "sources.yml", **sources_yml)
        yield platforms


def populate(fake: FakeChinaPlatforms) -> None:
    """A small October: two Ocean Engine advertisers, a Tencent and a Baidu account, a WeChat account."""
    fake.ocean = {
        "1760000000001": [{"stat_datetime": f"2026-10-0{d} 00:00:00", "campaign_id": 7001, "campaign_name": "双十一预热",
                           "cost": 1200.5 + d, "show": 30000 + d, "click": 900 + d, "convert": 12} for d in range(1, 6)],
        "1760000000002": [{"stat_datetime": f"2026-10-0{d} 00:00:00", "campaign_id": 7002, "campaign_name": "抖音信息流",
                           "cost": 88.8, "show": 5000, "click": 70, "convert": 1} for d in (2, 3, 4)],
    }
    fake.ocean_projects = {"1760000000001": [
        {"dimensions": {"stat_time_day": f"2026-10-0{d}", "cdp_project_id": "7300001", "cdp_project_name": "升级版项目"},
         "metrics": {"stat_cost": 500.25, "show_cnt": 9000, "click_cnt": 210}} for d in (3, 4, 5)]}
    fake.tencent = {"20001": [{"date": f"2026-10-0{d}", "adgroup_id": 5001, "adgroup_name": "朋友圈广告",
                               "view_count": 12000 + d, "valid_click_count": 300 + d, "cost": 45678 + d}
                              for d in range(1, 6)]}
    # v1.3's campaign level sees the same account's old-generation ads only: none of the 3.0 ad group's spend
    fake.tencent_campaigns = {"20001": [{"date": f"2026-10-0{d}", "campaign_id": 4001, "campaign_name": "旧版推广计划",
                                         "view_count": 100, "valid_click_count": 3, "cost": 0} for d in range(1, 6)]}
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
    app_id_env: BAIDU_APP_ID
    secret_key_env: BAIDU_SECRET_KEY
    refresh_token_env: BAIDU_REFRESH_TOKEN
    user_id: {BAIDU_USER_ID}
    token_url: {fake.url}/oauth/refreshToken
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
    spend += [(r["dimensions"]["stat_time_day"], "ocean_engine", a, r["dimensions"]["cdp_project_id"],
               r["dimensions"]["cdp_project_name"], r["dimensions"]["cdp_project_id"] if a == "1760000000002" else "",
               r["metrics"]["show_cnt"], r["metrics"]["click_cnt"], r["metrics"]["stat_cost"], "CNY")
              for a, rows in fake.ocean_projects.items() for r in rows]
    spend += [(r["date"], "tencent_ads", a, r["adgroup_id"], r["adgroup_name"], "", r["view_count"],
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

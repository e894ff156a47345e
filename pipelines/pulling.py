"""Pull the API sources of sources.yml into the pull store: used by `mkpi sources pull` and the
Dagster source assets alike. Credentials are read here, from the variables sources.yml names."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from connectors.api_source import ApiSource
from connectors.google_oauth import GoogleRefreshToken
from connectors.http_core import BearerToken, HeaderToken, PlatformError
from connectors.platforms import api_versions
from connectors.platforms.baidu_marketing import BaiduMarketing
from connectors.platforms.ga4 import GA4
from connectors.platforms.google_ads import GoogleAds
from connectors.platforms.hubspot import HubSpot
from connectors.platforms.json_api import Envelope, JsonApi, JsonApiSpec, Paging
from connectors.platforms.meta_ads import MetaAds
from connectors.platforms.ocean_engine import OceanEngine
from connectors.platforms.report_windows import NAME, CampaignKeys
from connectors.platforms.tencent_ads import TencentAds
from connectors.platforms.wechat_oa import WeChatOA
from connectors.pull_store import PullStore
from connectors.puller import StreamResult, pull_stream, window_for
from pipelines.settings import Settings, secret
from pipelines.sources_config import SourceSpec


class MissingSecret(PlatformError):
    """A credential variable sources.yml names is not set in this environment."""


@dataclass
class PullOutcome:
    source: str
    kind: str
    ok: bool
    result: StreamResult | None = None
    error: str | None = None
    retryable: bool = True  # False when trying again cannot help (a credential variable is not set)


def _secret(spec: SourceSpec, key: str) -> str:
    """The credential behind one of the source's `*_env` keys."""
    return _secret_value(spec, spec.options[key], key.removesuffix("_env"))


def _secret_value(spec: SourceSpec, name: str, what: str) -> str:
    value = secret(name)
    if value is None:
        raise MissingSecret(f"{spec.name}: the environment variable ${name} ({what}) is not set; "
                            f"set it where the nightly job runs (see docs/connectors.md)")
    return value


def _google_auth(spec: SourceSpec, http: dict) -> GoogleRefreshToken:
    extra = {"token_url": spec.options["token_url"]} if spec.options.get("token_url") else {}
    return GoogleRefreshToken(spec.name, client_id=_secret(spec, "client_id_env"),
                              client_secret=_secret(spec, "client_secret_env"),
                              refresh_token=_secret(spec, "refresh_token_env"),
                              credential_env=spec.options["refresh_token_env"], **extra, **http)


def build_source(spec: SourceSpec, **http_options) -> ApiSource:
    """The connector for one source, with its credentials from the environment."""
    o = spec.options
    http = {"timeout": spec.timeout_seconds, "requests_per_second": spec.requests_per_second,
            "time_budget": spec.time_budget_seconds, "max_pages": spec.max_pages, **http_options}
    base = {"base_url": spec.base_url} if spec.base_url else {}
    version = {"api_version": o["api_version"]} if o.get("api_version") else {}
    if spec.type == "google_ads":
        return GoogleAds(spec.name, customer_ids=o["customer_ids"], developer_token=_secret(spec, "developer_token_env"),
                         auth=_google_auth(spec, http), login_customer_id=o.get("login_customer_id"),
                         credential_env=o["refresh_token_env"], **base, **version, **http)
    if spec.type == "meta_ads":
        return MetaAds(spec.name, ad_account_ids=o["ad_account_ids"], access_token=_secret(spec, "access_token_env"),
                       credential_env=o["access_token_env"], page_size=o.get("page_size", 500), **base, **version, **http)
    if spec.type == "hubspot":
        stages = {"lead_stages": tuple(o["lead_stages"])} if o.get("lead_stages") else {}
        return HubSpot(spec.name, access_token=_secret(spec, "access_token_env"), credential_env=o["access_token_env"],
                       won_stages=tuple(o["won_stages"]) if o.get("won_stages") else None,
                       default_currency=o.get("default_currency"), lead_properties=o.get("lead_properties"),
                       **stages, **base, **http)
    if spec.type == "ga4":
        return GA4(spec.name, property_ids=o["property_ids"], auth=_google_auth(spec, http),
                   conversion_metric=o.get("conversion_metric", "keyEvents"), page_size=o.get("page_size", 100_000),
                   credential_env=o["refresh_token_env"], **base, **http)
    if spec.type in CHINESE_PLATFORMS:
        return CHINESE_PLATFORMS[spec.type](spec, http, base)
    return _json_api(spec, http)


def _campaign_keys(spec: SourceSpec) -> CampaignKeys:
    by_account = {str(k): str(v) for k, v in (spec.options.get("utm_campaign_by_account") or {}).items()}
    return CampaignKeys(spec.options.get("utm_campaign", NAME), by_account)


def _page_size(spec: SourceSpec) -> dict:
    return {"page_size": spec.options["page_size"]} if spec.options.get("page_size") else {}


def _ocean_engine(spec: SourceSpec, http: dict, base: dict) -> OceanEngine:
    o = spec.options
    return OceanEngine(spec.name, advertiser_ids=o["advertiser_ids"], app_id=_secret(spec, "app_id_env"),
                       secret=_secret(spec, "secret_env"), refresh_token=_secret(spec, "refresh_token_env"),
                       credential_env=o["refresh_token_env"], campaign_keys=_campaign_keys(spec), **_page_size(spec),
                       **base, **http)


def _tencent_ads(spec: SourceSpec, http: dict, base: dict) -> TencentAds:
    o = spec.options
    version = {"api_version": o["api_version"]} if o.get("api_version") else {}
    return TencentAds(spec.name, account_ids=o["account_ids"], client_id=_secret(spec, "client_id_env"),
                      client_secret=_secret(spec, "client_secret_env"), refresh_token=_secret(spec, "refresh_token_env"),
                      credential_env=o["refresh_token_env"], campaign_keys=_campaign_keys(spec), **_page_size(spec),
                      **version, **base, **http)


def _baidu_marketing(spec: SourceSpec, http: dict, base: dict) -> BaiduMarketing:
    o = spec.options
    return BaiduMarketing(spec.name, account_ids=o["account_ids"], username=_secret(spec, "username_env"),
                          access_token=_secret(spec, "access_token_env"), credential_env=o["access_token_env"],
                          campaign_keys=_campaign_keys(spec), **_page_size(spec), **base, **http)


def _wechat_oa(spec: SourceSpec, http: dict, base: dict) -> WeChatOA:
    o = spec.options
    return WeChatOA(spec.name, app_id=_secret(spec, "app_id_env"), app_secret=_secret(spec, "app_secret_env"),
                    credential_env=o["app_secret_env"], account=o.get("account"), **base, **http)


CHINESE_PLATFORMS = {"ocean_engine": _ocean_engine, "tencent_ads": _tencent_ads, "baidu_marketing": _baidu_marketing,
                     "wechat_oa": _wechat_oa}


def _json_api(spec: SourceSpec, http: dict) -> JsonApi:
    o = spec.options
    auth, credential_env = None, None
    if o.get("auth"):
        credential_env = o["auth"]["secret_env"]
        value = _secret_value(spec, credential_env, "auth")
        header, prefix = o["auth"].get("header", "Authorization"), o["auth"].get("prefix", "Bearer ")
        auth = BearerToken(value) if (header, prefix) == ("Authorization", "Bearer ") else HeaderToken(header, prefix + value)
    paging = Paging(**(o.get("paging") or {}))
    error = o.get("error")
    envelope = Envelope(error["path"], tuple(str(v) for v in _listed(error.get("ok", 0))), error.get("message")) \
        if error else None
    described = JsonApiSpec(
        kind=o["kind"], url=o["url"], records_path=o["records"], fields=o["fields"], method=str(o.get("method", "GET")).upper(),
        params=o.get("params") or {}, body=o.get("body"), constants=o.get("constants") or {}, paging=paging,
        mode=o.get("mode", "days"), key=o.get("key"), accounts=tuple(o.get("accounts") or ["default"]), error=envelope,
    )
    return JsonApi(spec.name, described, auth=auth, credential_env=credential_env, **http)


def _listed(value) -> list:
    return value if isinstance(value, list) else [value]


def last_complete_day(as_of: dt.date) -> dt.date:
    """Pulls stop at the day before the build date: today's figures are still moving."""
    return as_of - dt.timedelta(days=1)


def pull(settings: Settings, spec: SourceSpec, kind: str, *, as_of: dt.date, since: dt.date | None = None,
         now: dt.datetime | None = None, **http_options) -> PullOutcome:
    """Pull one of a source's tables; a failure is recorded in the store and returned, never raised.
    `now`: the moment of the pull, for platforms that publish a day's figures some hours after it ends."""
    with PullStore(settings.pull_store) as store:
        try:
            source = build_source(spec, **http_options)
            stream = next(s for s in source.streams if s.kind == kind)
            end = last_complete_day(as_of)
            if hasattr(source, "last_ready_day"):
                end = min(end, source.last_ready_day(now or dt.datetime.now(dt.timezone.utc)))
            window = window_for(stream, store.state(spec.name, kind), end=end,
                                start_date=spec.start_date, lookback_days=spec.lookback_days, since=since)
            return PullOutcome(spec.name, kind, True, pull_stream(store, source, stream, window, settings.pii_salt))
        except PlatformError as err:
            store.record_failure(spec.name, kind, spec.type, str(err))
            return PullOutcome(spec.name, kind, False, error=str(err), retryable=not isinstance(err, MissingSecret))


def check(spec: SourceSpec, today: dt.date, **http_options) -> str:
    """One line: the source reached with its credentials and the API version it calls, or why not. A
    version switched off fails without a request; one ending within api_versions.WARN_DAYS warns. Never
    raises for a platform problem."""
    version = api_versions.status(spec.type, spec.options.get("api_version"), today)
    if version and version.level == "fail":
        return f"FAIL  {spec.name} ({spec.type}): {version.text}"
    try:
        reached = build_source(spec, **http_options).check()
    except PlatformError as err:
        return f"FAIL  {spec.name} ({spec.type}): {err}"
    if version and version.level == "warn":
        return f"WARN  {spec.name} ({spec.type}): {reached}; {version.text}"
    return f"ok    {spec.name} ({spec.type}): {reached}" + (f"; {version.text}" if version else "")


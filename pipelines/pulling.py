"""Pull the API sources of sources.yml into the pull store: used by `mkpi sources pull` and the
Dagster source assets alike. Credentials are read here, from the variables sources.yml names."""

from __future__ import annotations

import datetime as dt
import zoneinfo
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
from connectors.token_store import RefreshToken, TokenStore
from pipelines.settings import TOKEN_KEY_ENV, Settings, secret
from pipelines.sources_config import SourceSpec


TOKEN_WARN_DAYS = 7  # a rotated refresh token this close to its end is a warning in `mkpi sources check`


class Unretryable(PlatformError):
    """Trying again cannot help: the source fails at once, without the step's retries."""


class MissingSecret(Unretryable):
    """A credential variable sources.yml names is not set in this environment."""


@dataclass
class PullOutcome:
    source: str
    kind: str
    ok: bool
    result: StreamResult | None = None
    error: str | None = None
    retryable: bool = True  # False when trying again cannot help (Unretryable: a variable unset, a version off)


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


def token_store(settings: Settings) -> TokenStore | None:
    """The store of rotated refresh tokens beside the warehouse; None while its key variable is unset."""
    passphrase = secret(TOKEN_KEY_ENV)
    return TokenStore(settings.token_store, passphrase, TOKEN_KEY_ENV) if passphrase else None


def _refresh_token(spec: SourceSpec, tokens: TokenStore | None) -> RefreshToken:
    """The refresh token of a platform that replaces it at each refresh: needs the token store to keep the new one."""
    given = _secret(spec, "refresh_token_env")
    if tokens is None:
        raise MissingSecret(f"{spec.name}: the environment variable ${TOKEN_KEY_ENV} (the token store's key) is not set; "
                            f"{spec.type} replaces the refresh token at every refresh and mkpi keeps the new one "
                            f"encrypted beside the warehouse: set ${TOKEN_KEY_ENV} to a long random passphrase "
                            f"and keep it (see docs/connectors.md)")
    return RefreshToken(spec.name, given, tokens)


def build_source(spec: SourceSpec, tokens: TokenStore | None = None, **http_options) -> ApiSource:
    """The connector for one source, with its credentials from the environment (and the token store)."""
    http = {"timeout": spec.timeout_seconds, "requests_per_second": spec.requests_per_second,
            "time_budget": spec.time_budget_seconds, "max_pages": spec.max_pages, **http_options}
    base = {"base_url": spec.base_url} if spec.base_url else {}
    if spec.type in BUILDERS:
        return BUILDERS[spec.type](spec, http, base, tokens)
    return _json_api(spec, http)


def _version(spec: SourceSpec) -> dict:
    return {"api_version": spec.options["api_version"]} if spec.options.get("api_version") else {}


def _google_ads(spec: SourceSpec, http: dict, base: dict, _tokens) -> GoogleAds:
    o = spec.options
    return GoogleAds(spec.name, customer_ids=o["customer_ids"], developer_token=_secret(spec, "developer_token_env"),
                     auth=_google_auth(spec, http), login_customer_id=o.get("login_customer_id"),
                     credential_env=o["refresh_token_env"], **base, **_version(spec), **http)


def _meta_ads(spec: SourceSpec, http: dict, base: dict, _tokens) -> MetaAds:
    o = spec.options
    return MetaAds(spec.name, ad_account_ids=o["ad_account_ids"], access_token=_secret(spec, "access_token_env"),
                   credential_env=o["access_token_env"], page_size=o.get("page_size", 500), **base, **_version(spec),
                   **http)


def _hubspot(spec: SourceSpec, http: dict, base: dict, _tokens) -> HubSpot:
    o = spec.options
    stages = {"lead_stages": tuple(o["lead_stages"])} if o.get("lead_stages") else {}
    return HubSpot(spec.name, access_token=_secret(spec, "access_token_env"), credential_env=o["access_token_env"],
                   won_stages=tuple(o["won_stages"]) if o.get("won_stages") else None,
                   default_currency=o.get("default_currency"), lead_properties=o.get("lead_properties"),
                   **stages, **base, **http)


def _ga4(spec: SourceSpec, http: dict, base: dict, _tokens) -> GA4:
    o = spec.options
    return GA4(spec.name, property_ids=o["property_ids"], auth=_google_auth(spec, http),
               conversion_metric=o.get("conversion_metric", "keyEvents"), page_size=o.get("page_size", 100_000),
               credential_env=o["refresh_token_env"], **base, **http)


def _campaign_keys(spec: SourceSpec) -> CampaignKeys:
    by_account = {str(k): str(v) for k, v in (spec.options.get("utm_campaign_by_account") or {}).items()}
    return CampaignKeys(spec.options.get("utm_campaign", NAME), by_account)


def _page_size(spec: SourceSpec) -> dict:
    return {"page_size": spec.options["page_size"]} if spec.options.get("page_size") else {}


def _ocean_engine(spec: SourceSpec, http: dict, base: dict, tokens: TokenStore | None) -> OceanEngine:
    o = spec.options
    return OceanEngine(spec.name, advertiser_ids=o["advertiser_ids"], app_id=_secret(spec, "app_id_env"),
                       secret=_secret(spec, "secret_env"), refresh_token=_refresh_token(spec, tokens),
                       credential_env=o["refresh_token_env"], campaign_keys=_campaign_keys(spec), **_page_size(spec),
                       **base, **http)


def _tencent_ads(spec: SourceSpec, http: dict, base: dict, tokens: TokenStore | None) -> TencentAds:
    o = spec.options
    return TencentAds(spec.name, account_ids=o["account_ids"], client_id=_secret(spec, "client_id_env"),
                      client_secret=_secret(spec, "client_secret_env"), refresh_token=_refresh_token(spec, tokens),
                      credential_env=o["refresh_token_env"], campaign_keys=_campaign_keys(spec), **_page_size(spec),
                      **_version(spec), **base, **http)


def _baidu_marketing(spec: SourceSpec, http: dict, base: dict, tokens: TokenStore | None) -> BaiduMarketing:
    o = spec.options
    token_url = {"token_url": o["token_url"]} if o.get("token_url") else {}
    return BaiduMarketing(spec.name, account_ids=o["account_ids"], username=_secret(spec, "username_env"),
                          app_id=_secret(spec, "app_id_env"), secret_key=_secret(spec, "secret_key_env"),
                          user_id=o["user_id"], refresh_token=_refresh_token(spec, tokens),
                          credential_env=o["refresh_token_env"], campaign_keys=_campaign_keys(spec), **_page_size(spec),
                          **token_url, **base, **http)


def _wechat_oa(spec: SourceSpec, http: dict, base: dict, _tokens) -> WeChatOA:
    o = spec.options
    return WeChatOA(spec.name, app_id=_secret(spec, "app_id_env"), app_secret=_secret(spec, "app_secret_env"),
                    credential_env=o["app_secret_env"], account=o.get("account"), **base, **http)


# type → builder of its connector (spec, http options, base url, token store); any other type is the
# generic JSON connector.
BUILDERS = {"google_ads": _google_ads, "meta_ads": _meta_ads, "hubspot": _hubspot, "ga4": _ga4,
            "ocean_engine": _ocean_engine, "tencent_ads": _tencent_ads, "baidu_marketing": _baidu_marketing,
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


def last_day_of(source: ApiSource, spec: SourceSpec, as_of: dt.date, now: dt.datetime) -> dt.date:
    """The last day to pull: the day before the build date, and no later than yesterday in the account's time
    zone (a platform reports days in its account's zone) or the last day the platform has published."""
    end = last_complete_day(as_of)
    zone = spec.timezone or getattr(source, "timezone", None)
    if zone:
        end = min(end, now.astimezone(zoneinfo.ZoneInfo(zone)).date() - dt.timedelta(days=1))
    if hasattr(source, "last_ready_day"):
        end = min(end, source.last_ready_day(now))
    return end


def pull(settings: Settings, spec: SourceSpec, kind: str, *, as_of: dt.date, total_share: float,
         since: dt.date | None = None, now: dt.datetime | None = None, **http_options) -> PullOutcome:
    """Pull one of a source's tables; a failure is recorded in the store and returned, never raised.
    `total_share`: the tracking threshold source_total_share (RunConfig.tracking_setting), how far an account
    day's rows may miss its total and still replace the stored day. `now`: the moment of the pull, for the
    account's "yesterday" and for platforms that publish late."""
    with PullStore(settings.pull_store) as store:
        try:
            version = api_versions.status(spec.type, spec.options.get("api_version"), as_of)
            if version and version.level == "fail":
                raise Unretryable(f"{spec.name}: {version.text}")  # no request: the platform answers nothing
            source = build_source(spec, token_store(settings), **http_options)
            stream = next(s for s in source.streams if s.kind == kind)
            end = last_day_of(source, spec, as_of, now or dt.datetime.now(dt.timezone.utc))
            window = window_for(stream, store.state(spec.name, kind), end=end,
                                start_date=spec.start_date, lookback_days=spec.lookback_days, since=since)
            return PullOutcome(spec.name, kind, True,
                               pull_stream(store, source, stream, window, settings.pii_salt, total_share))
        except PlatformError as err:
            store.record_failure(spec.name, kind, spec.type, str(err))
            return PullOutcome(spec.name, kind, False, error=str(err), retryable=not isinstance(err, Unretryable))


def check(settings: Settings, spec: SourceSpec, today: dt.date, now: dt.datetime | None = None, **http_options) -> str:
    """One line: the source reached with its credentials, the API version it calls and its tokens' ages, or why
    not. A version switched off fails without a request; one ending within api_versions.WARN_DAYS, or a refresh
    token within TOKEN_WARN_DAYS of its end, warns. Never raises for a platform problem."""
    now = now or dt.datetime.now(dt.timezone.utc)
    version = api_versions.status(spec.type, spec.options.get("api_version"), today)
    if version and version.level == "fail":
        return f"FAIL  {spec.name} ({spec.type}): {version.text}"
    tokens = token_store(settings)
    try:
        reached = build_source(spec, tokens, **http_options).check()
        token, token_warns = _token_status(spec, tokens, now)
    except PlatformError as err:
        return f"FAIL  {spec.name} ({spec.type}): " + "; ".join(filter(None, [str(err), version and version.text]))
    said = "; ".join(filter(None, [reached, version.text if version else None, token]))
    warn = (version and version.level == "warn") or token_warns
    return f"{'WARN' if warn else 'ok  '}  {spec.name} ({spec.type}): {said}"


def _token_status(spec: SourceSpec, tokens: TokenStore | None, now: dt.datetime) -> tuple[str | None, bool]:
    """What the store knows of the source's token: a rotated refresh token's days left, else the age of the
    credential variable's value (first seen by mkpi). Nothing without a store."""
    if tokens is None:
        return None, False
    entry = tokens.entry(spec.name)
    if entry and entry.get("expires_at"):
        ends = dt.datetime.fromisoformat(entry["expires_at"])
        days = round((ends - now).total_seconds() / 86400)
        renewed = dt.datetime.fromisoformat(entry["issued_at"]).date()
        text = f"refresh token renewed {renewed}, valid until {ends.date()} ({days} days left)"
        if days <= TOKEN_WARN_DAYS:
            return text + ": a pull renews it; if none runs before then, authorize the app again", True
        return text, False
    name = next((spec.options[k] for k in ("refresh_token_env", "access_token_env", "app_secret_env") if k in spec.options),
                (spec.options.get("auth") or {}).get("secret_env"))
    if not name:
        return None, False
    seen = tokens.first_seen(spec.name, secret(name) or "", now)
    return f"${name} unchanged since {seen.date()} ({(now - seen).days} days)", False

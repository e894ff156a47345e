"""Pull the API sources of sources.yml into the pull store: used by `mkpi sources pull` and the
Dagster source assets alike. Credentials are read here, from the variables sources.yml names."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from connectors.api_source import ApiSource
from connectors.http_core import PlatformError
from connectors.platforms import api_versions
from connectors.pull_store import PullStore
from connectors.puller import StreamResult, pull_stream, window_for
from connectors.registry import connectors
from connectors.source_options import Setup
from connectors.token_store import RefreshToken, TokenStore
from pipelines.settings import TOKEN_KEY_ENV, Settings, secret
from pipelines.configuration.sources_yml import SourceSpec


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


def token_store(settings: Settings) -> TokenStore | None:
    """The store of rotated refresh tokens beside the warehouse; None while its key variable is unset."""
    passphrase = secret(TOKEN_KEY_ENV)
    return TokenStore(settings.token_store, passphrase, TOKEN_KEY_ENV) if passphrase else None


@dataclass(frozen=True)
class EnvironmentCredentials:
    """A source's credentials, from the environment variables its options name (and the token store)."""

    spec: SourceSpec
    tokens: TokenStore | None

    def secret(self, variable: str, what: str) -> str:
        value = secret(variable)
        if value is None:
            raise MissingSecret(f"{self.spec.name}: the environment variable ${variable} ({what}) is not set; "
                                f"set it where the nightly job runs (see docs/connectors.md)")
        return value

    def rotating(self, variable: str) -> RefreshToken:
        """The refresh token of a platform that replaces it at each refresh: the store keeps the new one."""
        given = self.secret(variable, "refresh_token")
        if self.tokens is None:
            raise MissingSecret(f"{self.spec.name}: the environment variable ${TOKEN_KEY_ENV} (the token store's key) "
                                f"is not set; {self.spec.type} replaces the refresh token at every refresh and mkpi "
                                f"keeps the new one encrypted beside the warehouse: set ${TOKEN_KEY_ENV} to a long "
                                f"random passphrase and keep it (see docs/connectors.md)")
        return RefreshToken(self.spec.name, given, self.tokens)


def build_source(spec: SourceSpec, tokens: TokenStore | None = None, **http_options) -> ApiSource:
    """The connector for one source, with its credentials from the environment (and the token store)."""
    http = {"timeout": spec.timeout_seconds, "requests_per_second": spec.requests_per_second,
            "time_budget": spec.time_budget_seconds, "max_pages": spec.max_pages, **http_options}
    base = {"base_url": spec.base_url} if spec.base_url else {}
    setup = Setup(spec.name, EnvironmentCredentials(spec, tokens), http, base)
    return connectors()[spec.type].build(spec.options, setup)


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
            version = api_versions.status(spec.type, spec.option("api_version"), as_of)
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
    version = api_versions.status(spec.type, spec.option("api_version"), today)
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
    name = next((spec.option(k) for k in ("refresh_token_env", "access_token_env", "app_secret_env") if spec.option(k)),
                next(iter(spec.secret_names()), None))
    if not name:
        return None, False
    seen = tokens.first_seen(spec.name, secret(name) or "", now)
    return f"${name} unchanged since {seen.date()} ({(now - seen).days} days)", False

"""sources.yml: which platforms to pull, which accounts, from when, and the names of the environment
variables holding their credentials. Validated on load; every error names the file, line and key."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from pydantic import ConfigDict, PlainValidator, field_validator, model_validator

from connectors.api_source import DAYS, RECORDS
from connectors.kinds import KINDS
from connectors.platforms.json_api import PAGING_STYLES, Paging
from connectors.platforms.report_windows import CAMPAIGN_KEYS
from connectors.platforms.report_windows import NAME as BY_NAME
from pipelines.config_files import (At, ConfigFileError, Section, iso_date, load, non_negative_number,
                                     read_once_per_version, timezone_name)

NAME = re.compile(r"[a-z][a-z0-9_]{0,40}")
ENV_NAME = re.compile(r"[A-Z_][A-Z0-9_]*")
PAGING_KEYS = set(Paging.__dataclass_fields__)
ERROR_KEYS = {"path", "ok", "message"}  # json_api's `error` envelope
# type → (required keys, optional keys, canonical tables it fills)
TYPES = {
    "google_ads": ({"customer_ids", "developer_token_env", "client_id_env", "client_secret_env", "refresh_token_env"},
                   {"login_customer_id", "api_version", "token_url"}, ("ad_spend",)),
    "meta_ads": ({"ad_account_ids", "access_token_env"}, {"api_version", "page_size"}, ("ad_spend",)),
    "hubspot": ({"access_token_env"}, {"won_stages", "lead_stages", "default_currency", "lead_properties"},
                ("leads", "orders")),
    "ga4": ({"property_ids", "client_id_env", "client_secret_env", "refresh_token_env"},
            {"token_url", "conversion_metric", "page_size"}, ("traffic_daily",)),
    "ocean_engine": ({"advertiser_ids", "app_id_env", "secret_env", "refresh_token_env"},
                     {"page_size", "utm_campaign", "utm_campaign_by_account"}, ("ad_spend",)),
    "tencent_ads": ({"account_ids", "client_id_env", "client_secret_env", "refresh_token_env"},
                    {"api_version", "page_size", "utm_campaign", "utm_campaign_by_account"}, ("ad_spend",)),
    "baidu_marketing": ({"account_ids", "username_env", "app_id_env", "secret_key_env", "refresh_token_env", "user_id"},
                        {"page_size", "utm_campaign", "utm_campaign_by_account", "token_url"}, ("ad_spend",)),
    "wechat_oa": ({"app_id_env", "app_secret_env"}, {"account"}, ("social_accounts", "content")),
    "json_api": ({"kind", "url", "records", "fields"},
                 {"method", "params", "body", "constants", "paging", "mode", "key", "accounts", "auth", "error"}, ()),
}
LISTS = ("customer_ids", "ad_account_ids", "property_ids", "won_stages", "lead_stages", "accounts", "advertiser_ids",
         "account_ids")


class SourcesConfigError(ConfigFileError):
    """A bad value in sources.yml; one line naming file, line and key."""


@dataclass(frozen=True)
class SourceSpec:
    name: str
    type: str
    options: dict
    start_date: dt.date
    lookback_days: int = 7
    enabled: bool = True
    retries: int = 1  # Dagster step retries after the HTTP client's own retries gave up
    retry_delay_seconds: float = 300.0
    timeout_seconds: float = 30.0  # one request, from connecting to the last byte of the answer
    requests_per_second: float | None = None
    time_budget_seconds: float = 1800.0  # all of a pull's requests and waits in one night
    max_pages: int = 5000  # pages of one listing
    base_url: str | None = None
    timezone: str | None = None  # the ad account's zone, in which the platform reports days (None: the platform's)

    @property
    def kinds(self) -> tuple[str, ...]:
        return TYPES[self.type][2] or (self.options["kind"],)

    def secret_names(self) -> list[str]:
        names = [v for k, v in self.options.items() if k.endswith("_env")]
        auth = self.options.get("auth") or {}
        return names + ([auth["secret_env"]] if auth.get("secret_env") else [])


@dataclass(frozen=True)
class SourcesConfig:
    path: Path | None
    sources: tuple[SourceSpec, ...] = field(default_factory=tuple)

    @property
    def enabled(self) -> list[SourceSpec]:
        return [s for s in self.sources if s.enabled]

    def get(self, name: str) -> SourceSpec:
        for spec in self.sources:
            if spec.name == name:
                return spec
        raise SourcesConfigError(f"{self.path}: no source named {name!r} (sources: "
                                 f"{', '.join(s.name for s in self.sources) or 'none'})")


def _whole(low: int, high: int):
    def check(value) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValueError(f"{value!r} is not a whole number between {low} and {high}")
        return value
    return check


def _start_date(value) -> dt.date:
    return iso_date(value, "start_date ")


def _flag(value) -> bool:
    if not isinstance(value, bool):
        raise ValueError("enabled is true or false")
    return value


def _checked(kind, check):
    return Annotated[kind | None, PlainValidator(check)]


Seconds = _checked(float, lambda v: float(non_negative_number(v)))


class PullSettings(Section):
    """What a source may set for itself or take from `defaults:` (unset: SourceSpec's default)."""

    start_date: _checked(dt.date, _start_date) = None
    lookback_days: _checked(int, _whole(0, 366)) = None
    retries: _checked(int, _whole(0, 10)) = None
    retry_delay_seconds: Seconds = None
    timeout_seconds: Seconds = None
    requests_per_second: Seconds = None
    time_budget_seconds: Seconds = None
    max_pages: _checked(int, _whole(1, 1_000_000)) = None
    enabled: _checked(bool, _flag) = None
    timezone: _checked(str, timezone_name) = None


class Source(PullSettings):
    """One source: its name and type, the settings above, and its type's own keys (TYPES)."""

    model_config = ConfigDict(extra="allow", strict=True, frozen=True)
    name: Any
    type: Any
    base_url: str | None = None

    @field_validator("type", mode="plain")
    @classmethod
    def _known_type(cls, value):
        if value not in TYPES:
            raise ValueError(f"type must be one of {', '.join(TYPES)}")
        return value

    @field_validator("name", mode="plain")
    @classmethod
    def _good_name(cls, value):
        if not isinstance(value, str) or not NAME.fullmatch(value):
            raise ValueError("name is required: lower-case letters, digits and _ (it names the source's tables)")
        return value

    @model_validator(mode="after")
    def _keys_of_its_type(self):
        required, optional, _ = TYPES[self.type]
        options = self.model_extra or {}
        for key in sorted(set(options) - required - optional):
            raise At(key, f"unknown key for a {self.type} source (allowed: "
                          f"{', '.join(sorted(set(Source.model_fields) | required | optional))})")
        for key in sorted(required - set(options)):
            raise ValueError(f"{self.type} source {self.name!r} needs '{key}'")
        for key, value in options.items():
            if key.endswith("_env") and not (isinstance(value, str) and ENV_NAME.fullmatch(value)):
                raise At(key, "must name an environment variable, like GOOGLE_ADS_REFRESH_TOKEN "
                              "(the secret itself never goes in this file)")
            if key in LISTS and not (isinstance(value, list) and value):
                raise At(key, "must be a list with at least one entry, like [\"123-456-7890\"]")
        if self.type == "json_api":
            _check_json_api(options)
        _check_campaign_keys(options)
        return self


class SourcesYml(Section):
    defaults: PullSettings = PullSettings()
    sources: list[Source] = []

    @model_validator(mode="after")
    def _names_once(self):
        names = [s.name for s in self.sources]
        for n, name in enumerate(names):
            if names.index(name) != n:
                raise At(("sources", n, "name"), f"the name {name!r} is used twice")
        return self


@read_once_per_version
def load_sources(path: Path | None) -> SourcesConfig:
    """Read sources.yml; a missing file means no API sources (exports in the folder only)."""
    if path is None or not Path(path).exists():
        return SourcesConfig(None)
    doc, yml = load(path, SourcesYml, SourcesConfigError)
    specs = []
    for n, source in enumerate(yml.sources):
        merged = {**yml.defaults.model_dump(exclude_unset=True), **source.model_dump(exclude_unset=True)}
        settings = {key: value for key, value in merged.items() if key in PullSettings.model_fields}
        if "start_date" not in settings:
            raise SourcesConfigError(f"{doc.where(('sources', n))}: start_date is required (here or under defaults): "
                                     "the first day to pull, YYYY-MM-DD")
        specs.append(SourceSpec(source.name, source.type, dict(source.model_extra or {}), base_url=source.base_url,
                                **settings))
    return SourcesConfig(Path(path), tuple(specs))


def _check_campaign_keys(item: dict) -> None:
    """utm_campaign: how the sessions tag this platform's campaigns, by name (the default) or id; per account too."""
    allowed = ", ".join(CAMPAIGN_KEYS)
    if item.get("utm_campaign", BY_NAME) not in CAMPAIGN_KEYS:
        raise At("utm_campaign", f"utm_campaign is one of {allowed}: what the sessions' utm_campaign holds")
    by_account = item.get("utm_campaign_by_account", {})
    if not isinstance(by_account, dict) or not set(map(str, by_account.values())) <= set(CAMPAIGN_KEYS):
        raise At("utm_campaign_by_account", f"utm_campaign_by_account maps account ids to one of {allowed}, "
                                            "like {\"1234567\": id}")


def _check_json_api(item: dict) -> None:
    if item["kind"] not in KINDS:
        raise At("kind", f"kind must be a canonical table: {', '.join(KINDS)}")
    columns = {c.name for c in KINDS[item["kind"]].columns}
    if not isinstance(item["fields"], dict):
        raise At("fields", "fields maps canonical columns to response fields, like `spend: cost`")
    mapped = {**(item.get("constants") or {}), **item["fields"]}
    for column in mapped:
        if column not in columns:
            raise At("fields", f"{column!r} is not a column of {item['kind']} ({', '.join(sorted(columns))})")
    missing = [c for c in KINDS[item["kind"]].required if c not in mapped]
    if missing:
        raise At("fields", f"{item['kind']} needs {missing[0]!r} from a field or a constant")
    mode = item.get("mode", DAYS)
    if mode not in (DAYS, RECORDS):
        raise At("mode", f"mode is {DAYS} (re-fetched days replace stored days) or {RECORDS} (replace by key)")
    if mode == DAYS and "date" not in columns:
        raise At("mode", f"{item['kind']} has no date column; use mode: {RECORDS} with a key")
    if mode == RECORDS and item.get("key") not in columns:
        raise At("key", "records mode needs key: the canonical column that identifies a record")
    paging = item.get("paging") or {}
    if not isinstance(paging, dict) or paging.get("style", "none") not in PAGING_STYLES:
        raise At("paging", f"paging.style is one of {', '.join(PAGING_STYLES)}")
    unknown = sorted(set(paging) - PAGING_KEYS)
    if unknown:
        raise At("paging", f"{unknown[0]!r} is not a paging setting ({', '.join(sorted(PAGING_KEYS))})")
    error = item.get("error")
    if error is not None and not (isinstance(error, dict) and error.get("path") and set(error) <= ERROR_KEYS):
        raise At("error", "error needs path (where the answer's status is), and optionally ok (the value or values "
                          "that mean success, default 0) and message (where the error's text is)")
    if str(item.get("method", "GET")).upper() not in ("GET", "POST"):
        raise At("method", "method is GET or POST")
    auth = item.get("auth")
    if auth is not None and not (isinstance(auth, dict) and ENV_NAME.fullmatch(str(auth.get("secret_env", "")))):
        raise At("auth", "auth needs secret_env naming the environment variable (and optionally header and prefix)")

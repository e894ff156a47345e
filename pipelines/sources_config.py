"""sources.yml: which platforms to pull, which accounts, from when, and the names of the environment
variables holding their credentials. Validated on load; every error names the file, line and key."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from connectors.api_source import DAYS, RECORDS
from connectors.kinds import KINDS
from connectors.platforms.json_api import PAGING_STYLES
from pipelines.yaml_lines import LocatedYaml, non_negative_number

NAME = re.compile(r"[a-z][a-z0-9_]{0,40}")
ENV_NAME = re.compile(r"[A-Z_][A-Z0-9_]*")
COMMON = {"name", "type", "enabled", "start_date", "lookback_days", "base_url", "timeout_seconds",
          "requests_per_second", "retries", "retry_delay_seconds"}
# type → (required keys, optional keys, canonical tables it fills)
TYPES = {
    "google_ads": ({"customer_ids", "developer_token_env", "client_id_env", "client_secret_env", "refresh_token_env"},
                   {"login_customer_id", "api_version", "token_url"}, ("ad_spend",)),
    "meta_ads": ({"ad_account_ids", "access_token_env"}, {"api_version", "page_size"}, ("ad_spend",)),
    "hubspot": ({"access_token_env"}, {"won_stages", "default_currency", "lead_properties"}, ("leads", "orders")),
    "ga4": ({"property_ids", "client_id_env", "client_secret_env", "refresh_token_env"},
            {"token_url", "conversion_metric", "page_size"}, ("traffic_daily",)),
    "json_api": ({"kind", "url", "records", "fields"},
                 {"method", "params", "body", "constants", "paging", "mode", "key", "accounts", "auth"}, ()),
}
LISTS = ("customer_ids", "ad_account_ids", "property_ids", "won_stages", "accounts")


class SourcesConfigError(ValueError):
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
    timeout_seconds: float = 30.0
    requests_per_second: float | None = None
    base_url: str | None = None

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


def load_sources(path: Path | None) -> SourcesConfig:
    """Read sources.yml; a missing file means no API sources (exports in the folder only)."""
    if path is None or not Path(path).exists():
        return SourcesConfig(None)
    try:
        doc = LocatedYaml(path)
    except ValueError as err:
        raise SourcesConfigError(str(err)) from None
    data = doc.data or {}
    if not isinstance(data, dict) or set(data) - {"defaults", "sources"}:
        raise SourcesConfigError(f"{doc.where(())}: expected 'defaults:' and 'sources:' at the top level")
    defaults = data.get("defaults") or {}
    if not isinstance(defaults, dict) or set(defaults) - (COMMON - {"name", "type", "base_url"}):
        raise SourcesConfigError(f"{doc.where(('defaults',))}: defaults may set "
                                 f"{', '.join(sorted(COMMON - {'name', 'type', 'base_url'}))}")
    items = data.get("sources") or []
    if not isinstance(items, list):
        raise SourcesConfigError(f"{doc.where(('sources',))}: expected a list of sources, each starting with '- name:'")
    specs = [_source(doc, n, item, defaults) for n, item in enumerate(items)]
    names = [s.name for s in specs]
    for n, name in enumerate(names):
        if names.index(name) != n:
            raise SourcesConfigError(f"{doc.where(('sources', n, 'name'))}: the name {name!r} is used twice")
    return SourcesConfig(Path(path), tuple(specs))


def _source(doc: LocatedYaml, n: int, item, defaults: dict) -> SourceSpec:
    here = ("sources", n)
    if not isinstance(item, dict):
        raise SourcesConfigError(f"{doc.where(here)}: each source is a set of 'key: value' lines")

    def fail(key, message):
        raise SourcesConfigError(f"{doc.where(here + ((key,) if key else ()))}: {message}")

    kind = item.get("type")
    if kind not in TYPES:
        fail("type", f"type must be one of {', '.join(TYPES)}")
    if not isinstance(item.get("name"), str) or not NAME.fullmatch(item["name"]):
        fail("name", "name is required: lower-case letters, digits and _ (it names the source's tables)")
    required, optional, _ = TYPES[kind]
    for key in sorted(set(item) - COMMON - required - optional):
        fail(key, f"unknown key for a {kind} source (allowed: {', '.join(sorted(COMMON | required | optional))})")
    for key in sorted(required - set(item)):
        fail(None, f"{kind} source {item['name']!r} needs '{key}'")
    for key, value in item.items():
        if key.endswith("_env") and not (isinstance(value, str) and ENV_NAME.fullmatch(value)):
            fail(key, "must name an environment variable, like GOOGLE_ADS_REFRESH_TOKEN "
                      "(the secret itself never goes in this file)")
        if key in LISTS and not (isinstance(value, list) and value):
            fail(key, "must be a list with at least one entry, like [\"123-456-7890\"]")
    merged = {**defaults, **item}
    if kind == "json_api":
        _check_json_api(item, fail)
    settings = {}
    for key, (check, default) in SETTINGS.items():
        value = merged.get(key, default)
        try:
            settings[key] = check(value)
        except ValueError as err:
            fail(key if key in item else None, str(err))  # a value from defaults: the source's own line
    enabled = merged.get("enabled", True)
    if not isinstance(enabled, bool):
        fail("enabled", "enabled is true or false")
    options = {k: v for k, v in item.items() if k not in COMMON}
    return SourceSpec(item["name"], kind, options, enabled=enabled, base_url=item.get("base_url"), **settings)


def _check_json_api(item: dict, fail) -> None:
    if item["kind"] not in KINDS:
        fail("kind", f"kind must be a canonical table: {', '.join(KINDS)}")
    columns = {c.name for c in KINDS[item["kind"]].columns}
    mapped = {**(item.get("constants") or {}), **(item.get("fields") or {})}
    if not isinstance(item["fields"], dict):
        fail("fields", "fields maps canonical columns to response fields, like `spend: cost`")
    for column in mapped:
        if column not in columns:
            fail("fields", f"{column!r} is not a column of {item['kind']} ({', '.join(sorted(columns))})")
    missing = [c for c in KINDS[item["kind"]].required if c not in mapped]
    if missing:
        fail("fields", f"{item['kind']} needs {missing[0]!r} from a field or a constant")
    mode = item.get("mode", DAYS)
    if mode not in (DAYS, RECORDS):
        fail("mode", f"mode is {DAYS} (re-fetched days replace stored days) or {RECORDS} (replace by key)")
    if mode == DAYS and "date" not in columns:
        fail("mode", f"{item['kind']} has no date column; use mode: {RECORDS} with a key")
    if mode == RECORDS and item.get("key") not in columns:
        fail("key", "records mode needs key: the canonical column that identifies a record")
    paging = item.get("paging") or {}
    if not isinstance(paging, dict) or paging.get("style", "none") not in PAGING_STYLES:
        fail("paging", f"paging.style is one of {', '.join(PAGING_STYLES)}")
    if str(item.get("method", "GET")).upper() not in ("GET", "POST"):
        fail("method", "method is GET or POST")
    auth = item.get("auth")
    if auth is not None and not (isinstance(auth, dict) and ENV_NAME.fullmatch(str(auth.get("secret_env", "")))):
        fail("auth", "auth needs secret_env naming the environment variable (and optionally header and prefix)")


def _date(value) -> dt.date:
    if value is None:
        raise ValueError("start_date is required (here or under defaults): the first day to pull, YYYY-MM-DD")
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"start_date {value!r} is not a date written as YYYY-MM-DD") from None


def _whole(value, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"{value!r} is not a whole number between {low} and {high}")
    return value


def _number(value) -> float:
    return float(non_negative_number(value))


# setting → (validator, default); each may be set per source or under defaults
SETTINGS = {
    "start_date": (_date, None),
    "lookback_days": (lambda v: _whole(v, 0, 366), 7),
    "retries": (lambda v: _whole(v, 0, 10), 1),
    "retry_delay_seconds": (_number, 300),
    "timeout_seconds": (_number, 30),
    "requests_per_second": (lambda v: None if v is None else _number(v), None),
}

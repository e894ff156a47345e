"""mkpi.yml: the run's settings, validated on load with messages that name the file, line and key."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from pipelines.registry import dbt_vars
from pipelines.yaml_lines import first_repeat, non_negative_number


class ConfigError(ValueError):
    """A bad value in mkpi.yml; the message is one line naming file, line and key."""


@dataclass(frozen=True)
class RunConfig:
    reporting_currency: str = "USD"
    reporting_timezone: str = "UTC"
    as_of_date: dt.date | None = None
    fx_max_staleness_days: int = 7
    # Incremental nights always rebuild at least the days from the as-of date minus this.
    rebuild_lookback_days: int = 3
    schedule_cron: str = "0 3 * * *"
    schedule_timezone: str = "UTC"
    # Tracking thresholds and severities that differ from dbt_project.yml's defaults (vars.mkpi_tracking).
    tracking_overrides: dict = field(default_factory=dict)
    alert_min_severity: str = "warn"
    alert_top: int = 5  # issues per severity in one message
    alert_retries: int = 3
    alert_timeout_seconds: float = 10.0
    alert_backoff_seconds: float = 1.0
    alert_sinks: tuple = ()
    # (file-name pattern, Python codec name): read matching exports in this encoding instead of guessing.
    file_encodings: tuple = ()
    snapshots_keep: int = 14  # nightly snapshots of the published file kept beside it (pipelines/snapshots.py)

    def as_of(self) -> dt.date:
        """The build date: configured, or today in the reporting time zone."""
        return self.as_of_date or dt.datetime.now(zoneinfo.ZoneInfo(self.reporting_timezone)).date()


def _currency(value):
    if not (isinstance(value, str) and re.fullmatch(r"[A-Z]{3}", value)):
        raise ValueError(f"{value!r} is not a 3-letter currency code in capitals (for example USD, CNY, EUR)")
    return value


def _timezone(value):
    try:
        zoneinfo.ZoneInfo(str(value))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{value!r} is not a time zone name (for example UTC, Asia/Shanghai, America/New_York)") from None
    return str(value)


def _date(value):
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"{value!r} is not a date written as YYYY-MM-DD") from None


def _days(value):
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 366:
        raise ValueError(f"{value!r} is not a number of days between 0 and 366")
    return value


_CRON_FIELD = r"(\*|\d+(-\d+)?)(/\d+)?(,(\*|\d+(-\d+)?)(/\d+)?)*"


def _cron(value):
    fields = str(value).split()
    if len(fields) != 5 or not all(re.fullmatch(_CRON_FIELD, f) for f in fields):
        raise ValueError(f"{value!r} is not a cron schedule of 5 fields (for example \"0 3 * * *\" = 03:00 daily)")
    return str(value)


def _share(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise ValueError(f"{value!r} is not a share between 0 and 1 (for example 0.25 for 25%)")
    return value


def _severity(value):
    if value not in SEVERITIES:
        raise ValueError(f"{value!r} is not a severity (one of {', '.join(SEVERITIES)})")
    return value


def _count(value):
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 100:
        raise ValueError(f"{value!r} is not a whole number between 1 and 100")
    return value


_ENV_NAME = re.compile(r"[A-Z_][A-Z0-9_]*")
_SINK_KEYS = {
    "http": {"type", "name", "url_env", "secret_env"},
    "email": {"type", "name", "host", "port", "starttls", "username_env", "password_env", "sender", "to"},
}


def _sinks(value):
    """Each sink: a type, and the names of the environment variables holding its URL and secrets."""
    from pipelines.alerting.sinks import SINK_TYPES, Sink

    if not isinstance(value, list):
        raise ValueError("expected a list of sinks, each starting with '- type: ...'")
    sinks = []
    for n, item in enumerate(value, 1):
        if not isinstance(item, dict) or item.get("type") not in SINK_TYPES:
            raise ValueError(f"sink {n}: 'type' must be one of {', '.join(SINK_TYPES)}")
        kind = "email" if item["type"] == "email" else "http"
        unknown = set(item) - _SINK_KEYS[kind]
        if unknown:
            raise ValueError(f"sink {n} ({item['type']}): unknown key {sorted(unknown)[0]!r} "
                             f"(allowed: {', '.join(sorted(_SINK_KEYS[kind]))})")
        for key in ("url_env", "secret_env", "username_env", "password_env"):
            if key in item and not _ENV_NAME.fullmatch(str(item[key])):
                raise ValueError(f"sink {n} ({item['type']}): {key} must name an environment variable, "
                                 f"like MKPI_SLACK_WEBHOOK_URL (the secret itself never goes in this file)")
        if kind == "http" and "url_env" not in item:
            raise ValueError(f"sink {n} ({item['type']}): url_env is required (the variable holding the webhook URL)")
        if kind == "email":
            missing = [k for k in ("host", "sender", "to") if k not in item]
            if missing:
                raise ValueError(f"sink {n} (email): {missing[0]} is required")
            if not isinstance(item["to"], list) or not item["to"]:
                raise ValueError(f"sink {n} (email): 'to' must be a list of addresses")
        options = {k: v for k, v in item.items() if k not in ("type", "url_env", "secret_env")}
        sinks.append(Sink(item["type"], item.get("url_env"), item.get("secret_env"), options))
    return tuple(sinks)


def _encodings(value):
    """files.encodings: a list of {pattern, encoding}; the encoding must be one Python can decode."""
    import codecs

    if not isinstance(value, list):
        raise ValueError("expected a list of '- pattern: ..., encoding: ...' entries")
    out = []
    for n, item in enumerate(value, 1):
        if not isinstance(item, dict) or set(item) != {"pattern", "encoding"}:
            raise ValueError(f"entry {n}: expected exactly 'pattern' (a file name like ad_spend_yahoo*.csv) "
                             "and 'encoding' (like cp1252, gb18030, utf-16)")
        try:
            codecs.lookup(str(item["encoding"]))
        except LookupError:
            raise ValueError(f"entry {n}: {item['encoding']!r} is not an encoding name (for example utf-8, "
                             "gb18030, cp1252, latin-1, utf-16)") from None
        out.append((str(item["pattern"]), str(item["encoding"])))
    return tuple(out)


SEVERITIES = ("info", "warn", "error")
# The tracking checks' registry: dbt_project.yml's vars (mkpi_tracking.severity, check → default severity).
TRACKING_CHECKS = tuple(dbt_vars()["mkpi_tracking"]["severity"])
TRACKING_SETTINGS = {
    "lookback_days": _days,
    "min_spend_without_sessions": non_negative_number,
    "max_unattributed_lead_share": _share,
    "min_leads_for_share": non_negative_number,
    "drop_share": _share,
    "min_daily_sessions": non_negative_number,
    "min_daily_leads": non_negative_number,
}

# yaml path → (RunConfig field, validator)
FIELDS = {
    ("reporting", "currency"): ("reporting_currency", _currency),
    ("reporting", "timezone"): ("reporting_timezone", _timezone),
    ("reporting", "as_of_date"): ("as_of_date", _date),
    ("fx", "max_staleness_days"): ("fx_max_staleness_days", _days),
    ("incremental", "lookback_days"): ("rebuild_lookback_days", _days),
    ("schedule", "cron"): ("schedule_cron", _cron),
    ("schedule", "timezone"): ("schedule_timezone", _timezone),
    ("alerts", "min_severity"): ("alert_min_severity", _severity),
    ("alerts", "top"): ("alert_top", _count),
    ("alerts", "retries"): ("alert_retries", _count),
    ("alerts", "timeout_seconds"): ("alert_timeout_seconds", non_negative_number),
    ("alerts", "backoff_seconds"): ("alert_backoff_seconds", non_negative_number),
    ("alerts", "sinks"): ("alert_sinks", _sinks),
    ("files", "encodings"): ("file_encodings", _encodings),
    ("snapshots", "keep"): ("snapshots_keep", _count),
    **{("tracking", name): (("tracking_overrides", name), check) for name, check in TRACKING_SETTINGS.items()},
    **{("tracking", "severity", name): (("tracking_overrides", "severity", name), _severity) for name in TRACKING_CHECKS},
}


def load_config(path: Path | None) -> RunConfig:
    """Read and validate mkpi.yml; a missing file means all defaults."""
    if path is None or not Path(path).exists():
        return RunConfig()
    text = Path(path).read_text(encoding="utf-8-sig")
    try:
        root = yaml.compose(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = f", line {mark.line + 1}" if mark else ""
        raise ConfigError(f"{path}{line}: not valid YAML ({getattr(err, 'problem', err)})") from None
    values = {}
    for key_path, node in _leaves(root, path):
        where = f"{path}, line {node.start_mark.line + 1}, key '{'.'.join(key_path)}'"
        if key_path not in FIELDS:
            known = ", ".join(".".join(k) for k in FIELDS if k[:2] != ("tracking", "severity"))
            raise ConfigError(f"{where}: unknown setting (known settings: {known}, tracking.severity.<check>)")
        target, validate = FIELDS[key_path]
        try:
            value = validate(yaml.safe_load(yaml.serialize(node)))
        except ValueError as err:
            raise ConfigError(f"{where}: {err}") from None
        _assign(values, target, value)
    return RunConfig(**values)


def _assign(values: dict, target, value) -> None:
    """Set a RunConfig field, or a key inside a dict field when `target` is a path."""
    if isinstance(target, str):
        values[target] = value
        return
    node = values
    for key in target[:-1]:
        node = node.setdefault(key, {})
    node[target[-1]] = value


def _leaves(node, path, prefix=()):
    if node is None:
        return
    if not isinstance(node, yaml.MappingNode):
        raise ConfigError(f"{path}, line {node.start_mark.line + 1}: expected settings as 'key: value' lines")
    repeated = first_repeat(node)
    if repeated:
        key, line, first = repeated
        raise ConfigError(f"{path}, line {line}, key '{'.'.join(prefix + (key,))}': appears twice (first on line "
                          f"{first}); keep one")
    for key_node, value_node in node.value:
        key = prefix + (str(key_node.value),)
        if isinstance(value_node, yaml.MappingNode):
            yield from _leaves(value_node, path, key)
        else:
            yield key, value_node

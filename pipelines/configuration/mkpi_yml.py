"""mkpi.yml: the run's settings, validated on load with messages that name the file, line and key."""

from __future__ import annotations

import codecs
import datetime as dt
import functools
import re
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from pydantic import PlainValidator, create_model

from pipelines.configuration.yaml_files import (ConfigFileError, LocatedYaml, Section, iso_date, load, non_negative_number,
                                    read_once_per_version, timezone_name)
from pipelines.configuration.dbt_registry import dbt_vars


class ConfigError(ConfigFileError):
    """A bad value in mkpi.yml; the message is one line naming file, line and key."""


@dataclass(frozen=True)
class AttributionSettings:
    """mkpi.yml `attribution:` (docs/attribution.md, the contract in the spec's attribution.md)."""

    lookback_days: int = 30
    lookback_steps: int = 0  # 0: every touch of the path
    path_transform: str = "exposure"
    direct: str = "credit_only_if_all_direct"
    half_life_days: float = 7.0


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
    alert_language: str = "en"  # en or zh: the alert's words and the issues' titles and messages
    alert_retries: int = 3
    alert_timeout_seconds: float = 10.0
    alert_backoff_seconds: float = 1.0
    alert_sinks: tuple = ()
    # (file-name pattern, Python codec name): read matching exports in this encoding instead of guessing.
    file_encodings: tuple = ()
    max_days_after_as_of: int = 7  # a row dated later than the as-of date plus this is quarantined
    snapshots_keep: int = 14  # nightly snapshots of the published file kept beside it (pipelines/night/snapshots.py)
    attribution: AttributionSettings = AttributionSettings()

    def latest_row_date(self) -> dt.date:
        """The last day a landed row may carry (value_parsers says why there is one)."""
        return self.as_of() + dt.timedelta(days=self.max_days_after_as_of)

    def tracking_setting(self, name: str):
        """A tracking threshold: mkpi.yml's override, else dbt_project.yml's default (the models read the same)."""
        return self.tracking_overrides.get(name, dbt_vars()["mkpi_tracking"][name])

    def as_of(self) -> dt.date:
        """The build date: configured, or today in the reporting time zone."""
        return self.as_of_date or dt.datetime.now(zoneinfo.ZoneInfo(self.reporting_timezone)).date()


def _currency(value):
    if not (isinstance(value, str) and re.fullmatch(r"[A-Z]{3}", value)):
        raise ValueError(f"{value!r} is not a 3-letter currency code in capitals (for example USD, CNY, EUR)")
    return value


def _date(value):
    return None if value is None else iso_date(value)


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


def _language(value):
    if value not in ("en", "zh"):
        raise ValueError(f"{value!r} is not a language mkpi writes (en for English, zh for Chinese)")
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


def _encoding(value):
    try:
        codecs.lookup(str(value))
    except LookupError:
        raise ValueError(f"{value!r} is not an encoding name (for example utf-8, gb18030, cp1252, latin-1, "
                         "utf-16)") from None
    return str(value)


SEVERITIES = ("info", "warn", "error")
PATH_TRANSFORMS = ("exposure", "none", "first", "unique")
DIRECT_RULES = ("credit_only_if_all_direct", "keep")


def _one_of(what: str, allowed: tuple):
    """A check that a value is one of `allowed`, saying what it should have been (`what`: "a severity")."""
    def check(value):
        if value not in allowed:
            raise ValueError(f"{value!r} is not {what} (one of {', '.join(allowed)})")
        return value
    return check


def _positive(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise ValueError(f"{value!r} is not a number of days above 0 (for example 7)")
    return float(value)


def _steps(value):
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        raise ValueError(f"{value!r} is not a number of touches between 0 (all) and 100")
    return value


def tracking_checks() -> tuple[str, ...]:
    """The tracking checks' registry: dbt_project.yml's vars (mkpi_tracking.severity, check → default severity)."""
    return tuple(dbt_vars()["mkpi_tracking"]["severity"])


def _checked(kind, check):
    """A value checked by one of the functions above, whose ValueError is the analyst's message."""
    return Annotated[kind, PlainValidator(check)]


Days, Count, Share = _checked(int, _days), _checked(int, _count), _checked(float, _share)
Severity = _checked(str, _one_of("a severity", SEVERITIES))
Number, TimeZone = _checked(float, non_negative_number), _checked(str, timezone_name)
Language = _checked(str, _language)


class Reporting(Section):
    currency: _checked(str, _currency) = "USD"
    timezone: TimeZone = "UTC"
    as_of_date: _checked(Any, _date) = None


class Fx(Section):
    max_staleness_days: Days = 7


class Incremental(Section):
    lookback_days: Days = 3


class Schedule(Section):
    cron: _checked(str, _cron) = "0 3 * * *"
    timezone: TimeZone = "UTC"


class Alerts(Section):
    min_severity: Severity = "warn"
    language: Language = "en"
    top: Count = 5
    retries: Count = 3
    timeout_seconds: Number = 10.0
    backoff_seconds: Number = 1.0
    sinks: _checked(Any, _sinks) = ()


class Attribution(Section):
    lookback_days: _checked(int, _days) = 30
    lookback_steps: _checked(int, _steps) = 0
    path_transform: _checked(str, _one_of("a path transform", PATH_TRANSFORMS)) = "exposure"
    direct: _checked(str, _one_of("a direct rule", DIRECT_RULES)) = "credit_only_if_all_direct"
    half_life_days: _checked(float, _positive) = 7.0


class EncodingRule(Section):
    pattern: str  # a file name like ad_spend_yahoo*.csv
    encoding: _checked(str, _encoding)


class Files(Section):
    encodings: list[EncodingRule] = []
    max_days_after_as_of: Days = 7


class Snapshots(Section):
    keep: Count = 14


class TrackingThresholds(Section):
    lookback_days: Days | None = None
    min_spend_without_sessions: Number | None = None
    max_unattributed_lead_share: Share | None = None
    min_leads_for_share: Number | None = None
    drop_share: Share | None = None
    min_daily_sessions: Number | None = None
    min_daily_leads: Number | None = None
    outlier_spread: Number | None = None
    spend_outlier_min_ratio: Number | None = None
    spend_outlier_history_days: Days | None = None
    spend_outlier_min_history_days: Count | None = None
    order_outlier_min_ratio: Number | None = None
    order_outlier_history_days: Days | None = None
    order_outlier_min_history_orders: Count | None = None
    source_total_share: Share | None = None


@functools.cache
def mkpi_yml_model() -> type[Section]:
    """mkpi.yml's model. Its tracking section takes any of dbt_project.yml's defaults (vars.mkpi_tracking),
    so the model is made from that registry on first use, not at import."""
    severities = create_model("TrackingSeverities", __base__=Section,
                              **{check: (Severity | None, None) for check in tracking_checks()})
    tracking = create_model("Tracking", __base__=TrackingThresholds, severity=(severities, severities()))
    return create_model("MkpiYml", __base__=Section, reporting=(Reporting, Reporting()), fx=(Fx, Fx()),
                        incremental=(Incremental, Incremental()), schedule=(Schedule, Schedule()),
                        tracking=(tracking, tracking()), alerts=(Alerts, Alerts()), files=(Files, Files()),
                        snapshots=(Snapshots, Snapshots()), attribution=(Attribution, Attribution()))


@read_once_per_version
def load_config(path: Path | None) -> RunConfig:
    """Read and validate mkpi.yml; a missing file means all defaults."""
    if path is None or not Path(path).exists():
        return RunConfig()
    _, yml = load(path, mkpi_yml_model(), ConfigError)
    return RunConfig(
        reporting_currency=yml.reporting.currency, reporting_timezone=yml.reporting.timezone,
        as_of_date=yml.reporting.as_of_date, fx_max_staleness_days=yml.fx.max_staleness_days,
        rebuild_lookback_days=yml.incremental.lookback_days, schedule_cron=yml.schedule.cron,
        schedule_timezone=yml.schedule.timezone, tracking_overrides=yml.tracking.model_dump(exclude_unset=True),
        alert_min_severity=yml.alerts.min_severity, alert_language=yml.alerts.language, alert_top=yml.alerts.top, alert_retries=yml.alerts.retries,
        alert_timeout_seconds=yml.alerts.timeout_seconds, alert_backoff_seconds=yml.alerts.backoff_seconds,
        alert_sinks=yml.alerts.sinks, file_encodings=tuple((r.pattern, r.encoding) for r in yml.files.encodings),
        max_days_after_as_of=yml.files.max_days_after_as_of,
        snapshots_keep=yml.snapshots.keep, attribution=AttributionSettings(**yml.attribution.model_dump()),
    )


def check_as_of(config: RunConfig, path: Path | None, allow_future: bool = False) -> None:
    """A configured as-of date after today (in the reporting time zone) is refused: the night would grade
    and close months that have not happened, and HR would act on them. `allow_future` is for tests and
    rehearsals on fixed data (`mkpi run --allow-future-as-of`)."""
    today = dt.datetime.now(zoneinfo.ZoneInfo(config.reporting_timezone)).date()
    if config.as_of_date is None or allow_future or config.as_of_date <= today:
        return
    where = LocatedYaml(path).where(("reporting", "as_of_date")) if path and Path(path).exists() else "as_of_date"
    raise ConfigError(f"{where}: {config.as_of_date} is after today ({today} in {config.reporting_timezone}); "
                      "a night cannot be built for a day that has not come. Fix the date, or remove it to build "
                      "for today")

"""sources.yml: which platforms to pull, which accounts, from when, and the names of the environment
variables holding their credentials. Validated on load; every error names the file, line and key."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from pydantic import ConfigDict, PlainValidator, PrivateAttr, ValidationError, field_validator, model_validator

from connectors.registry import connectors
from connectors.source_options import SourceOptions
from pipelines.configuration.yaml_files import (At, ConfigFileError, Section, iso_date, load, located,
                                                 non_negative_number, read_once_per_version, timezone_name)

NAME = re.compile(r"[a-z][a-z0-9_]{0,40}")


class SourcesConfigError(ConfigFileError):
    """A bad value in sources.yml; one line naming file, line and key."""


@dataclass(frozen=True)
class SourceSpec:
    name: str
    type: str
    options: SourceOptions  # the keys its connector declares (connectors.registry)
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
        return connectors()[self.type].tables(self.options)

    def secret_names(self) -> list[str]:
        return self.options.secret_names()

    def option(self, key: str):
        return getattr(self.options, key, None)


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
    """One source: its name and type, the settings above, and its connector's own keys (connectors.registry)."""

    model_config = ConfigDict(extra="allow", strict=True, frozen=True)
    name: Any
    type: Any
    base_url: str | None = None
    _options: SourceOptions | None = PrivateAttr(None)

    @field_validator("type", mode="plain")
    @classmethod
    def _known_type(cls, value):
        if value not in connectors():
            raise ValueError(f"type must be one of {', '.join(connectors())}")
        return value

    @field_validator("name", mode="plain")
    @classmethod
    def _good_name(cls, value):
        if not isinstance(value, str) or not NAME.fullmatch(value):
            raise ValueError("name is required: lower-case letters, digits and _ (it names the source's tables)")
        return value

    @model_validator(mode="after")
    def _keys_of_its_type(self):
        declared = connectors()[self.type].options
        given = self.model_extra or {}
        for key in sorted(set(given) - set(declared.model_fields)):
            raise At(key, f"unknown key for a {self.type} source (allowed: "
                          f"{', '.join(sorted(set(Source.model_fields) | set(declared.model_fields)))})")
        for key, field in declared.model_fields.items():
            if field.is_required() and key not in given:
                raise ValueError(f"{self.type} source {self.name!r} needs '{key}'")
        try:
            self._options = declared.model_validate(given)
        except ValidationError as err:
            raise At(*located(err.errors(include_url=False)[0], declared)) from None
        return self

    @property
    def options(self) -> SourceOptions:
        return self._options


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
        specs.append(SourceSpec(source.name, source.type, source.options, base_url=source.base_url, **settings))
    return SourcesConfig(Path(path), tuple(specs))

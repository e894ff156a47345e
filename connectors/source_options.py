"""What a connector declares about itself, once: the keys a sources.yml source of its type may set (one
pydantic model), the canonical tables it fills, and how it is built from them.

`connectors.registry` maps each `type:` to its declaration; sources.yml's checks, pulling, `mkpi sources
check`, sources.example.yml and docs/connectors.md are read from or tested against that one table. A
credential is never an option's value: an option ending in `_env` names the environment variable that
holds it, and the connector asks `Credentials` (given by the caller, which reads the environment) for
the value.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Protocol

from pydantic import BaseModel, ConfigDict, PlainValidator

ENV_NAME = re.compile(r"[A-Z_][A-Z0-9_]*")


class OptionError(ValueError):
    """A problem placed at a key (or a path of keys, relative to the model being checked), for a check that
    reads several keys; the configuration files' messages name its line (pipelines' yaml_files.At is this)."""

    def __init__(self, path, message: str):
        super().__init__(message)
        self.path = path if isinstance(path, tuple) else (path,)


def _env_name(value) -> str:
    if not (isinstance(value, str) and ENV_NAME.fullmatch(value)):
        raise ValueError("must name an environment variable, like GOOGLE_ADS_REFRESH_TOKEN "
                         "(the secret itself never goes in this file)")
    return value


def _entries(value) -> list:
    if not (isinstance(value, list) and value):
        raise ValueError("must be a list with at least one entry, like [\"123-456-7890\"]")
    return value


def _identifier(value):
    if isinstance(value, bool) or not isinstance(value, (str, int)) or str(value).strip() == "":
        raise ValueError(f"{value!r} is not an id (digits or text)")
    return value


def _page_size(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 1_000_000:
        raise ValueError(f"{value!r} is not a whole number of rows between 1 and 1000000")
    return value


EnvName = Annotated[str, PlainValidator(_env_name)]
Entries = Annotated[list, PlainValidator(_entries)]
Identifier = Annotated[Any, PlainValidator(_identifier)]
PageSize = Annotated[int, PlainValidator(_page_size)]


class SourceOptions(BaseModel):
    """A connector's own keys in a sources.yml source (besides name, type and the pull settings)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    def secret_names(self) -> list[str]:
        """The environment variables this source's credentials are read from, in the connector's field order."""
        return [value for key, value in self if key.endswith("_env") and value]

    def given(self, *keys: str) -> dict:
        """The optional settings among `keys` that the source sets, as keyword arguments: the ones it leaves out
        take the connector's own default."""
        return {key: getattr(self, key) for key in keys if getattr(self, key) is not None}


class Credentials(Protocol):
    """How a connector reaches its credentials; the caller reads them from the environment."""

    def secret(self, variable: str, what: str) -> str:
        """The value of the environment variable `variable` (an option's `*_env` value)."""
        ...

    def rotating(self, variable: str):
        """A refresh token that the platform replaces at each refresh (connectors.token_store.RefreshToken)."""
        ...


@dataclass(frozen=True)
class Setup:
    """What a connector is built with besides its options."""

    name: str  # the source's name in sources.yml
    credentials: Credentials
    http: dict  # the HTTP client's limits (timeout, rate, time budget, pages)
    base: dict  # {"base_url": ...} when sources.yml points the source elsewhere, else {}

    def secret(self, variable: str, what: str) -> str:
        return self.credentials.secret(variable, what)


@dataclass(frozen=True)
class Connector:
    type: str  # sources.yml's `type:`
    title: str  # the platform and API, as docs/connectors.md names it
    options: type[SourceOptions]
    build: Callable[[Any, Setup], Any]  # (options, setup) → the ApiSource
    fills: tuple[str, ...]  # canonical tables; () when an option (`kind`) names it

    def tables(self, options: SourceOptions) -> tuple[str, ...]:
        return self.fills or (options.kind,)


def filled_by(source_class) -> tuple[str, ...]:
    """The canonical tables a connector class's streams land in."""
    return tuple(stream.kind for stream in source_class.streams)

"""How mkpi.yml, sources.yml and kpi.yml are read and checked: one way for all three.

`LocatedYaml` reads a file with the line of every value (and refuses a key written twice, which
YAML would silently overwrite); a pydantic model per file says what is allowed; `validate` turns
the first problem pydantic finds into one line an analyst can act on: file, line, key, what is
wrong. A check that spans several keys raises `At(key, message)` so the line is the key's.
"""

from __future__ import annotations

import datetime as dt
import functools
import types
import typing
import zoneinfo
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from connectors.source_options import OptionError


def read_once_per_version(load_fn):
    """A loader that parses a file once per version of it (path, size, modification time): a run asks for
    its settings from many steps, and a file edited between two runs of one process is read again. A
    file that fails is not remembered, so its error is raised each time."""
    known: dict[str, tuple] = {}

    @functools.wraps(load_fn)
    def load_file(path):
        try:
            resolved = Path(path).resolve()
            stat = resolved.stat()
        except (OSError, TypeError):  # absent (defaults) or no path: nothing to remember
            return load_fn(path)
        version = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
        kept = known.get(str(resolved))
        if kept is None or kept[0] != version:
            known[str(resolved)] = kept = (version, load_fn(path))
        return kept[1]

    return load_file


class ConfigFileError(ValueError):
    """A configuration file that cannot be used; the message is one line naming file, line and key."""


# A problem with the key (or path of keys, relative to the model being checked) `path`: one class for the
# three files and the connectors' own settings in sources.yml.
At = OptionError


class Section(BaseModel):
    """A part of a file: only the keys it declares, values of the declared type as YAML wrote them.
    A key left empty (`as_of_date:`), or a section whose keys are all commented out, means the default."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _empty_means_default(cls, value):
        if value is None:
            return {}
        return {k: v for k, v in value.items() if v is not None} if isinstance(value, dict) else value


class LocatedYaml:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.lines: dict[tuple, int] = {}
        try:
            text = self.path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise ConfigFileError(f"{self.path}: the file does not exist") from None
        except (OSError, UnicodeDecodeError) as err:
            raise ConfigFileError(f"{self.path}: the file cannot be read as UTF-8 text ({type(err).__name__})") from None
        try:
            node = yaml.compose(text)
        except yaml.YAMLError as err:
            mark = getattr(err, "problem_mark", None)
            raise ConfigFileError(f"{self.path}{f', line {mark.line + 1}' if mark else ''}: not valid YAML "
                                  f"({getattr(err, 'problem', err)})") from None
        self.data = self._build(node, ()) if node is not None else {}

    def _build(self, node, path: tuple):
        self.lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key_node, _ in node.value:
                key, line = str(key_node.value), key_node.start_mark.line + 1
                if key in seen:
                    raise ConfigFileError(f"{self.path}, line {line}: '{key}' appears twice here (first on line "
                                          f"{seen[key]}); keep one")
                seen[key] = line
            return {str(k.value): self._build(v, path + (str(k.value),)) for k, v in node.value}
        if isinstance(node, yaml.SequenceNode):
            return [self._build(v, path + (i,)) for i, v in enumerate(node.value)]
        if node.tag == "tag:yaml.org,2002:null":
            return None  # `key:` with nothing after it serializes to a document YAML cannot read back
        return yaml.safe_load(yaml.serialize(node))

    def where(self, path: tuple) -> str:
        """'kpi.yml, line 12, roles.sem.kpis[2].weight' for the nearest located part of `path`."""
        line = next((self.lines[path[:n]] for n in range(len(path), -1, -1) if path[:n] in self.lines), None)
        dotted = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")
        return f"{self.path}" + (f", line {line}" if line else "") + (f", {dotted}" if dotted else "")


def load(path: Path, model: type[BaseModel], error: type[ConfigFileError], context: dict | None = None):
    """Read `path` and check it against `model`; a problem raises `error` with its file, line and key."""
    try:
        doc = LocatedYaml(path)
    except ConfigFileError as err:
        raise error(str(err)) from None
    return doc, validate(doc, model, error, context)


def validate(doc: LocatedYaml, model: type[BaseModel], error: type[ConfigFileError], context: dict | None = None):
    if not isinstance(doc.data, dict):
        raise error(f"{doc.where(())}: expected settings as 'key: value' lines")
    try:
        return model.model_validate(doc.data, context=context)
    except ValidationError as err:
        raise error(explain(err.errors(include_url=False)[0], model, doc)) from None


def explain(problem: dict, model: type[BaseModel], doc: LocatedYaml) -> str:
    """One pydantic error as '<file>, line N, <key>: <what is wrong>'."""
    loc, message = located(problem, model)
    return f"{doc.where(loc)}: {message}"


def located(problem: dict, model: type[BaseModel]) -> tuple[tuple, str]:
    """One pydantic error of `model` as (the path of the key it is about, what is wrong)."""
    loc, kind, value = tuple(problem["loc"]), problem["type"], problem.get("input")
    cause = (problem.get("ctx") or {}).get("error")
    if isinstance(cause, At):
        return loc + cause.path, str(cause)
    if kind in ("value_error", "assertion_error") and cause is not None:
        return loc, str(cause)
    if kind == "extra_forbidden":
        return loc, f"unknown setting (allowed here: {', '.join(fields_at(model, loc[:-1]))})"
    if kind == "missing":
        return loc[:-1], f"'{loc[-1]}' is required"
    return loc, _type_problem(kind, value, problem)


_TYPE_WORDS = {
    ("int_type", "int_parsing", "int_from_float"): "is not a whole number",
    ("float_type", "float_parsing"): "is not a number",
    ("bool_type", "bool_parsing"): "is true or false, without quotes",
    ("string_type",): "is not text",
    ("date_type", "date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact"):
        "is not a date written as YYYY-MM-DD",
    ("list_type", "tuple_type"): "must be a list (one '- item' per line, or [a, b])",
    ("dict_type", "model_type", "model_attributes_type"): "expected 'key: value' lines here",
}
_BOUNDS = {"greater_than": ">", "greater_than_equal": ">=", "less_than": "<", "less_than_equal": "<="}


def _type_problem(kind: str, value, problem: dict) -> str:
    for kinds, words in _TYPE_WORDS.items():
        if kind in kinds:
            return f"{value!r} {words}"
    if kind in _BOUNDS:
        limit = next(iter((problem.get("ctx") or {}).values()), "")
        return f"{value!r} must be {_BOUNDS[kind]} {limit}"
    if kind == "literal_error":
        return f"{value!r} is not one of {(problem.get('ctx') or {}).get('expected', '')}"
    return f"{value!r}: {problem['msg']}"


def fields_at(model: type[BaseModel], loc: tuple) -> list[str]:
    """The keys the model allows at `loc` (walking nested models, lists and mappings)."""
    kind = model
    for part in loc:
        kind = _inner(kind, part)
        if kind is None:
            return []
    if not (isinstance(kind, type) and issubclass(kind, BaseModel)):
        return []
    return [field.alias or name for name, field in kind.model_fields.items()]


def _inner(kind, part):
    kind = _unwrap(kind)
    if isinstance(kind, type) and issubclass(kind, BaseModel):
        fields = {field.alias or name: field for name, field in kind.model_fields.items()}
        return _unwrap(fields[part].annotation) if part in fields else None
    args = [a for a in typing.get_args(kind) if a is not Ellipsis]
    return _unwrap(args[-1]) if args else None  # list[X], tuple[X, ...], dict[str, X] → X


def _unwrap(kind):
    """Optional[X] and Annotated[X, ...] → X."""
    while True:
        origin = typing.get_origin(kind)
        if origin is typing.Annotated:
            kind = typing.get_args(kind)[0]
        elif origin in (typing.Union, types.UnionType):
            kind = next(a for a in typing.get_args(kind) if a is not type(None))
        else:
            return kind


def non_negative_number(value):
    """A number of 0 or more (ints and decimals alike), else a one-line ValueError."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ValueError(f"{value!r} is not a non-negative number")
    return value


def timezone_name(value) -> str:
    """An IANA time zone name, else a one-line ValueError."""
    try:
        zoneinfo.ZoneInfo(str(value))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{value!r} is not a time zone name (for example UTC, Asia/Shanghai, America/New_York)") from None
    return str(value)


def iso_date(value, what: str = "") -> dt.date:
    """A date as YAML reads 2026-01-01, or text in that form."""
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"{what}{value!r} is not a date written as YYYY-MM-DD") from None

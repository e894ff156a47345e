"""Any JSON-over-HTTP reporting API, described in sources.yml instead of code (LinkedIn, TikTok...): the
request with {start}/{end}/{since}/{account} placeholders, where the records are in the response, how it
pages, which response field fills which canonical column, and what a failure looks like.

Many such APIs answer HTTP 200 with an error inside (a status field in an envelope): with `error` set,
such an answer fails the pull, so the days it would have replaced keep their last good rows. A response
without its records path fails too: "no data" must be an empty list, never a missing key. Page and
offset paging end on an empty page or once `total_path`'s count is reached, never on a short page (a
server may cap the page size below the one asked for)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from pydantic import Field, model_validator

from connectors.api_source import DAYS, RECORDS, Page, Stream, Window
from connectors.http_core import BearerToken, HeaderToken, HttpClient, PlatformError, next_offset, next_page
from connectors.kinds import KINDS
from connectors.source_options import ENV_NAME, Connector, OptionError, Setup, SourceOptions

PAGING_STYLES = ("none", "page", "offset", "cursor", "next_url")


@dataclass(frozen=True)
class Paging:
    style: str = "none"
    param: str = "page"  # page: the page-number parameter; offset: the offset parameter; cursor: the cursor parameter
    size_param: str | None = None
    size: int = 100
    first_page: int = 1
    cursor_path: str | None = None  # cursor: where the next cursor is in the response
    next_url_path: str | None = None  # next_url: where the next page's full URL is
    total_path: str | None = None  # page, offset: where the number of records of the whole listing is


@dataclass(frozen=True)
class Envelope:
    """Where an answer says whether it succeeded: `path`'s value is one of `ok` (compared as text)."""
    path: str
    ok: tuple = ("0",)
    message_path: str | None = None


@dataclass(frozen=True)
class JsonApiSpec:
    kind: str
    url: str
    records_path: str
    fields: dict  # canonical column → dotted path in a record
    method: str = "GET"
    params: dict = field(default_factory=dict)
    body: dict | None = None
    constants: dict = field(default_factory=dict)  # canonical column → fixed value (platform, currency)
    paging: Paging = Paging()
    mode: str = DAYS
    key: str | None = None
    accounts: tuple = ("default",)
    error: Envelope | None = None


def dig(document, dotted: str | None):
    """`data.list` → document['data']['list']; numbers index lists; a missing step gives None."""
    value = document
    for part in (dotted or "").split(".") if dotted else []:
        if isinstance(value, dict):
            value = value.get(part)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def _fill(template, values: dict):
    """Replace {start}/{end}/{since}/{account} in every string of a params or body template."""
    if isinstance(template, dict):
        return {k: _fill(v, values) for k, v in template.items()}
    if isinstance(template, list):
        return [_fill(v, values) for v in template]
    if isinstance(template, str):
        for name, value in values.items():
            template = template.replace("{" + name + "}", value)
    return template


class JsonApi:
    platform = "json_api"

    def __init__(self, name: str, spec: JsonApiSpec, *, auth=None, credential_env: str | None = None, **http_options):
        self.name, self.spec = name, spec
        self.streams = [Stream(spec.kind, spec.mode, spec.key)]
        url = urlsplit(spec.url)
        self.path = url.path
        self.http = HttpClient(name, f"{url.scheme}://{url.netloc}", auth=auth, credential_env=credential_env,
                               **http_options)

    def pages(self, stream: Stream, window: Window) -> Iterator[Page]:
        number = 0
        for account in self.spec.accounts:
            values = {"account": str(account),
                      "start": window.start.isoformat() if window.start else "",
                      "end": window.end.isoformat(),
                      "since": window.modified_since.isoformat() if window.modified_since else ""}
            for page in self.http.paginate(lambda token, v=values, a=str(account): self._fetch(token, v, a)):
                number += 1
                page.number = number
                yield page

    def _fetch(self, token, values: dict, account: str):
        spec, paging = self.spec, self.spec.paging
        params, body, path = _fill(spec.params, values), _fill(spec.body, values), self.path
        position, seen = token if isinstance(token, tuple) else (None, 0)
        extra = {}
        if paging.style == "page":
            extra[paging.param] = position or paging.first_page
        elif paging.style == "offset":
            extra[paging.param] = position or 0
        elif paging.style == "cursor" and token:
            extra[paging.param] = token
        if paging.size_param:
            extra[paging.size_param] = paging.size
        if paging.style == "next_url" and token:
            url = urlsplit(token)
            path, params, extra = url.path + (f"?{url.query}" if url.query else ""), {}, {}
        if body is not None:
            body = {**body, **extra}
        else:
            params = {**params, **{k: str(v) for k, v in extra.items()}}
        response = self.http.request(spec.method, path, params=params or None,
                                     json=body if body is not None else None)
        payload = self.http.json_of(response, spec.method, path)
        self._check_envelope(payload)
        records = dig(payload, spec.records_path)
        if records is None:
            keys = ", ".join(sorted(payload)) if isinstance(payload, dict) else type(payload).__name__
            raise PlatformError(f"{self.name}: the answer has no '{spec.records_path}' (it has: {keys}), so nothing "
                                "was stored: set `records` in sources.yml to where the rows are, or `error` to where "
                                "the API says what went wrong")
        if not isinstance(records, list):
            raise PlatformError(f"{self.name}: '{spec.records_path}' in the response is not a list of records")
        rows = [{**spec.constants, **{col: dig(r, p) for col, p in spec.fields.items()}} for r in records]
        request = f"{spec.method} {path.split('?')[0]} {json.dumps({'params': params, 'body': body}, sort_keys=True)}"
        page = Page(account, 0, request, response.text, rows)
        return [page], self._next(position, seen + len(records), payload, len(records))

    def _check_envelope(self, payload) -> None:
        error = self.spec.error
        if error is None:
            return
        status = dig(payload, error.path)
        if status is None or str(status) not in error.ok:
            said = dig(payload, error.message_path) if error.message_path else None
            raise PlatformError(f"{self.name}: the API answered with an error ({error.path} = {status!r}"
                                + (f": {str(said)[:300]}" if said else "") + "), so nothing was stored; the days "
                                "keep their last good data")

    def _next(self, position, seen: int, payload, count: int):
        """The next page's (position, records so far), or None at an empty page or the listing's total."""
        paging = self.spec.paging
        if paging.style in ("page", "offset"):
            total = dig(payload, paging.total_path) if paging.total_path else None
            total = int(total) if total is not None else None
            following = next_offset(position or 0, count, total) if paging.style == "offset" else \
                next_page(position or paging.first_page, received=count, seen=seen, total=total)
            return None if following is None else (following, seen)
        if paging.style == "cursor":
            return dig(payload, paging.cursor_path) or None
        if paging.style == "next_url":
            return dig(payload, paging.next_url_path) or None
        return None

    def check(self) -> str:
        """The first page of yesterday's report."""
        yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
        account = str(self.spec.accounts[0])
        self._fetch(None, {"account": account, "start": yesterday, "end": yesterday, "since": yesterday}, account)
        return "reachable"


PAGING_KEYS = set(Paging.__dataclass_fields__)
ERROR_KEYS = {"path", "ok", "message"}


class Options(SourceOptions):
    kind: Any = Field(description="the canonical table the records land in (ad_spend, leads, ...)")
    url: Any = Field(description="the request URL; {start}, {end}, {since} and {account} are filled in")
    records: Any = Field(description="where the list of records is in the answer, like data.list")
    fields: Any = Field(description="canonical column → the record's field, like `spend: metrics.spend`")
    method: Any = Field(None, description="GET (default) or POST")
    params: Any = Field(None, description="query parameters (placeholders filled in)")
    body: Any = Field(None, description="a POST's JSON body (placeholders filled in)")
    constants: Any = Field(None, description="canonical column → a fixed value, like `currency: USD`")
    paging: Any = Field(None, description=f"style ({', '.join(PAGING_STYLES)}) and its settings: "
                                          f"{', '.join(sorted(PAGING_KEYS - {'style'}))}")
    mode: Any = Field(None, description=f"{DAYS} (default: re-fetched days replace stored days) or {RECORDS} "
                                        "(replace by key)")
    key: Any = Field(None, description="records mode: the canonical column that identifies a record")
    accounts: Any = Field(None, description="values for {account}, one request series each")
    auth: Any = Field(None, description="secret_env naming the variable with the secret, and optionally header "
                                        "(default Authorization) and prefix (default \"Bearer \")")
    error: Any = Field(None, description="path to the answer's status, ok (the value or values that mean "
                                         "success, default 0) and message (where the error's text is)")

    def secret_names(self) -> list[str]:
        return [self.auth["secret_env"]] if self.auth else []

    @model_validator(mode="after")
    def _described_fully(self):
        if self.kind not in KINDS:
            raise OptionError("kind", f"kind must be a canonical table: {', '.join(KINDS)}")
        self._check_fields()
        self._check_mode()
        self._check_request()
        return self

    def _check_fields(self) -> None:
        columns = {c.name for c in KINDS[self.kind].columns}
        if not isinstance(self.fields, dict):
            raise OptionError("fields", "fields maps canonical columns to response fields, like `spend: cost`")
        mapped = {**(self.constants or {}), **self.fields}
        for column in mapped:
            if column not in columns:
                raise OptionError("fields", f"{column!r} is not a column of {self.kind} "
                                            f"({', '.join(sorted(columns))})")
        missing = [c for c in KINDS[self.kind].required if c not in mapped]
        if missing:
            raise OptionError("fields", f"{self.kind} needs {missing[0]!r} from a field or a constant")

    def _check_mode(self) -> None:
        mode, columns = self.mode or DAYS, {c.name for c in KINDS[self.kind].columns}
        if mode not in (DAYS, RECORDS):
            raise OptionError("mode", f"mode is {DAYS} (re-fetched days replace stored days) or {RECORDS} "
                                      "(replace by key)")
        if mode == DAYS and "date" not in columns:
            raise OptionError("mode", f"{self.kind} has no date column; use mode: {RECORDS} with a key")
        if mode == RECORDS and self.key not in columns:
            raise OptionError("key", "records mode needs key: the canonical column that identifies a record")

    def _check_request(self) -> None:
        paging = self.paging or {}
        if not isinstance(paging, dict) or paging.get("style", "none") not in PAGING_STYLES:
            raise OptionError("paging", f"paging.style is one of {', '.join(PAGING_STYLES)}")
        unknown = sorted(set(paging) - PAGING_KEYS)
        if unknown:
            raise OptionError("paging", f"{unknown[0]!r} is not a paging setting ({', '.join(sorted(PAGING_KEYS))})")
        error = self.error
        if error is not None and not (isinstance(error, dict) and error.get("path") and set(error) <= ERROR_KEYS):
            raise OptionError("error", "error needs path (where the answer's status is), and optionally ok (the "
                                       "value or values that mean success, default 0) and message (where the "
                                       "error's text is)")
        if str(self.method or "GET").upper() not in ("GET", "POST"):
            raise OptionError("method", "method is GET or POST")
        auth = self.auth
        if auth is not None and not (isinstance(auth, dict) and ENV_NAME.fullmatch(str(auth.get("secret_env", "")))):
            raise OptionError("auth", "auth needs secret_env naming the environment variable (and optionally header "
                                      "and prefix)")

    def described(self) -> JsonApiSpec:
        error = self.error
        envelope = Envelope(error["path"], tuple(str(v) for v in _listed(error.get("ok", 0))), error.get("message")) \
            if error else None
        return JsonApiSpec(
            kind=self.kind, url=self.url, records_path=self.records, fields=self.fields,
            method=str(self.method or "GET").upper(), params=self.params or {}, body=self.body,
            constants=self.constants or {}, paging=Paging(**(self.paging or {})), mode=self.mode or DAYS, key=self.key,
            accounts=tuple(self.accounts or ["default"]), error=envelope)


def _listed(value) -> list:
    return value if isinstance(value, list) else [value]


def build(o: Options, setup: Setup) -> JsonApi:
    auth, credential_env = None, None
    if o.auth:
        credential_env = o.auth["secret_env"]
        value = setup.secret(credential_env, "auth")
        header, prefix = o.auth.get("header", "Authorization"), o.auth.get("prefix", "Bearer ")
        auth = BearerToken(value) if (header, prefix) == ("Authorization", "Bearer ") else HeaderToken(header,
                                                                                                     prefix + value)
    return JsonApi(setup.name, o.described(), auth=auth, credential_env=credential_env, **setup.http)


CONNECTOR = Connector("json_api", "any JSON reporting API, described in sources.yml", Options, build, ())

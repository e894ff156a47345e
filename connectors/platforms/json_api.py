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
from urllib.parse import urlsplit

from connectors.api_source import DAYS, Page, Stream, Window
from connectors.http_core import HttpClient, PlatformError, next_offset

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
            if paging.style == "offset":
                following = next_offset(position or 0, count, total)
                return None if following is None else (following, seen)
            if count == 0 or (total is not None and seen >= total):
                return None
            return (position or paging.first_page) + 1, seen
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

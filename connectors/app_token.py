"""An access token a platform issues in exchange for app credentials (Ocean Engine, Tencent Ads, Baidu, WeChat):
fetched when first needed, reused by every call until shortly before it expires, and fetched again
once when the platform says it is no longer valid (HttpClient calls `renew`).

The token goes where the platform wants it (a header, the query string, or the JSON body); `place` puts it there
when requests prepares each send, so a renewed token reaches the retried request. The query string
never appears in an error message (http_core names the path only), and tokens are never logged.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable

from requests.auth import AuthBase

RENEW_BEFORE = 300  # seconds before the stated expiry at which a new token is fetched


class AppToken(AuthBase):
    def __init__(self, fetch: Callable[[], tuple[str, float]], place: Callable[[object, str], None],
                 refetch: Callable[[], tuple[str, float]] | None = None):
        """`fetch()` returns (token, seconds it is valid); `place(prepared_request, token)` attaches it;
        `refetch()`, if given, replaces `fetch` once the platform has refused the token (WeChat's forced refresh)."""
        self.fetch, self.place, self.refetch = fetch, place, refetch or fetch
        self.value: str | None = None
        self.expires_at = 0.0

    def token(self) -> str:
        if self.value is None or time.monotonic() > self.expires_at - RENEW_BEFORE:
            self.value, seconds = self.fetch()
            self.expires_at = time.monotonic() + seconds
        return self.value

    def renew(self) -> bool:
        self.value, seconds = self.refetch()
        self.expires_at = time.monotonic() + seconds
        return True

    def __call__(self, request):
        self.place(request, self.token())
        return request


def in_header(name: str) -> Callable[[object, str], None]:
    def place(request, token: str) -> None:
        request.headers[name] = token
    return place


def in_query(name: str = "access_token", **extra: Callable[[], str]) -> Callable[[object, str], None]:
    """The token as a query parameter, with `extra` parameters computed for each send (timestamp, nonce)."""
    def place(request, token: str) -> None:
        request.prepare_url(request.url, {name: token, **{key: make() for key, make in extra.items()}})
    return place


def in_json_body(*path: str) -> Callable[[object, str], None]:
    """The token inside the JSON body, at `path` (Baidu: header.accessToken), set again on each send."""
    def place(request, token: str) -> None:
        payload = json.loads(request.body)
        where = payload
        for key in path[:-1]:
            where = where.setdefault(key, {})
        where[path[-1]] = token
        request.prepare_body(data=None, files=None, json=payload)
    return place

"""The HTTP core every API connector shares: one `requests.Session` with retries with exponential
backoff and jitter (honouring a bounded Retry-After), a per-platform rate limit, paging that stops on
a repeated cursor or at a page cap, and errors that say which platform, which request and what to do.

Every request goes through bounded_http.send: a deadline for the whole answer, a size cap after
decompression, redirects only within the origin. A client also has a time budget: the seconds its
requests and waits may take in all (a source's night), so no server can stall the run.

Credentials arrive as values (the pipeline reads them from the environment variables the config
names); only the variable's name ever appears in a message. Request URLs in messages carry the
path, never the query string, which is where some platforms put tokens.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

import requests
from requests.auth import AuthBase

from connectors.bounded_http import MAX_BODY_BYTES, Deadline, ResponseRefused, send

MAX_RETRY_AFTER = 120.0  # seconds; a server asking for longer is not waited for tonight
TIME_BUDGET = 1800.0  # seconds a source's requests and waits may take in one night
MAX_PAGES = 5000  # pages of one listing
RETRYABLE_STATUS = {429, 500, 502, 503, 504}
# What a platform's own error code means beyond the HTTP status (several answer every error with HTTP 200
# and a code in the body): try again later, the credential is refused, or the request failed for good.
RETRY, REFUSED, FAILED = "retry", "refused", "failed"


class PlatformError(Exception):
    """A platform request that failed for good; the message is safe to log and says what to do."""


class BearerToken(AuthBase):
    def __init__(self, token: str):
        self.token = token

    def __call__(self, request):
        request.headers["Authorization"] = f"Bearer {self.token}"
        return request


class HeaderToken(AuthBase):
    """A credential sent in a named header (Google Ads developer-token, custom APIs)."""

    def __init__(self, header: str, token: str):
        self.header, self.token = header, token

    def __call__(self, request):
        request.headers[self.header] = self.token
        return request


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5  # for a connection error, a timeout or a 5xx
    throttled_attempts: int = 12  # for throttling (429 or the platform's own code): waits it asks for, within the budget
    base_delay: float = 1.0  # seconds; doubles each attempt
    max_delay: float = 60.0
    jitter: float = 0.25  # up to this share of the delay is added at random, so clients do not stampede


class HttpClient:
    def __init__(self, platform: str, base_url: str, *, auth: AuthBase | None = None, credential_env: str | None = None,
                 timeout: float = 30.0, retry: RetryPolicy = RetryPolicy(), requests_per_second: float | None = None,
                 sleep: Callable[[float], None] = time.sleep,
                 classify: Callable[[requests.Response], str | None] | None = None,
                 pause_after: Callable[[requests.Response], float] | None = None,
                 time_budget: float = TIME_BUDGET, max_pages: int = MAX_PAGES, max_body_bytes: int = MAX_BODY_BYTES,
                 max_retry_after: float = MAX_RETRY_AFTER):
        """`classify` reads a platform's answer, errors and HTTP 200 alike (RETRY for throttling, REFUSED for a
        bad credential, FAILED for any other error code in the body), where the HTTP status alone does not
        tell; `pause_after` turns a platform's usage headers into a pause. An `auth` with a `renew()` method
        (a token the platform issues) is renewed once when the platform refuses it, and the request sent again.
        `timeout` bounds one request from connect to its last byte; `time_budget` all of them and the waits."""
        self.platform = platform
        self.base_url = base_url.rstrip("/")
        self.credential_env = credential_env
        self.timeout = timeout
        self.retry = retry
        self.min_interval = 1.0 / requests_per_second if requests_per_second else 0.0
        self.sleep = sleep
        self.session = requests.Session()
        self.session.auth = auth
        self._last_request = 0.0
        self.classify = classify
        self.pause_after = pause_after
        self.time_budget, self.max_pages, self.max_retry_after = time_budget, max_pages, max_retry_after
        self.max_body_bytes = max_body_bytes
        self._spent = 0.0  # seconds of requests and waits so far, against time_budget

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        """Send, retrying connection errors, timeouts, 429 and 5xx; raise PlatformError when it cannot succeed."""
        where = f"{self.platform}: {method} {path.split('?')[0]}"
        renewed, limit = False, self.retry.attempts
        for attempt in range(1, max(self.retry.attempts, self.retry.throttled_attempts) + 1):
            self._respect_rate_limit()
            deadline = min(self.timeout, self.time_budget - self._spent)
            if deadline <= 0:
                raise PlatformError(self._out_of_time(where))
            started = time.monotonic()
            try:
                response = send(self.session, method, self.base_url + path, deadline=deadline,
                                max_bytes=self.max_body_bytes, **kwargs)
            except (requests.ConnectionError, requests.Timeout) as err:
                problem, wait, limit = _problem(err), self._backoff(attempt), self.retry.attempts
            except ResponseRefused as err:
                raise PlatformError(f"{where}: {err}") from None
            else:
                verdict = self.classify(response) if self.classify else None
                if response.status_code < 400 and verdict is None:
                    if self.pause_after:
                        self._pause(self.pause_after(response))
                    return response
                if verdict == REFUSED or (verdict is None and response.status_code in (401, 403)):
                    if not renewed and self._renew():
                        renewed = True
                        continue
                    raise PlatformError(self._refused(where, response))
                if verdict == FAILED or (verdict != RETRY and response.status_code not in RETRYABLE_STATUS):
                    raise PlatformError(f"{where} failed with HTTP {response.status_code}{_detail(response)}")
                problem = f"HTTP {response.status_code}{_detail(response)}"
                throttled = verdict == RETRY or response.status_code == 429
                limit = self.retry.throttled_attempts if throttled else self.retry.attempts
                # A throttled answer's hints count too: Retry-After, and the platform's usage headers.
                asked = max(_retry_after(response), self.pause_after(response) if self.pause_after else 0.0)
                if asked > self.max_retry_after:
                    raise PlatformError(f"{where} asked to wait {asked:,.0f} s before trying again ({problem}); "
                                        f"mkpi waits at most {self.max_retry_after:g} s: try again later")
                wait = max(self._backoff(attempt), asked)
            finally:
                self._spent += time.monotonic() - started
            if attempt >= limit:
                break
            if self._spent + wait > self.time_budget:
                raise PlatformError(self._out_of_time(where, problem))
            self._spent += wait
            self.sleep(wait)
        raise PlatformError(f"{where} failed after {attempt} attempts ({problem}); "
                            f"the platform may be down or rate-limiting: try again later")

    def _out_of_time(self, where: str, problem: str | None = None) -> str:
        last = f" (last: {problem})" if problem else ""
        return (f"{where}: stopped after {self._spent:,.0f} s, the source's time budget of {self.time_budget:g} s "
                f"for one night{last}; it keeps its last good data and is pulled again next night")

    def paginate(self, fetch: Callable[[object], tuple[Iterable, object]]) -> Iterator:
        """`paginate` for this client's platform, stopping at its page cap."""
        return paginate(self.platform, fetch, self.max_pages)

    def json(self, method: str, path: str, **kwargs):
        return self.json_of(self.request(method, path, **kwargs), method, path)

    def json_of(self, response: requests.Response, method: str, path: str):
        try:
            return response.json()
        except ValueError:
            snippet = response.text[:80].replace("\n", " ")
            raise PlatformError(f"{self.platform}: {method} {path.split('?')[0]} returned malformed JSON "
                                f"({snippet!r}…)") from None

    def _backoff(self, attempt: int) -> float:
        delay = min(self.retry.max_delay, self.retry.base_delay * 2 ** (attempt - 1))
        return delay + random.uniform(0, self.retry.jitter * delay)

    def _pause(self, seconds: float) -> None:
        if seconds > 0:
            self.sleep(seconds)

    def _renew(self) -> bool:
        renew = getattr(self.session.auth, "renew", None)
        return bool(renew and renew())

    def _respect_rate_limit(self) -> None:
        wait = self._last_request + self.min_interval - time.monotonic()
        if wait > 0:
            self.sleep(wait)
        self._last_request = time.monotonic()

    def _refused(self, where: str, response: requests.Response) -> str:
        credential = f"the credential in ${self.credential_env}" if self.credential_env else "its credential"
        return (f"{where} was refused (HTTP {response.status_code}{_detail(response)}): "
                f"{credential} is invalid, expired or lacks the permission (scope) this request needs")


def _problem(err: Exception) -> str:
    """A timeout or connection error in a few words; requests' own text would quote the URL, query and all."""
    return f"Timeout: {err}" if isinstance(err, Deadline) else type(err).__name__


def _retry_after(response: requests.Response) -> float:
    """Retry-After as seconds, from either of its two forms (seconds or an HTTP date)."""
    value = response.headers.get("Retry-After")
    if not value:
        return 0.0
    try:
        return max(0.0, float(value))
    except ValueError:
        try:
            return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
        except (TypeError, ValueError):
            return 0.0


def _detail(response: requests.Response) -> str:
    detail = _error_detail(response)
    return f": {detail}" if detail else ""


def _error_detail(response: requests.Response) -> str:
    """The platform's own error code and message when it sends them: JSON `error.message`, `code` and
    `message`/`msg`, WeChat's `errcode` and `errmsg`, Baidu's `header.failures`."""
    try:
        payload = response.json()
    except ValueError:
        return ""
    if not isinstance(payload, dict):
        return ""
    error = payload.get("error")
    if isinstance(error, dict):
        return str(error.get("message", ""))[:200]
    failures = (payload.get("header") or {}).get("failures") if isinstance(payload.get("header"), dict) else None
    if failures and isinstance(failures[0], dict):
        payload = failures[0]
    code = next((payload[k] for k in ("code", "errcode") if payload.get(k) not in (None, 0, "0")), None)
    message = str(payload.get("message") or payload.get("errmsg") or payload.get("msg") or error or "")
    return (f"code {code}: {message}" if code is not None else message)[:200]


def next_offset(offset: int, received: int, total: int | None) -> int | None:
    """Offset paging's next start, for `paginate`: None after an empty page, or once the listing's `total`
    (when the API gives one) is reached; a short page alone never ends a listing (servers cap page sizes)."""
    reached = offset + received
    return None if received == 0 or (total is not None and reached >= total) else reached


def next_page(page: int, *, last_page: int | None = None, received: int = 0, seen: int = 0,
              total: int | None = None) -> int | None:
    """Page-number paging's next page, for `paginate`. An API that says how many pages the listing has
    (`last_page`) ends there; otherwise the listing ends on an empty page or once the records `seen` so far
    reach its `total` (when given), never on a short page."""
    if last_page is not None:
        return page + 1 if page < last_page else None
    return None if received == 0 or (total is not None and seen >= total) else page + 1


def paginate(platform: str, fetch: Callable[[object], tuple[Iterable, object]], max_pages: int = MAX_PAGES) -> Iterator:
    """Yield every item of every page; `fetch(token)` returns (items, next token or None).

    A next token equal to one already used means the API is looping, and more than `max_pages`
    pages means it does not end: stop with an error rather than loop forever or silently return a
    truncated set.
    """
    seen: set = set()
    token = None
    for _ in range(max_pages):
        items, next_token = fetch(token)
        yield from items
        if next_token in (None, ""):
            return
        key = json.dumps(next_token, sort_keys=True, default=str)
        if key in seen:
            raise PlatformError(f"{platform}: the API returned the page cursor {str(next_token)[:40]!r} twice; "
                                "stopping instead of looping (report this to the platform)")
        seen.add(key)
        token = next_token
    raise PlatformError(f"{platform}: more than {max_pages:,} pages in one listing; stopping (a page size too small, "
                        "or an API that never says it is done)")

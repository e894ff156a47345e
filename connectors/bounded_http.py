"""One HTTP request that a broken or hostile server cannot turn against the night.

- **Credentials stay with their origin.** Redirects are followed by hand and only within the origin
  (scheme, host and port) the request was made to; one to another origin is refused before anything
  is sent there, so no token in a header, the query or the body follows it. requests itself drops
  only the Authorization header on a cross-host redirect.
- **A deadline for the whole answer.** requests' timeout bounds each socket read, so a body trickling
  a byte every few seconds never ends; here the body is read a piece at a time against one deadline
  from the first connect.
- **A size cap after decompression.** A small gzip body can inflate to gigabytes; the body is
  decompressed piece by piece and refused past the cap.
"""

from __future__ import annotations

import time
from urllib.parse import urljoin, urlsplit

import requests
import urllib3

MAX_BODY_BYTES = 64 * 2**20
MAX_REDIRECTS = 5
_PIECE = 16 * 1024  # decompressed at a time: a bomb costs at most about a thousand times this before the check


class ResponseRefused(Exception):
    """An answer mkpi will not use (another origin, too large, too many redirects); not worth retrying."""


class Deadline(requests.Timeout):
    """The whole answer did not arrive in time; its message says so without the URL (a Timeout, retried)."""


def origin(url: str) -> str:
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme.lower(), 0)
    return f"{parts.scheme.lower()}://{(parts.hostname or '').lower()}:{port}"


def send(session: requests.Session, method: str, url: str, *, deadline: float, max_bytes: int = MAX_BODY_BYTES,
         max_redirects: int = MAX_REDIRECTS, **kwargs) -> requests.Response:
    """The response with its whole body read, within `deadline` seconds from the first connect. Raises
    Deadline (a requests.Timeout) past the deadline, requests.ConnectionError when the connection fails, and
    ResponseRefused for a redirect to another origin, too many redirects or a body over `max_bytes`."""
    end = time.monotonic() + deadline
    for _ in range(max_redirects + 1):
        remaining = end - time.monotonic()
        if remaining <= 0:
            raise Deadline(f"no complete answer within {deadline:g} s")
        response = session.request(method, url, timeout=(remaining, remaining), stream=True, allow_redirects=False,
                                   **kwargs)
        if not response.is_redirect:
            _read_body(response, end, deadline, max_bytes)
            return response
        target = urljoin(response.url, response.headers["Location"])
        response.close()
        if origin(target) != origin(url):
            raise ResponseRefused(f"redirected to another server ({origin(target)}); mkpi sends credentials only "
                                  f"to {origin(url)}, so it stopped there: check the address configured")
        if response.status_code == 303 or (response.status_code in (301, 302) and method.upper() == "POST"):
            method, kwargs = "GET", {k: v for k, v in kwargs.items() if k not in ("data", "json", "files")}
        url = target
    raise ResponseRefused(f"more than {max_redirects} redirects")


def _read_body(response: requests.Response, end: float, deadline: float, max_bytes: int) -> None:
    pieces, size = [], 0
    try:
        while True:
            if time.monotonic() > end:
                raise Deadline(f"the answer did not arrive in full within {deadline:g} s")
            piece = response.raw.read1(_PIECE, decode_content=True)
            if not piece:
                break
            size += len(piece)
            if size > max_bytes:
                raise ResponseRefused(f"the answer is larger than {max_bytes / 2**20:g} MB once decompressed; "
                                      "mkpi stopped reading it")
            pieces.append(piece)
    except (ResponseRefused, requests.RequestException):  # raised above (requests' errors are OSErrors too)
        response.close()
        raise
    except urllib3.exceptions.ReadTimeoutError:
        response.close()
        raise Deadline(f"the answer did not arrive in full within {deadline:g} s") from None
    except (urllib3.exceptions.HTTPError, OSError) as err:
        response.close()
        raise requests.ConnectionError(f"the connection broke while reading the answer ({type(err).__name__})") from None
    response._content = b"".join(pieces)  # what requests' own .content would hold: .json() and .text read it
    response._content_consumed = True
    response.close()

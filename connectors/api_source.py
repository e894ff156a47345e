"""What every API connector hands the puller: streams (one per canonical table) and pages of rows.

A connector knows its platform's requests and how to map a response onto canonical rows; it knows
nothing about storage or state. The puller (`connectors.puller`) decides the window and stores.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol

DAYS, RECORDS = "days", "records"
# The table whose rows a connector can prove with its accounts' daily totals (optional `totals(window)`),
# and the table those totals land in.
TOTALLED, TOTALS = "ad_spend", "ad_spend_totals"


@dataclass(frozen=True)
class Stream:
    kind: str  # the canonical table its rows land in
    mode: str  # DAYS: re-fetched days replace stored days; RECORDS: re-fetched records replace by key
    key: str | None = None  # RECORDS: the canonical column that identifies a record


@dataclass
class Page:
    """One HTTP response: its raw text for the audit log and the canonical rows mapped from it."""

    account: str
    number: int
    request: str  # method, path and non-secret parameters
    body: str
    rows: list[dict] = field(default_factory=list)
    removed_keys: list[str] = field(default_factory=list)  # RECORDS: records that no longer belong in the table
    cursor: str | None = None  # RECORDS: the newest modification time on this page


@dataclass(frozen=True)
class Window:
    start: dt.date | None  # DAYS: first day to fetch
    end: dt.date  # DAYS: last day to fetch (inclusive)
    modified_since: dt.datetime | None = None  # RECORDS: fetch records changed at or after this


class ApiSource(Protocol):
    name: str  # the source's name in sources.yml
    platform: str
    streams: list[Stream]

    def pages(self, stream: Stream, window: Window) -> Iterator[Page]: ...

    def check(self) -> str:
        """One cheap authenticated request; returns what it reached, raises PlatformError otherwise."""
        ...

    # Optional: def totals(self, window: Window) -> Iterator[Page] — each account's daily totals (TOTALS rows:
    # date, platform, account_id, impressions, clicks, spend, currency) over the window, from the platform's
    # account-level report, which counts every ad whatever its level or status.
    # Optional: timezone, the zone the platform reports days in when sources.yml does not name the account's.
    # Optional, for a platform that publishes a day's figures some hours after the day ends (WeChat):
    # def last_ready_day(self, now: dt.datetime) -> dt.date — the pull then ends no later than that day.

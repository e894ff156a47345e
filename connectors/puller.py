"""Pull one API source into the pull store: decide each stream's window from its state, fetch, store.

Days mode re-fetches from the last pulled day minus the look-back (late conversions, restated
spend) to the end day and replaces those days; records mode re-fetches records modified since the
last cursor minus the look-back and replaces them by key. Either way a second pull of the same
night changes nothing, and a pull that stops part-way is rolled back whole.

An ad connector that can also report each account's daily total (`totals`) proves its campaign rows
with it: the totals of the window are stored beside the rows (the tracking check
source_total_mismatch compares them every night), and a day already stored whose re-fetched rows
add up worse to the total than the stored ones keeps the stored ones (a campaign deleted on the
platform, a report level that misses new ads), so a restatement replaces data only when it reconciles.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from connectors.api_source import DAYS, TOTALLED, TOTALS, ApiSource, Stream, Window
from connectors.personal_data import scrub
from connectors.pull_store import PullStore


@dataclass
class StreamResult:
    source: str
    kind: str
    pages: int
    rows: int
    window: str
    kept_days: int = 0  # account days whose restated rows did not add up to the account's total: stored rows kept


def window_for(stream: Stream, state: dict | None, *, end: dt.date, start_date: dt.date, lookback_days: int,
               since: dt.date | None = None) -> Window:
    lookback = dt.timedelta(days=lookback_days)
    if stream.mode == DAYS:
        if since:
            start = since
        elif state and state.get("last_day"):
            start = max(start_date, state["last_day"] + dt.timedelta(days=1) - lookback)
        else:
            start = start_date
        return Window(start=start, end=end)
    if since:
        modified = dt.datetime.combine(since, dt.time(), dt.timezone.utc)
    elif state and state.get("cursor"):
        modified = dt.datetime.fromisoformat(state["cursor"]) - lookback
    else:
        modified = dt.datetime.combine(start_date, dt.time(), dt.timezone.utc)
    return Window(start=None, end=end, modified_since=modified)


def pull_stream(store: PullStore, source: ApiSource, stream: Stream, window: Window, pii_salt: str = "",
                total_share: float = 0.0) -> StreamResult:
    """`total_share`: for a connector that also reports its accounts' daily totals (`totals`), how far a
    day's rows may differ from the total, as a share of it, and still count as adding up."""
    pages = rows = kept = 0
    cursor = None
    described = (f"{window.start} to {window.end}" if stream.mode == DAYS
                 else f"modified since {window.modified_since.isoformat()}")
    totals = getattr(source, "totals", None) if stream.kind == TOTALLED else None
    with store.transaction():
        if stream.mode == DAYS:
            if window.start > window.end:
                return StreamResult(source.name, stream.kind, 0, 0, "nothing new")
            if totals:
                store.keep_days(stream.kind, source.name, window.start, window.end)
                store.clear_days(TOTALS, source.name, window.start, window.end)
                for page in totals(window):
                    _store(store, source.name, TOTALS, page, pii_salt, day_column="date")
            store.clear_days(stream.kind, source.name, window.start, window.end)
        for page in source.pages(stream, window):
            _store(store, source.name, stream.kind, page, pii_salt,
                   day_column="date" if stream.mode == DAYS else None, key_column=stream.key)
            pages += 1
            rows += len(page.rows)
            cursor = max(filter(None, [cursor, page.cursor]), default=None)
        if totals:
            kept = store.restore_unreconciled(stream.kind, TOTALS, source.name, total_share)
        previous = store.state(source.name, stream.kind) or {}
        store.record_success(
            source.name, stream.kind, source.platform,
            last_day=window.end if stream.mode == DAYS else None,
            cursor=cursor or previous.get("cursor") or (window.modified_since.isoformat() if window.modified_since else None),
            rows=rows,
        )
    return StreamResult(source.name, stream.kind, pages, rows, described, kept)


def _store(store: PullStore, source: str, kind: str, page, salt: str, **columns) -> None:
    page.body = _scrubbed(page.body, salt)
    store.write_page(source, kind, page, **columns)


def _scrubbed(body: str, salt: str) -> str:
    """The raw page as received, except personal data: hashed like every other e-mail and phone."""
    try:
        return json.dumps(scrub(json.loads(body), salt), ensure_ascii=False)
    except ValueError:
        return scrub(body, salt)

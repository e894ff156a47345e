"""Where a night's time goes: each step adds its seconds here, and `mkpi run` prints them, and, as the
night goes, announces each step as it starts and ends.

The nightly job runs in one process (schedules.py), so a module-level tally is enough; a run that
another process executes (the Dagster UI) just leaves it empty.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from typing import TextIO

STEPS = ("landing", "validation", "dbt", "docs", "scoring", "publish", "alerts", "report", "history")
_seconds: dict[str, float] = {}
_announce: list["Announcer"] = []  # set by `mkpi run`: where progress lines go
PROGRESS_SHARE = 0.25  # where nobody watches, a long count is said at every quarter


class Announcer:
    """Progress lines on a stream: on a terminal the time of day, and a count (dbt's nodes) updated in
    place on one line; where nobody watches (a schedule, a CI log) a full timestamp on every line, and
    a count said only at every quarter, so the log reads in order later and stays short."""

    def __init__(self, stream: TextIO):
        self.stream, self.tty, self.counting = stream, stream.isatty(), False
        self.said_share = 0.0

    def say(self, text: str) -> None:
        now = dt.datetime.now().astimezone()
        stamp = now.strftime("%H:%M:%S") if self.tty else now.isoformat(timespec="seconds")
        if self.counting:  # end the line a count was updating
            print(file=self.stream)
            self.counting = False
        print(f"{stamp}  {text}", file=self.stream, flush=True)

    def count(self, what: str, done: int, total: int) -> None:
        if self.tty:
            stamp = dt.datetime.now().strftime("%H:%M:%S")
            print(f"\r{stamp}  {what}: {done} of {total}", end="", file=self.stream, flush=True)
            self.counting = done < total
            if not self.counting:
                print(file=self.stream, flush=True)
            return
        share = done / total if total else 1.0
        if done == 1:
            self.said_share = 0.0
        if share >= self.said_share + PROGRESS_SHARE or done == total:
            self.said_share = share - share % PROGRESS_SHARE
            self.say(f"{what}: {done} of {total}")


def announce_to(stream: TextIO) -> None:
    """Say each step as it starts and ends, and long counts as they go, on `stream` (Announcer)."""
    _announce[:] = [Announcer(stream)]


def say(text: str) -> None:
    for announcer in _announce:
        announcer.say(text)


def count(what: str, done: int, total: int) -> None:
    """`done` of `total` (dbt's nodes, say): on a terminal as it goes, elsewhere every quarter."""
    for announcer in _announce:
        announcer.count(what, done, total)


def reset() -> None:
    _seconds.clear()


@contextlib.contextmanager
def timed(step: str, what: str | None = None):
    """Count the block's seconds to `step` and announce it as `what` (default: the step's name)."""
    what = what or step
    say(f"{what} …")
    started = time.perf_counter()
    try:
        yield
    finally:
        took = time.perf_counter() - started
        _seconds[step] = _seconds.get(step, 0.0) + took
        say(f"{what} done in {took:.1f} s")


def taken(total: float) -> dict[str, float]:
    """Seconds per step in STEPS order, with `start-up` first: the rest of `total` (imports, definitions,
    Dagster's own bookkeeping)."""
    steps = {s: _seconds[s] for s in STEPS if s in _seconds}
    return {"start-up": max(total - sum(steps.values()), 0.0), **steps}


def line(seconds: dict[str, float]) -> str:
    return "Steps: " + ", ".join(f"{step} {s:.1f} s" for step, s in seconds.items())

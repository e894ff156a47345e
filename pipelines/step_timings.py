"""Where a night's time goes: each step adds its seconds here, and `mkpi run` prints them, and, as the
night goes, announces each step as it starts and ends.

The nightly job runs in one process (schedules.py), so a module-level tally is enough; a run that
another process executes (the Dagster UI) just leaves it empty.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections.abc import Callable
from typing import TextIO

STEPS = ("landing", "validation", "dbt", "docs", "scoring", "publish", "alerts", "report", "history")
_seconds: dict[str, float] = {}
_announce: list[Callable[[str], None]] = []  # set by `mkpi run`: where progress lines go


def announce_to(stream: TextIO) -> None:
    """Say each step as it starts and ends on `stream`: the time of day on a terminal, a full timestamp
    where nobody watches (a schedule, a CI log), so the lines still read in order later."""
    tty = stream.isatty()

    def say(text: str) -> None:
        now = dt.datetime.now().astimezone()
        print(f"{now.strftime('%H:%M:%S') if tty else now.isoformat(timespec='seconds')}  {text}", file=stream,
              flush=True)

    _announce[:] = [say]


def say(text: str) -> None:
    for announce in _announce:
        announce(text)


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

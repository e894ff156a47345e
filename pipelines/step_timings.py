"""Where a night's time goes: each step adds its seconds here, and `mkpi run` prints them.

The nightly job runs in one process (schedules.py), so a module-level tally is enough; a run that
another process executes (the Dagster UI) just leaves it empty.
"""

from __future__ import annotations

import contextlib
import time

STEPS = ("landing", "validation", "dbt", "docs", "scoring", "publish", "alerts", "report", "history")
_seconds: dict[str, float] = {}


def reset() -> None:
    _seconds.clear()


@contextlib.contextmanager
def timed(step: str):
    started = time.perf_counter()
    try:
        yield
    finally:
        _seconds[step] = _seconds.get(step, 0.0) + time.perf_counter() - started


def taken(total: float) -> dict[str, float]:
    """Seconds per step in STEPS order, with `start-up` first: the rest of `total` (imports, definitions,
    Dagster's own bookkeeping)."""
    steps = {s: _seconds[s] for s in STEPS if s in _seconds}
    return {"start-up": max(total - sum(steps.values()), 0.0), **steps}


def line(seconds: dict[str, float]) -> str:
    return "Steps: " + ", ".join(f"{step} {s:.1f} s" for step, s in seconds.items())

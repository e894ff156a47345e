"""One nightly run per published file at a time.

The lock is an advisory `flock` on `<warehouse>.lock`: the operating system releases it when the
holding process ends, however it ends (kill -9 included), so a lock left by a killed run is stale
by construction and the next run takes it. The file records who holds it (pid, start time) for the
message a second run prints. Re-entrant within a process: `mkpi run` takes it, and the Dagster job
(which a schedule can start on its own) takes it again without blocking itself.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import threading
import time
from pathlib import Path

POLL_SECONDS = 2.0
_held: dict[str, list] = {}  # lock path → [file object, depth]
_guard = threading.Lock()


class RunInProgress(RuntimeError):
    """Another run holds the lock; the message is one line saying who and since when."""


def lock_path(warehouse: Path) -> Path:
    return Path(warehouse).with_name(Path(warehouse).name + ".lock")


@contextlib.contextmanager
def hold(warehouse: Path, wait: bool = False, on_wait=None):
    """Hold the run lock of `warehouse`. Without `wait`, raise RunInProgress if another process holds it;
    with it, block until it is free, calling `on_wait(message)` once."""
    path = lock_path(warehouse)
    key = str(path.resolve())
    with _guard:
        entry = _held.get(key)
        if entry:
            entry[1] += 1
    if entry is None:
        entry = [_acquire(path, wait, on_wait), 1]
        with _guard:
            _held[key] = entry
    try:
        yield
    finally:
        with _guard:
            entry[1] -= 1
            if entry[1] == 0:
                del _held[key]
                entry[0].close()  # closing releases the flock


def _acquire(path: Path, wait: bool, on_wait):
    path.parent.mkdir(parents=True, exist_ok=True)
    fh = open(path, "a+", encoding="utf-8")
    told = False
    while True:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            message = f"another mkpi run is in progress on {path.with_suffix('')} ({holder(path)})"
            if not wait:
                fh.close()
                raise RunInProgress(message + "; run again later, or add --wait to wait for it") from None
            if on_wait and not told:
                on_wait(message + "; waiting for it to finish")
                told = True
            time.sleep(POLL_SECONDS)
    fh.seek(0)
    fh.truncate()
    fh.write(f"pid {os.getpid()}, since {dt.datetime.now().astimezone().isoformat(timespec='seconds')}\n")
    fh.flush()
    return fh


def holder(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").strip() or "pid unknown"
    except OSError:
        return "pid unknown"

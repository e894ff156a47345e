"""`mkpi run` as a supervisor and a worker, so stopping the command stops everything the run started.

The worker runs the night in a process group of its own (dbt is started inside it). On SIGINT or
SIGTERM the supervisor kills that whole group at once, removes the working copy and prints one
line. Should the supervisor itself die (kill -9), a watchdog thread in the worker sees it and does
the same. Signals are not handled inside the worker because Dagster installs its own handlers
while it executes, and a handler would wait for a long DuckDB call to return anyway.

The published file is never touched: it is only ever replaced by the last step's atomic rename.
"""

from __future__ import annotations

import atexit
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

WORKER_ENV = "MKPI_RUN_SUPERVISOR"  # set in the worker: the supervisor's pid
WATCH_SECONDS = 0.5
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def is_worker() -> bool:
    return WORKER_ENV in os.environ


def supervise(argv: list[str], working_copy: Path) -> int:
    """Run `mkpi <argv>` as a worker and wait for it; a stop signal stops its whole group."""
    worker = subprocess.Popen([sys.executable, "-m", "pipelines.cli", *argv],
                              env={**os.environ, WORKER_ENV: str(os.getpid())}, start_new_session=True)
    stopped_by: list[int] = []

    def stop(signum, _frame):
        if not stopped_by:
            stopped_by.append(signum)
            _stop_group(worker.pid, working_copy)

    for signum in STOP_SIGNALS:
        signal.signal(signum, stop)
    code = worker.wait()
    if not stopped_by:
        return code
    # Again once the worker is gone: a call it was in when the signal came (a copy, a connect) may have
    # created the working copy after the first removal.
    _remove_working_copy(working_copy)
    name = signal.Signals(stopped_by[0]).name
    print(f"mkpi run stopped by {name}; the published file was left as it was.", file=sys.stderr)
    return 128 + stopped_by[0]


def exit_worker(code: int) -> None:
    """End the worker without the interpreter's tear-down: by now every file it wrote is closed, and
    freeing the ~3,400 modules Dagster and dbt loaded took 1.3 s of the night's wall time. The exit
    handlers still run (2 ms): multiprocessing's releases the locks dbt made, which its resource
    tracker would otherwise report as leaked. Under a profiler (`python -m cProfile`) the interpreter
    ends as usual, so the profile is written."""
    if sys.getprofile() is not None:
        sys.exit(code)
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def watch_supervisor(working_copy: Path) -> None:
    """In the worker: when the supervisor is gone, stop the group (dbt included) and drop the working copy."""
    supervisor = int(os.environ[WORKER_ENV])

    def watch():
        while os.getppid() == supervisor:
            time.sleep(WATCH_SECONDS)
        _stop_group(0, working_copy)

    threading.Thread(target=watch, name="mkpi-supervisor-watch", daemon=True).start()


def _remove_working_copy(working_copy: Path) -> None:
    for leftover in (working_copy, working_copy.with_name(working_copy.name + ".wal")):
        leftover.unlink(missing_ok=True)


def _stop_group(group: int, working_copy: Path) -> None:
    """Remove the working copy, then kill the process group (the worker's id is its group's; 0: our own)."""
    _remove_working_copy(working_copy)
    try:
        os.killpg(group, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass

"""dbt inside this process, through dbt-core's programmatic entry point (`dbtRunner`).

dagster-dbt's `DbtCliResource` starts dbt as a child process and, before each call, a second one for
`dbt --version`: about 8 s of Python start-up, imports and re-reading the project per night, against
about 1 s of SQL on the sample. Here dbt runs in the Dagster process, which has imported it already,
and its partial-parse state in the fixed target folder carries over from night to night.

Caveats, handled here: dbt allows one invocation at a time per process (the nightly job runs its
steps one after the other, and a lock guards the rest), and dbt-duckdb keeps its DuckDB database
open in a class attribute after the invocation ends (dbt-duckdb #203). That handle would hold the
working copy (and, after publishing, a replaced file) open across nights, and make the next
`duckdb.connect` of the same file with other settings fail, so it is closed after every invocation.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

_ONE_AT_A_TIME = threading.Lock()


@dataclass
class DbtOutcome:
    success: bool
    results: list  # dbt's RunResult objects: node, status, message, failures
    error: str | None = None  # an exception dbt raised instead of a result (bad project, bad profile)

    def records(self) -> list[dict]:
        """The results as run_results.json spells them: unique_id, status, message."""
        return [{"unique_id": r.node.unique_id, "status": getattr(r.status, "value", str(r.status)),
                 "message": r.message} for r in self.results]


@contextlib.contextmanager
def environment(values: dict[str, str]):
    """The variables dbt's profiles.yml reads, set for one invocation and put back after it: the run's
    settings (a command-line flag included) reach dbt, and nothing outlives the call."""
    before = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


# dbt's events for a node it finished (built, tested, skipped), each with the number of nodes selected.
NODE_DONE = {"LogModelResult", "LogTestResult", "LogSeedResult", "LogSnapshotResult", "LogNodeResult",
             "LogNodeNoOpResult", "SkippingDetails"}


def invoke(args: list[str], project_dir: Path, target_path: Path, env: dict[str, str] | None = None,
           on_node: Callable[[int, int], None] | None = None) -> DbtOutcome:
    """`dbt <args>` for the project, with its artifacts in `target_path` and `env` set while it runs;
    `on_node(done, total)` after each node dbt finishes."""
    from dbt.cli.main import dbtRunner

    full = [*args, "--project-dir", str(project_dir), "--profiles-dir", str(project_dir),
            "--target-path", str(target_path), "--no-use-colors"]
    with _ONE_AT_A_TIME, environment(env or {}):
        _forget_parse_of_another_checkout(Path(project_dir), Path(target_path))
        try:
            result = dbtRunner(callbacks=[_node_counter(on_node)] if on_node else []).invoke(full)
        finally:
            _close_duckdb()
    if result.exception is not None:
        first = str(result.exception).strip().splitlines()
        return DbtOutcome(False, [], first[0] if first else type(result.exception).__name__)
    results = list(getattr(result.result, "results", None) or [])
    return DbtOutcome(bool(result.success), results)


def _node_counter(on_node: Callable[[int, int], None]):
    done = 0

    def count(event) -> None:
        nonlocal done
        total = getattr(event.data, "total", 0) or getattr(event.data, "num_models", 0)  # a test's: num_models
        if event.info.name in NODE_DONE and total:
            done += 1
            on_node(done, total)

    return count


def _forget_parse_of_another_checkout(project_dir: Path, target_path: Path) -> None:
    """dbt's partial-parse state keeps absolute file paths and is not invalidated when the project moves
    (a renamed folder, a second checkout sharing a target folder): seeds then fail with "No files found".
    The project it was written for is noted beside it; another one starts from a full parse."""
    marker, here = target_path / "project_dir.txt", str(project_dir.resolve())
    if marker.exists() and marker.read_text(encoding="utf-8") == here:
        return
    (target_path / "partial_parse.msgpack").unlink(missing_ok=True)
    target_path.mkdir(parents=True, exist_ok=True)
    marker.write_text(here, encoding="utf-8")


def _close_duckdb() -> None:
    try:
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager as manager
    except ImportError:  # another adapter: nothing of DuckDB's to close
        return
    with manager._LOCK:
        if manager._ENV is not None:
            manager._ENV.close()
            manager._ENV = None

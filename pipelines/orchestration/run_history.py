"""The night's run in Dagster's run history (`make dev`) without storing every event while it runs.

Dagster's SQLite storage opens a connection and commits once per event, and a night has about 360
of them (a planned and a done event per asset, an output per dbt model): about 2.3 s of a 10 s
night on the sample. `mkpi run` therefore executes on an in-memory instance and afterwards keeps
what a reader of the run history uses: the run, its steps, every asset materialization and check
result, and the log lines mkpi wrote. Planned-materialization and step-output events are left out;
nothing reads them once the run is over.

Even the kept events take 1.5-2.5 s to store, so the night writes them into one file beside the
history (`pending-<run id>.json`, Dagster's own serialization) and a process of its own replays
every such file into the history while `mkpi run` ends (docs/performance.md). A replay that fails
leaves its file and a note (`replay-failed-<run id>.txt`); the next night says so and replays the
file again.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import dagster as dg

PENDING_PREFIX = "pending-"
PENDING, FAILED = PENDING_PREFIX + "{}.json", "replay-failed-{}.txt"

_KEPT = {
    dg.DagsterEventType.RUN_START, dg.DagsterEventType.RUN_SUCCESS, dg.DagsterEventType.RUN_FAILURE,
    dg.DagsterEventType.STEP_START, dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_FAILURE,
    dg.DagsterEventType.ASSET_MATERIALIZATION, dg.DagsterEventType.ASSET_CHECK_EVALUATION,
}


def kept(entry) -> bool:
    """Run and step outcomes, materializations, check results and mkpi's own log lines."""
    return not entry.is_dagster_event or entry.dagster_event.event_type in _KEPT


def keep(source: dg.DagsterInstance, run_id: str, history_dir: Path) -> list[str]:
    """Write the run for the history and start its replay; returns what earlier replays could not keep."""
    notes = sorted(history_dir.glob(FAILED.format("*")))
    said = [f"the run history in {history_dir} was not updated after an earlier night "
            f"({note.read_text(encoding='utf-8').strip()[:200]}); it is written again now" for note in notes]
    for note in notes:
        note.unlink()
    _write_pending(source, run_id, history_dir / PENDING.format(run_id))
    subprocess.Popen([sys.executable, "-m", __name__, str(history_dir)], start_new_session=True,
                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return said


def _write_pending(source: dg.DagsterInstance, run_id: str, path: Path) -> None:
    from dagster._serdes import serialize_value

    run = source.get_run_by_id(run_id)
    if run is None:
        raise LookupError(f"no run {run_id} in this night's instance")
    entries = [entry for entry in source.all_logs(run_id) if kept(entry)]
    path.write_text(serialize_value([run, _snapshots(source, run), entries]), encoding="utf-8")


def _snapshots(source: dg.DagsterInstance, run) -> list:
    """The job's shape (and its parent's, for a subset) and the plan, which the run record points to."""
    job = source.get_job_snapshot(run.job_snapshot_id)
    snapshots = [job, source.get_execution_plan_snapshot(run.execution_plan_snapshot_id)]
    if job.lineage_snapshot:
        snapshots.append(source.get_job_snapshot(job.lineage_snapshot.parent_snapshot_id))
    return snapshots


def replay_pending(history_dir: Path) -> None:
    """Store every pending run of the folder in the history; a failure leaves the file and a note."""
    import dagster._core.snap.execution_plan_snapshot  # noqa: F401 - registers the plan's classes for reading

    pending = sorted(history_dir.glob(PENDING.format("*")))
    try:
        target = dg.DagsterInstance.from_config(str(history_dir))
    except Exception as err:  # noqa: BLE001 - a history that cannot be opened (locked, damaged): said next night
        for path in pending:
            _note_failure(path, err)
        return
    try:
        for path in pending:
            try:
                _replay(target, path)
                path.unlink()
            except Exception as err:  # noqa: BLE001 - any storage error; said by the next night
                _note_failure(path, err)
    finally:
        target.dispose()


def _replay(target: dg.DagsterInstance, path: Path) -> None:
    from dagster._serdes import deserialize_value

    run, snapshots, entries = deserialize_value(path.read_text(encoding="utf-8"))
    for snapshot in snapshots:
        target.add_snapshot(snapshot)  # keyed by content: the same shape night after night is stored once
    if target.get_run_by_id(run.run_id) is None:  # another replay may have stored it meanwhile
        target.add_run(run)
        for entry in entries:
            target.handle_new_event(entry)  # also moves the run's status along with its start and end


def _note_failure(pending: Path, err: Exception) -> None:
    run_id = pending.stem.removeprefix(PENDING_PREFIX)
    (pending.parent / FAILED.format(run_id)).write_text(f"{type(err).__name__}: {err}", encoding="utf-8")


if __name__ == "__main__":
    replay_pending(Path(sys.argv[1]))

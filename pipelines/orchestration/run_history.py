"""The night's run in Dagster's run history (`make dev`) without storing every event while it runs.

Dagster's SQLite storage opens a connection and commits once per event, and a night has about 360
of them (a planned and a done event per asset, an output per dbt model): about 2.3 s of a 10 s
night on the sample. `mkpi run` therefore executes on an in-memory instance and afterwards copies
into the persistent one what a reader of the run history uses: the run, its steps, every asset
materialization and check result, and the log lines mkpi wrote. Planned-materialization and
step-output events are left out; nothing reads them once the run is over.
"""

from __future__ import annotations

import dagster as dg

_KEPT = {
    dg.DagsterEventType.RUN_START, dg.DagsterEventType.RUN_SUCCESS, dg.DagsterEventType.RUN_FAILURE,
    dg.DagsterEventType.STEP_START, dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_FAILURE,
    dg.DagsterEventType.ASSET_MATERIALIZATION, dg.DagsterEventType.ASSET_CHECK_EVALUATION,
}


def kept(entry) -> bool:
    """Run and step outcomes, materializations, check results and mkpi's own log lines."""
    return not entry.is_dagster_event or entry.dagster_event.event_type in _KEPT


def copy_run(source: dg.DagsterInstance, run_id: str, target: dg.DagsterInstance) -> int:
    """Copy one finished run from `source` into `target`'s history; returns how many events it kept."""
    run = source.get_run_by_id(run_id)
    _copy_snapshots(source, run, target)
    target.add_run(run)
    entries = [entry for entry in source.all_logs(run_id) if kept(entry)]
    for entry in entries:
        target.handle_new_event(entry)  # also moves the run's status along with its start and end
    return len(entries)


def _copy_snapshots(source: dg.DagsterInstance, run, target: dg.DagsterInstance) -> None:
    """The job's shape (and its parent's, for a subset) and the plan, which the run record points to."""
    job = source.get_job_snapshot(run.job_snapshot_id)
    snapshots = [job, source.get_execution_plan_snapshot(run.execution_plan_snapshot_id)]
    if job.lineage_snapshot:
        snapshots.append(source.get_job_snapshot(job.lineage_snapshot.parent_snapshot_id))
    for snapshot in snapshots:
        target.add_snapshot(snapshot)  # keyed by content: the same shape night after night is stored once

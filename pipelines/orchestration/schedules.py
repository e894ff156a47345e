"""The nightly job and its schedule (cron and time zone from mkpi.yml)."""

from __future__ import annotations

import dagster as dg

from pipelines.configuration.mkpi_yml import RunConfig

# In one process, so the run lock (pipelines/night/run_lock.py), taken by the mkpi resource, covers the whole run.
nightly_job = dg.define_asset_job("nightly", selection=dg.AssetSelection.all(), description="Land, build, publish.",
                                  executor_def=dg.in_process_executor)


def nightly_schedule(config: RunConfig) -> dg.ScheduleDefinition:
    return dg.ScheduleDefinition(
        name="nightly_schedule",
        job=nightly_job,
        cron_schedule=config.schedule_cron,
        execution_timezone=config.schedule_timezone,
        default_status=dg.DefaultScheduleStatus.RUNNING,
    )

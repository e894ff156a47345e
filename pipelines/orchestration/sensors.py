"""Run-failure alerts for runs the Dagster daemon starts (the schedule, the UI)."""

import dagster as dg

from pipelines.alerting.dispatch import send_failure_alert
from pipelines.config import load_config
from pipelines.orchestration.schedules import nightly_job
from pipelines.settings import Settings


def failure_sensor(settings: Settings) -> dg.SensorDefinition:
    @dg.run_failure_sensor(name="alert_on_run_failure", monitored_jobs=[nightly_job],
                           default_status=dg.DefaultSensorStatus.RUNNING)
    def alert_on_run_failure(context: dg.RunFailureSensorContext):
        error = context.failure_event.message or "the run failed"
        deliveries = send_failure_alert(load_config(settings.config_file), context.dagster_run.job_name, error,
                                        where=f"Dagster run {context.dagster_run.run_id}")
        for delivery in deliveries:
            if not delivery.ok:
                context.log.warning(f"alert sink {delivery.sink} failed: {delivery.detail}")

    return alert_on_run_failure

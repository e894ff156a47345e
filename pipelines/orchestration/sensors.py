"""Alerts for runs the Dagster daemon starts (the schedule, the UI): a run's failure, and a successful
night's tracking issues. Sensors run in the daemon once the run has ended, so a sink slow to answer
never holds the run lock (`mkpi run` sends the same alerts itself, after releasing the lock)."""

import dagster as dg

from pipelines.alerting.dispatch import send_failure_alert, send_tracking_alerts
from pipelines.configuration.mkpi_yml import load_config
from pipelines.orchestration.schedules import nightly_job
from pipelines.settings import Settings


def failure_sensor(settings: Settings) -> dg.SensorDefinition:
    @dg.run_failure_sensor(name="alert_on_run_failure", monitored_jobs=[nightly_job],
                           default_status=dg.DefaultSensorStatus.RUNNING)
    def alert_on_run_failure(context: dg.RunFailureSensorContext):
        error = context.failure_event.message or "the run failed"
        deliveries = send_failure_alert(load_config(settings.config_file), context.dagster_run.job_name, error,
                                        where=f"Dagster run {context.dagster_run.run_id}")
        _log_failed(context, deliveries)

    return alert_on_run_failure


def tracking_alert_sensor(settings: Settings) -> dg.SensorDefinition:
    @dg.run_status_sensor(name="alert_tracking_issues", run_status=dg.DagsterRunStatus.SUCCESS,
                          monitored_jobs=[nightly_job], default_status=dg.DefaultSensorStatus.RUNNING)
    def alert_tracking_issues(context: dg.RunStatusSensorContext):
        report = send_tracking_alerts(load_config(settings.config_file), settings.warehouse, settings.state_dir)
        _log_failed(context, report.deliveries)

    return alert_tracking_issues


def _log_failed(context, deliveries) -> None:
    for delivery in deliveries:
        if not delivery.ok:
            context.log.warning(f"alert sink {delivery.sink} failed: {delivery.detail}")

"""Alerting on broken tracking, after publishing: a sink that is down never costs the night's data."""

from pathlib import Path

import dagster as dg

from pipelines.alerting.dispatch import send_tracking_alerts
from pipelines.orchestration.assets.publish import PUBLISHED
from pipelines.orchestration.resources import MkpiResource
from pipelines.step_timings import timed
from pipelines.validation import beside_dbt


@dg.asset(
    deps=[PUBLISHED],
    group_name="alerts",
    description="One message per run to every configured sink with new or worsened tracking issues.",
)
def tracking_alerts(context: dg.AssetExecutionContext, mkpi: MkpiResource) -> dg.MaterializeResult:
    beside_dbt.finish(mkpi.build_path)  # the alert counts tonight's failed expectations
    with timed("alerts"):
        report = send_tracking_alerts(mkpi.run_config(), Path(mkpi.warehouse), Path(mkpi.state_dir))
    for delivery in report.deliveries:
        if not delivery.ok:
            context.log.warning(f"alert sink {delivery.sink} failed: {delivery.detail}")
    return dg.MaterializeResult(metadata={
        "issues_at_alert_severity": report.issues_found,
        "new_or_worse": report.issues_new,
        **{f"sink {d.sink}": ("sent" if d.ok else f"FAILED: {d.detail}") for d in report.deliveries},
    })

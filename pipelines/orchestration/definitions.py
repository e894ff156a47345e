"""The one Definitions object: assets, schedule and resources, assembled from their modules.

Built by a function from settings resolved at the edge (the command line, or the environment for
`dagster dev` and the daemon): importing this module reads no file, starts no process and writes no
environment variable."""

from __future__ import annotations

import dagster as dg

from pipelines.configuration.mkpi_yml import load_config
from pipelines.orchestration.assets.dashboard import channel_dashboard
from pipelines.orchestration.assets.dbt import dbt_models, tracking_descriptions
from pipelines.orchestration.assets.docs_site import docs_site_asset
from pipelines.orchestration.assets.expectations import landing_expectations
from pipelines.orchestration.assets.exports import mmm_export
from pipelines.orchestration.assets.landing import landing_assets
from pipelines.orchestration.assets.publish import published_warehouse_asset
from pipelines.orchestration.assets.report import kpi_report
from pipelines.orchestration.assets.scoring import score_kpis
from pipelines.orchestration.assets.sources import source_assets
from pipelines.orchestration.assets.tracking_checks import tracking_asset_checks
from pipelines.orchestration.resources import MkpiResource
from pipelines.orchestration.schedules import nightly_job, nightly_schedule
from pipelines.orchestration.sensors import failure_sensor, tracking_alert_sensor
from pipelines.settings import Settings
from pipelines.configuration.sources_yml import load_sources


def build_definitions(settings: Settings, full_refresh: bool = False) -> dg.Definitions:
    pulls = source_assets(load_sources(settings.sources_file))
    landing = landing_assets([key for asset in pulls for key in asset.keys])
    models = dbt_models()
    return dg.Definitions(
        assets=[*pulls, landing, models, score_kpis, published_warehouse_asset(models), kpi_report,
                mmm_export, channel_dashboard, docs_site_asset(models)],
        asset_checks=[landing_expectations(models), tracking_asset_checks(tracking_descriptions())],
        jobs=[nightly_job],
        schedules=[nightly_schedule(load_config(settings.config_file))],
        sensors=[failure_sensor(settings), tracking_alert_sensor(settings)],
        resources={"mkpi": MkpiResource.from_settings(settings, full_refresh)},
    )


@dg.definitions
def defs() -> dg.Definitions:
    """The code location of `make dev` and the Dagster daemon: settings from the environment, read on load."""
    return build_definitions(Settings.from_env())

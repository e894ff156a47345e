"""Publishing: the working copy replaces the analysts' file only after every model and blocking test passed."""

from pathlib import Path

import dagster as dg

from pipelines.night import snapshots, warehouse
from pipelines.building.column_docs import document_marts
from pipelines.orchestration.assets.dbt import dbt_project
from pipelines.orchestration.assets.docs_site import DOCS_SITE
from pipelines.orchestration.assets.scoring import score_kpis
from pipelines.orchestration.resources import MkpiResource
from pipelines.night.step_timings import timed


PUBLISHED = dg.AssetKey("published_warehouse")


def published_warehouse_asset(dbt_models: dg.AssetsDefinition) -> dg.AssetsDefinition:
    return dg.asset(
        key=PUBLISHED,
        deps=[dbt_models, score_kpis, DOCS_SITE],  # the site reads the working copy before it is renamed
        group_name="publish",
        kinds={"duckdb"},
        description="The DuckDB file analysts query, replaced atomically when a run succeeds.",
    )(_publish)


def _publish(context: dg.AssetExecutionContext, mkpi: MkpiResource) -> dg.MaterializeResult:
    config = mkpi.run_config()
    with timed("publish", "publishing"):
        con = warehouse.connect(Path(mkpi.build_path))
        try:
            document_marts(con, dbt_project().manifest_path)  # parsed when the definitions were built
        finally:
            con.close()
        warehouse.publish(Path(mkpi.build_path), Path(mkpi.warehouse))
        snapshot = snapshots.take(Path(mkpi.warehouse), config.as_of(), config.snapshots_keep)
    context.log.info(f"published {mkpi.warehouse}, kept as {snapshot}")
    return dg.MaterializeResult(metadata={"path": dg.MetadataValue.path(mkpi.warehouse),
                                          "snapshot": dg.MetadataValue.path(str(snapshot))})

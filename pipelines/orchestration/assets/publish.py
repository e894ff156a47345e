"""Publishing: the working copy replaces the analysts' file only after every model and blocking test passed."""

from pathlib import Path

import dagster as dg

from pipelines import warehouse
from pipelines.orchestration.assets.dbt import mkpi_dbt_models
from pipelines.orchestration.assets.scoring import score_kpis
from pipelines.orchestration.resources import MkpiResource
from pipelines.step_timings import timed


@dg.asset(
    deps=[mkpi_dbt_models, score_kpis],
    group_name="publish",
    kinds={"duckdb"},
    description="The DuckDB file analysts query, replaced atomically when a run succeeds.",
)
def published_warehouse(context: dg.AssetExecutionContext, mkpi: MkpiResource) -> dg.MaterializeResult:
    with timed("publish"):
        warehouse.publish(Path(mkpi.build_path), Path(mkpi.warehouse))
    context.log.info(f"published {mkpi.warehouse}")
    return dg.MaterializeResult(metadata={"path": dg.MetadataValue.path(mkpi.warehouse)})

"""dbt's documentation site beside the published file (pipelines/docs_site.py)."""

from pathlib import Path

import dagster as dg

from pipelines import docs_site
from pipelines.build_plan import started_from_last_night
from pipelines.orchestration.assets.dbt import DBT_PROJECT, NIGHTLY_TARGET, mkpi_dbt_models
from pipelines.orchestration.resources import MkpiResource
from pipelines.step_timings import timed


@dg.asset(deps=[mkpi_dbt_models], group_name="publish",
          description="dbt's documentation site as one static HTML file, docs/dbt-docs.html beside the published file.")
def dbt_docs_site(context: dg.AssetExecutionContext, mkpi: MkpiResource) -> dg.MaterializeResult:
    out = docs_site.path(Path(mkpi.warehouse))
    if mkpi.engine != "duckdb":
        return dg.MaterializeResult(metadata={"status": f"not generated on the {mkpi.engine} engine"})
    if out.exists() and started_from_last_night(Path(mkpi.build_path)):
        return dg.MaterializeResult(metadata={"status": "kept: the project is unchanged since it was generated"})
    try:
        with timed("docs"):
            docs_site.generate(DBT_PROJECT.project_dir, DBT_PROJECT.manifest_path, NIGHTLY_TARGET / "docs",
                               Path(mkpi.warehouse))
    except docs_site.DocsSiteError as err:  # documentation never holds back the night's numbers
        context.log.warning(f"the documentation site was not generated: {err}")
        return dg.MaterializeResult(metadata={"status": f"failed: {err}"})
    return dg.MaterializeResult(metadata={"path": dg.MetadataValue.path(str(out))})

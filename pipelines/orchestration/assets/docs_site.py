"""dbt's documentation site beside the published file (pipelines/building/docs_site.py)."""

from pathlib import Path

import dagster as dg

from pipelines.building import docs_site
from pipelines.building.build_plan import started_from_last_night
from pipelines.orchestration.assets.dbt import DBT_PROJECT_DIR, dbt_project
from pipelines.orchestration.resources import MkpiResource
from pipelines.night.step_timings import timed

DOCS_SITE = dg.AssetKey("dbt_docs_site")


def docs_site_asset(dbt_models: dg.AssetsDefinition) -> dg.AssetsDefinition:
    @dg.asset(key=DOCS_SITE, deps=[dbt_models], group_name="publish",
              description="dbt's documentation site as one static HTML file, docs/dbt-docs.html beside the published file.")
    def dbt_docs_site(context: dg.AssetExecutionContext, mkpi: MkpiResource) -> dg.MaterializeResult:
        return _generate(context, mkpi)

    return dbt_docs_site


def _generate(context: dg.AssetExecutionContext, mkpi: MkpiResource) -> dg.MaterializeResult:
    out = docs_site.path(Path(mkpi.warehouse))
    if mkpi.engine != "duckdb":
        return dg.MaterializeResult(metadata={"status": f"not generated on the {mkpi.engine} engine"})
    if out.exists() and started_from_last_night(Path(mkpi.build_path)):
        return dg.MaterializeResult(metadata={"status": "kept: the project is unchanged since it was generated"})
    settings = mkpi.settings()
    try:
        with timed("docs", "the dbt documentation site"):
            docs_site.generate(DBT_PROJECT_DIR, dbt_project().manifest_path, settings.dbt_target / "docs",
                               Path(mkpi.warehouse), settings.dbt_env())
    except docs_site.DocsSiteError as err:  # documentation never holds back the night's numbers
        context.log.warning(f"the documentation site was not generated: {err}")
        return dg.MaterializeResult(metadata={"status": f"failed: {err}"})
    return dg.MaterializeResult(metadata={"path": dg.MetadataValue.path(str(out))})

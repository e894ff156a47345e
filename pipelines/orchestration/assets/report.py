"""The nightly KPI report, written from the published file so it shows exactly what analysts see."""

from pathlib import Path

import dagster as dg

from pipelines.night import warehouse
from pipelines.orchestration.assets.publish import PUBLISHED
from pipelines.orchestration.resources import MkpiResource
from pipelines.reporting.report import write_report
from pipelines.reporting.to_date import write_to_date_report
from pipelines.scoring.tables import scoring_failure
from pipelines.night.step_timings import timed


@dg.asset(deps=[PUBLISHED], group_name="scoring",
          description="The latest month's KPI report (HTML, English and Chinese) with its scorecards CSV and "
                      "workbook, and the month to date's provisional report.")
def kpi_report(context: dg.AssetExecutionContext, mkpi: MkpiResource) -> dg.MaterializeResult:
    con = warehouse.connect(Path(mkpi.warehouse), read_only=True)
    try:
        failure = scoring_failure(con)
    finally:
        con.close()
    if failure:  # the marts are published by now; the run still fails so the failure is alerted
        raise dg.Failure(description=f"scoring failed, no KPI report tonight (the marketing marts were published): "
                                     f"{failure}", allow_retries=False)
    with timed("report", "the KPI report"):
        written = write_report(Path(mkpi.warehouse), Path(mkpi.reports_dir))
        written += write_to_date_report(Path(mkpi.warehouse), Path(mkpi.kpi_config), mkpi.settings().state_dir,
                                        Path(mkpi.reports_dir))
    if not written:
        context.log.info("no scorecards yet: no report written")
    return dg.MaterializeResult(metadata={"files": dg.MetadataValue.json([str(p) for p in written])})


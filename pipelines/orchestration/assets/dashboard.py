"""The nightly channel dashboard, written from the published file so it shows exactly what analysts see."""

from pathlib import Path

import dagster as dg

from pipelines.orchestration.assets.publish import PUBLISHED
from pipelines.orchestration.resources import MkpiResource
from pipelines.reporting.dashboard import write_dashboard
from pipelines.night.step_timings import timed


@dg.asset(deps=[PUBLISHED], group_name="publish",
          description="The channel dashboard (HTML, English and Chinese, with the channel table as CSV) of the "
                      "last complete month and of the month to date, beside the published file.")
def channel_dashboard(mkpi: MkpiResource) -> dg.MaterializeResult:
    with timed("report", "the channel dashboard"):
        written = write_dashboard(Path(mkpi.warehouse), Path(mkpi.reports_dir))
    return dg.MaterializeResult(metadata={"files": dg.MetadataValue.json([str(p) for p in written])})

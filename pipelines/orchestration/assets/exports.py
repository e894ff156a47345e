"""Files for other tools, written from the published file after it is published."""

from pathlib import Path

import dagster as dg

from pipelines.reporting import exports
from pipelines.orchestration.assets.publish import PUBLISHED
from pipelines.orchestration.resources import MkpiResource
from pipelines.night.step_timings import timed


@dg.asset(deps=[PUBLISHED], group_name="publish",
          description="The weekly channel table for marketing-mix models, as exports/mmm_weekly.csv and .parquet.")
def mmm_export(mkpi: MkpiResource) -> dg.MaterializeResult:
    with timed("publish", "the marketing-mix export"):
        written = exports.write_mmm_weekly(Path(mkpi.warehouse))
    return dg.MaterializeResult(metadata={"files": dg.MetadataValue.json([str(p) for p in written])})

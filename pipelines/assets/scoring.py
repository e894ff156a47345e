"""KPI scoring after the marts are built and before publishing: scores ship with the numbers they came from."""

from pathlib import Path

import dagster as dg

from pipelines import warehouse
from pipelines.assets.dbt import mkpi_dbt_models
from pipelines.resources import MkpiResource
from pipelines.scoring.config import KpiConfigError, load_kpi_config
from pipelines.scoring.engine import score
from pipelines.scoring.inputs import read_inputs
from pipelines.scoring.tables import EMPLOYEE_SCORECARDS, KPI_SCORES, write_table


@dg.multi_asset(
    specs=[dg.AssetSpec(dg.AssetKey(["scoring", "kpi_scores"]), deps=[mkpi_dbt_models], group_name="scoring",
                        kinds={"duckdb"}, description="Period × person × KPI: actual, target, achievement, points."),
           dg.AssetSpec(dg.AssetKey(["scoring", "employee_scorecards"]), deps=[mkpi_dbt_models], group_name="scoring",
                        kinds={"duckdb"}, description="Period × person: total, grade, ranks, flags.")],
    name="score_kpis",
)
def score_kpis(context: dg.AssetExecutionContext, mkpi: MkpiResource):
    con = warehouse.connect(Path(mkpi.build_path))
    try:
        config = load_kpi_config(Path(mkpi.kpi_config))
        kpi_rows, cards = score(read_inputs(con), config)
        write_table(con, "kpi_scores", KPI_SCORES, kpi_rows)
        write_table(con, "employee_scorecards", EMPLOYEE_SCORECARDS, cards)
    except KpiConfigError as err:
        raise dg.Failure(description=str(err), allow_retries=False) from None
    finally:
        con.close()
    blocked = sorted({c["period"] for c in cards if c["status"] == "blocked"})
    if blocked:
        context.log.warning(f"scorecards not computed for {', '.join(blocked)}: error-level tracking issues")
    yield dg.MaterializeResult(asset_key=["scoring", "kpi_scores"], metadata={"rows": len(kpi_rows)})
    yield dg.MaterializeResult(asset_key=["scoring", "employee_scorecards"],
                               metadata={"rows": len(cards), "blocked_periods": ", ".join(blocked) or "none"})

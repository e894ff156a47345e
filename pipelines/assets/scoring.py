"""KPI scoring after the marts are built and before publishing: scores ship with the numbers they came from."""

from pathlib import Path

import dagster as dg

from pipelines import warehouse
from pipelines.assets.dbt import mkpi_dbt_models
from pipelines.resources import MkpiResource
from pipelines.scoring.config import KpiConfigError, load_kpi_config
from pipelines.scoring.engine import score
from pipelines.scoring.incentives import BONUS_POOL, BUDGET, PROFIT_SHARE, bonus_pool, budget_suggestions, profit_share
from pipelines.scoring.inputs import read_inputs
from pipelines.scoring.tables import EMPLOYEE_SCORECARDS, KPI_SCORES, write_table
from pipelines.step_timings import timed


INCENTIVE_TABLES = {
    "incentive_bonus_pool": "Team bonus pool from lead-cost savings, per period, for the lead to approve.",
    "incentive_profit_share": "Profit share above the annual target, for the lead to approve.",
    "budget_suggestions": "Suggested budget share per channel, proportional to 1 / CPL.",
}


@dg.multi_asset(
    specs=[dg.AssetSpec(dg.AssetKey(["scoring", "kpi_scores"]), deps=[mkpi_dbt_models], group_name="scoring",
                        kinds={"duckdb"}, description="Period × person × KPI: actual, target, achievement, points."),
           dg.AssetSpec(dg.AssetKey(["scoring", "employee_scorecards"]), deps=[mkpi_dbt_models], group_name="scoring",
                        kinds={"duckdb"}, description="Period × person: total, grade, ranks, flags."),
           *[dg.AssetSpec(dg.AssetKey(["scoring", name]), deps=[mkpi_dbt_models], group_name="scoring", kinds={"duckdb"},
                          description=text) for name, text in INCENTIVE_TABLES.items()]],
    name="score_kpis",
)
def score_kpis(context: dg.AssetExecutionContext, mkpi: MkpiResource):
    with timed("scoring"):
        kpi_rows, cards = _score_into(Path(mkpi.build_path), Path(mkpi.kpi_config))
    blocked = sorted({c["period"] for c in cards if c["status"] == "blocked"})
    if blocked:
        context.log.warning(f"scorecards not computed for {', '.join(blocked)}: error-level tracking issues")
    yield dg.MaterializeResult(asset_key=["scoring", "kpi_scores"], metadata={"rows": len(kpi_rows)})
    yield dg.MaterializeResult(asset_key=["scoring", "employee_scorecards"],
                               metadata={"rows": len(cards), "blocked_periods": ", ".join(blocked) or "none"})
    for name in INCENTIVE_TABLES:
        yield dg.MaterializeResult(asset_key=["scoring", name])


def _score_into(build_path: Path, kpi_config: Path) -> tuple[list, list]:
    """Score the roster from the working copy's marts and write the scoring tables into it."""
    con = warehouse.connect(build_path)
    try:
        config = load_kpi_config(kpi_config)
        inputs = read_inputs(con)
        kpi_rows, cards = score(inputs, config)
        write_table(con, "kpi_scores", KPI_SCORES, kpi_rows)
        write_table(con, "employee_scorecards", EMPLOYEE_SCORECARDS, cards)
        write_table(con, "incentive_bonus_pool", BONUS_POOL, bonus_pool(inputs, config.incentives))
        write_table(con, "incentive_profit_share", PROFIT_SHARE, profit_share(inputs, config.incentives))
        write_table(con, "budget_suggestions", BUDGET, budget_suggestions(inputs, inputs.channel_monthly))
    except KpiConfigError as err:
        raise dg.Failure(description=str(err), allow_retries=False) from None
    finally:
        con.close()
    return kpi_rows, cards

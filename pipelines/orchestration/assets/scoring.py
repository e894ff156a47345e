"""KPI scoring after the marts are built and before publishing: scores ship with the numbers they came from."""

from pathlib import Path

import dagster as dg

from pipelines import warehouse
from pipelines.orchestration.resources import MkpiResource
from pipelines.scoring import closing
from pipelines.scoring.config import KpiConfigError
from pipelines.scoring.kpi_yml import load_kpi_config
from pipelines.scoring.engine import score
from pipelines.scoring.incentives import bonus_pool, budget_suggestions, profit_share, team_commission
from pipelines.scoring.inputs import SCORING_MARTS, read_inputs
from pipelines.scoring.labels import label_rows
from pipelines.scoring.tables import FAILED, SCORED, TABLES, write_table
from pipelines.step_timings import timed


@dg.multi_asset(
    specs=[dg.AssetSpec(dg.AssetKey(["scoring", name]), deps=[dg.AssetKey(["marts", m]) for m in SCORING_MARTS],
                        group_name="scoring", kinds={"duckdb"}, description=text) for name, (_, text) in TABLES.items()],
    name="score_kpis",
)
def score_kpis(context: dg.AssetExecutionContext, mkpi: MkpiResource):
    """A scoring failure (kpi.yml, the roster) does not withhold the marketing marts: the scoring tables are
    published empty with the reason in `scoring_status`, and the KPI report step fails the run after publishing."""
    with timed("scoring"):
        kpi_rows, cards, failure = _score_into(Path(mkpi.build_path), Path(mkpi.kpi_config), Path(mkpi.state_dir))
    if failure:
        context.log.error(f"scoring failed: {failure}; the scoring tables are empty tonight")
    blocked = [r for r in kpi_rows if r["data_status"] == "blocked"]
    periods = ", ".join(sorted({r["period"] for r in blocked})) or "none"
    if blocked:
        context.log.warning(f"{len(blocked)} KPI score(s) not computed in {periods}: error-level tracking issues "
                            "touch their numbers (kpi_scores.formula says which)")
    metadata = {"kpi_scores": {"rows": len(kpi_rows), "blocked": len(blocked), "blocked_periods": periods},
                "employee_scorecards": {"rows": len(cards)},
                "scoring_status": {"status": FAILED if failure else SCORED, "message": failure or ""}}
    for name in TABLES:
        yield dg.MaterializeResult(asset_key=["scoring", name], metadata=metadata.get(name))


def _score_into(build_path: Path, kpi_config: Path, state_dir: Path) -> tuple[list, list, str | None]:
    """Score the roster from the working copy's marts (final periods as they were closed) and write the
    scoring tables into it; on a configuration or roster error, write them empty and return the error's line."""
    con = warehouse.connect(build_path)
    try:
        inputs = read_inputs(con)
        try:
            config = load_kpi_config(kpi_config)
            with closing.Store(closing.store_path(state_dir)) as store:
                kpi_rows, cards, raised = score(inputs, config, store.frozen())
                tables = {"kpi_scores": kpi_rows, "employee_scorecards": cards, "scorecard_flags": raised,
                          "incentive_bonus_pool": bonus_pool(inputs, config.incentives),
                          "incentive_profit_share": profit_share(inputs, config.incentives),
                          "incentive_team_commission": team_commission(inputs, config.incentives),
                          "kpi_labels": label_rows(config, inputs.employees),
                          "budget_suggestions": budget_suggestions(inputs, inputs.channel_monthly)}
                closing.settle(store, inputs.periods(), inputs.as_of, config.close_day, tables, inputs.data_through)
            failure = None
        except Exception as err:  # noqa: BLE001 - a bug in scoring must not withhold the marts either
            if not isinstance(err, KpiConfigError):
                dg.get_dagster_logger().exception("scoring failed")
            kpi_rows, cards, tables = [], [], {}
            failure = str(err) if isinstance(err, KpiConfigError) else f"{type(err).__name__}: {err}"
        tables["scoring_status"] = [{"as_of_date": inputs.as_of, "status": FAILED if failure else SCORED,
                                     "message": failure}]
        for name in TABLES:
            write_table(con, name, tables.get(name, []))
    finally:
        con.close()
    return kpi_rows, cards, failure

"""KPI scoring after the marts are built and before publishing: scores ship with the numbers they came from."""

from dataclasses import replace
from pathlib import Path

import dagster as dg
import duckdb

from pipelines.night import warehouse
from pipelines.orchestration.resources import MkpiResource
from pipelines.scoring import closing
from pipelines.scoring.config import KpiConfigError
from pipelines.scoring.kpi_yml import load_kpi_config
from pipelines.scoring.engine import score
from pipelines.scoring.incentives import bonus_pool, budget_suggestions, profit_share, team_commission
from pipelines.scoring.inputs import SCORING_MARTS, attributed_monthly, read_inputs
from pipelines.scoring.labels import label_rows
from pipelines.scoring.tables import FAILED, SCORED, TABLES, write_table
from pipelines.night.step_timings import timed
from pipelines.night.warehouse import records


@dg.multi_asset(
    specs=[dg.AssetSpec(dg.AssetKey(["scoring", name]), deps=[dg.AssetKey(["marts", m]) for m in SCORING_MARTS],
                        group_name="scoring", kinds={"duckdb"}, description=text) for name, (_, text) in TABLES.items()],
    name="score_kpis",
)
def score_kpis(context: dg.AssetExecutionContext, mkpi: MkpiResource):
    """A scoring failure (kpi.yml, the roster) does not withhold the marketing marts: the scoring tables are
    published empty with the reason in `scoring_status`, and the KPI report step fails the run after publishing."""
    with timed("scoring", "scoring the KPIs"):
        kpi_rows, cards, failure = _score_into(Path(mkpi.build_path), Path(mkpi.kpi_config), Path(mkpi.state_dir),
                                               Path(mkpi.warehouse))
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


def _score_into(build_path: Path, kpi_config: Path, state_dir: Path, published: Path) -> tuple[list, list, str | None]:
    """Score the roster from the working copy's marts (final periods as they were closed) and write the
    scoring tables into it. When scoring fails, the final periods' rows are written as they were closed
    (HR acted on them), everything else empty, and the error's line is returned."""
    con = warehouse.connect(build_path)
    try:
        inputs = read_inputs(con)
        try:
            config = load_kpi_config(kpi_config)
            inputs = replace(inputs, by_model=attributed_monthly(con, config.attribution_models))
            with closing.Store(closing.store_path(state_dir)) as store:
                kpi_rows, cards, raised = score(inputs, config, store.frozen(), closing.waivers(store.events()))
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
            failure = str(err) if isinstance(err, KpiConfigError) else f"{type(err).__name__}: {err}"
            tables, kept = _final_rows_kept(state_dir, published)
            failure += kept
            kpi_rows, cards = tables.get("kpi_scores", []), tables.get("employee_scorecards", [])
        tables["scoring_status"] = [{"as_of_date": inputs.as_of, "status": FAILED if failure else SCORED,
                                     "message": failure}]
        for name in TABLES:
            write_table(con, name, tables.get(name, []))
    finally:
        con.close()
    return kpi_rows, cards, failure


def _final_rows_kept(state_dir: Path, published: Path) -> tuple[dict[str, list[dict]], str]:
    """The final periods' rows from the closed-periods store; when the store cannot be read, the final rows
    of last night's published file. With a sentence for the failure message saying which."""
    store_file = closing.store_path(state_dir)
    try:
        with closing.Store(store_file) as store:
            frozen, events = store.frozen(), store.events()
        periods = ", ".join(sorted(frozen.periods)) or "none"
        return {**frozen.rows, "scoring_period_events": events}, f"; final periods kept as closed: {periods}"
    except duckdb.Error as err:
        damaged = (str(err).strip().splitlines() or [type(err).__name__])[0]
    rows = published_final_rows(published)
    periods = ", ".join(sorted({r["period"] for r in rows.get("employee_scorecards", [])})) or "none"
    return rows, (f"; {store_file} holds the closed periods and cannot be read ({damaged}): last night's final "
                  f"rows are published again ({periods}). To restore it, move the damaged file aside and run "
                  f"`mkpi close <period>` for each of them: it freezes the rows the published file shows "
                  f"(the snapshots beside it keep earlier nights)")


def published_final_rows(published: Path) -> dict[str, list[dict]]:
    """The final periods' rows as last night's published file shows them; none when there is no readable file."""
    return warehouse.read_if_readable(published, lambda con: {
        name: records(con, f"SELECT * FROM marts.{name} WHERE period_status = ?", [closing.FINAL])
        for name in closing.FROZEN}, {})

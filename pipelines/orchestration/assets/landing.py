"""Landing: every source export into the working warehouse, one asset key per dbt source table."""

import tempfile
from dataclasses import replace
from pathlib import Path

import dagster as dg
import duckdb

from connectors import landing, source_folder
from connectors.errors import SourceError
from connectors.kinds import KINDS
from connectors.sql_text import literal
from pipelines.sources import landing_notes
from pipelines.building import spark_engine
from pipelines.night import warehouse
from pipelines.building.build_plan import BuildPlan, plan_build, record_build_state, start_from_published
from pipelines.configuration.mkpi_yml import ConfigError, RunConfig, check_as_of
from pipelines.orchestration.resources import MkpiResource
from pipelines.night.step_timings import say, timed
from pipelines.validation import beside_dbt
from pipelines.validation.data_expectations import export_landed, validated_kinds

# Written anew every night, whatever arrived.
NIGHTLY_TABLES = ["quarantine", "run_settings", "row_changes", "connector_state"]
# Every table the landing step writes: the dbt source `landing` declares the same list (a test checks).
LANDING_TABLES = [*KINDS, *NIGHTLY_TABLES]


def landing_key(table: str) -> dg.AssetKey:
    """The same key dagster-dbt gives the dbt source `landing.<table>`, so lineage connects."""
    return dg.AssetKey(["landing", table])


def write_run_settings(con, config: RunConfig, incremental: bool) -> None:
    a = config.attribution
    con.execute(
        """CREATE OR REPLACE TABLE landing.run_settings AS
           SELECT ?::VARCHAR AS reporting_currency, ?::VARCHAR AS reporting_timezone,
                  ?::DATE AS as_of_date, ?::INTEGER AS fx_max_staleness_days,
                  ?::INTEGER AS rebuild_lookback_days, ?::BOOLEAN AS incremental_build,
                  ?::INTEGER AS attribution_lookback_days, ?::INTEGER AS attribution_lookback_steps,
                  ?::VARCHAR AS attribution_path_transform, ?::VARCHAR AS attribution_direct,
                  ?::DOUBLE AS attribution_half_life_days""",
        [config.reporting_currency, config.reporting_timezone, config.as_of(), config.fx_max_staleness_days,
         config.rebuild_lookback_days, incremental, a.lookback_days, a.lookback_steps, a.path_transform, a.direct,
         a.half_life_days],
    )


def land_source_folder(mkpi: MkpiResource, log) -> tuple[dict[str, landing.KindReport], BuildPlan]:
    """Land the source folder into the working copy: a fresh one, or last night's file when nothing
    that shapes the rows changed (then only new and changed files are read). A report per kind."""
    config = mkpi.run_config()
    check_as_of(config, Path(mkpi.config_file), mkpi.allow_future_as_of)  # the schedule has no pre-flight
    folder = source_folder.scan(Path(mkpi.source_dir))
    for path in folder.unknown:
        log.warning(f"{path}: not a known kind of export, ignored (known kinds: {', '.join(KINDS)})")
    for line in folder.skipped:
        log.warning(line)
    plan = plan_build(Path(mkpi.warehouse), config, mkpi.pii_salt, mkpi.full_refresh, mkpi.engine,
                      Path(mkpi.state_dir))
    log.info(plan.reason)
    restarted = []
    try:
        reports = _land_into_working_copy(mkpi, config, folder, plan)
    except duckdb.Error as err:
        if not plan.incremental:
            raise
        # Last night's file could not serve as the start (a damaged block, say): build from the exports.
        first = (str(err).strip().splitlines() or [type(err).__name__])[0]
        restarted.append(f"{mkpi.warehouse} could not be used as tonight's starting point ({first}); "
                         "rebuilt everything from the exports")
        log.warning(restarted[0])
        plan = replace(plan, incremental=False, reason=f"full build: last night's file could not be read ({first})")
        reports = _land_into_working_copy(mkpi, config, folder, plan)
    for report in reports.values():
        for line in report.files_not_read:
            log.warning(f"not read, quarantined as a file: {line}")
        for line in report.notes:
            log.warning(line)
    unknown = [f"{path}: not a known kind of export, ignored" for path in folder.unknown]
    notes = restarted + folder.skipped + unknown + [f"not read: {line}" for r in reports.values() for line in r.files_not_read]
    landing_notes.save(Path(mkpi.state_dir), notes + [line for r in reports.values() for line in r.notes])
    return reports, plan


def _land_into_working_copy(mkpi: MkpiResource, config: RunConfig, folder, plan: BuildPlan) -> dict[str, landing.KindReport]:
    """A fresh working copy, or last night's file when the plan is incremental, with tonight's rows landed."""
    build_path = Path(mkpi.build_path)
    warehouse.start_build(build_path)
    if plan.incremental:
        start_from_published(Path(mkpi.warehouse), build_path)
    con = warehouse.connect(build_path, memory_limit=mkpi.duckdb_memory_limit)
    try:
        # Timestamps without an offset are read as reporting-time-zone local times.
        con.execute(f"SET TimeZone = {literal(config.reporting_timezone)}")
        pulled = tuple(s.name for s in mkpi.sources().enabled)
        reports = {r.kind: r for r in landing.land_all(con, folder.files, pii_salt=mkpi.pii_salt,
                                                        pull_store=Path(mkpi.pull_store), pulled_sources=pulled,
                                                        incremental=plan.incremental,
                                                        encodings=config.file_encodings,
                                                        latest_date=config.latest_row_date(),
                                                        progress=say)}
        write_run_settings(con, config, plan.incremental)
        record_build_state(con, plan, [k for k, r in reports.items() if r.changed] + NIGHTLY_TABLES)
        if mkpi.engine == "spark":
            spark_engine.export_landing(con, mkpi.settings().landing_parquet)
    finally:
        con.close()
    return reports


def landing_assets(pulled: list[dg.AssetKey]) -> dg.AssetsDefinition:
    """The landing step, after every pulled API table it reads."""
    return dg.multi_asset(
        specs=[dg.AssetSpec(landing_key(t), group_name="landing", kinds={"duckdb"},
                            deps=[k for k in pulled if t == "connector_state" or k.path[-1] == t])
               for t in LANDING_TABLES],
        name="land_source_files",
        description="Read every export in the source folder and every pulled API row into DuckDB: raw text, "
                    "typed rows, quarantine.",
    )(land_source_files)


def land_source_files(context: dg.AssetExecutionContext, mkpi: MkpiResource):
    try:
        with timed("landing", "landing the exports"):
            reports, plan = land_source_folder(mkpi, context.log)
    except (SourceError, FileNotFoundError, ConfigError) as err:  # one line for the run's summary and alert
        raise dg.Failure(description=str(err), allow_retries=False) from None
    for kind, report in reports.items():
        yield dg.MaterializeResult(
            asset_key=landing_key(kind),
            metadata={
                "files": len(report.files),
                "rows_read": report.rows_read,
                "rows_loaded": report.rows_loaded,
                "rows_quarantined": report.rows_quarantined,
            },
        )
    yield dg.MaterializeResult(
        asset_key=landing_key("quarantine"),
        metadata={"rows_quarantined": sum(r.rows_quarantined for r in reports.values()),
                  "files_not_read": sum(len(r.files_not_read) for r in reports.values())},
    )
    yield dg.MaterializeResult(asset_key=landing_key("run_settings"),
                               metadata={"incremental": plan.incremental, "build": plan.reason})
    yield dg.MaterializeResult(asset_key=landing_key("row_changes"))
    yield dg.MaterializeResult(asset_key=landing_key("connector_state"))
    with timed("validation", "starting the data validation beside dbt"):  # exporting tonight's rows for the validation that runs beside dbt
        start_validation(mkpi, {k: reports[k].landed for k in validated_kinds() if reports[k].landed})


def start_validation(mkpi: MkpiResource, landed: dict[str, list[str]]) -> None:
    """Export tonight's rows of each kind and validate them in a child process while dbt builds."""
    if not landed:
        return
    folder = Path(tempfile.mkdtemp(prefix="mkpi-validate-"))
    con = warehouse.connect(Path(mkpi.build_path), read_only=True)
    try:
        files = export_landed(con, list(landed), folder,
                              rows={kind: landing.rows_of(files) for kind, files in landed.items()})
    finally:
        con.close()
    beside_dbt.start(mkpi.build_path, files, mkpi.run_config().as_of().isoformat(),
                     Path(mkpi.state_dir) / "validations", Path(mkpi.state_dir))

"""The dbt project as Dagster assets: staging, intermediate and marts, with dbt tests as asset checks."""

import functools
import json
import sys
from pathlib import Path

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from pipelines.building import dbt_runner, dbt_selection, spark_engine
from pipelines.night import warehouse
from pipelines.building.build_plan import changed_tonight
from pipelines.configuration.mkpi_yml import RunConfig
from pipelines.orchestration.resources import MkpiResource
from pipelines.settings import PROJECT_ROOT
from pipelines.night.step_timings import count, timed

# The dbt installed beside this Python, so a venv's `mkpi` works without the venv on PATH.
DBT_EXECUTABLE = str(Path(sys.executable).with_name("dbt"))
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
_PROJECT_FILES = (".sql", ".yml", ".yaml", ".csv")
_PROJECT_FOLDERS = ("models", "macros", "seeds", "tests", "analyses", "snapshots")


@functools.cache
def dbt_project() -> DbtProject:
    """The project (DbtProject reads dbt_project.yml, so it is made on first use, not at import). Its
    manifest describes the code; the nightly build's own target folder is the warehouse's (Settings.dbt_target):
    one fixed folder per warehouse keeps dbt's partial-parse state from one night to the next."""
    return DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


def manifest_is_stale(project: DbtProject) -> bool:
    """True when any model, macro, seed or yml file changed after the manifest was written."""
    manifest = project.manifest_path
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    folders = [project.project_dir / f for f in _PROJECT_FOLDERS]
    files = [p for f in folders if f.is_dir() for p in f.rglob("*") if p.suffix in _PROJECT_FILES]
    files += list(project.project_dir.glob("*.yml"))
    return any(p.stat().st_mtime > built for p in files)


def prepare_manifest() -> Path:
    """`dbt parse` (in this process) when the manifest is missing or stale, so a fresh checkout and tests
    just work; returns the manifest's path."""
    project = dbt_project()
    if manifest_is_stale(project):
        outcome = dbt_runner.invoke(["parse", "--quiet"], project.project_dir, project.project_dir / project.target_path)
        if not outcome.success:
            raise RuntimeError(f"dbt could not parse {project.project_dir}: {outcome.error or 'see logs/dbt.log'}")
    return project.manifest_path


class MkpiTranslator(DagsterDbtTranslator):
    """dagster-dbt's defaults, but for groups and tests. No dbt test is a Dagster asset check: each
    reported test is a stored event (about 15 ms apiece), and a failing one fails the step with its name
    anyway; the tracking checks are asset checks of their own (tracking_checks.py)."""

    def get_group_name(self, dbt_resource_props):
        """The layer, as the project's folders name it (staging, intermediate, marts, tracking), and
        `reference` for the seeds: the UI shows the graph by layer instead of one group "default"."""
        if dbt_resource_props["resource_type"] == "seed":
            return "reference"
        fqn = dbt_resource_props.get("fqn") or []
        return fqn[1] if len(fqn) > 2 else super().get_group_name(dbt_resource_props)

    def get_asset_check_spec(self, asset_spec, manifest, unique_id, project):
        return None


@functools.cache
def dbt_models() -> dg.AssetsDefinition:
    """The dbt project as one multi-asset, from a manifest parsed on first use."""
    return dbt_assets(manifest=prepare_manifest(), project=dbt_project(), name="mkpi_dbt_models",
                      dagster_dbt_translator=MkpiTranslator())(_build_models)


def _build_models(context: dg.AssetExecutionContext, mkpi: MkpiResource):
    # On a night that starts from last night's file, what none of tonight's changes reach stays as built.
    changed = changed_tonight(Path(mkpi.build_path)) if mkpi.engine == "duckdb" else None
    kept = dbt_selection.unchanged_nodes(_manifest(), changed) if changed is not None else set()
    args = build_args(mkpi.run_config(), mkpi.engine, kept)
    settings = mkpi.settings()
    reported = set()
    with timed("dbt", "dbt build (models and tests)"):
        # Spark's session would start a JVM inside the Dagster process: it keeps dbt in a child process.
        if mkpi.engine == "spark":
            events, results = _child_process_events(context, args, settings), None
        else:
            outcome = dbt_runner.invoke(args, DBT_PROJECT_DIR, settings.dbt_target, settings.dbt_env(),
                                        on_node=lambda done, total: count("dbt build, nodes done", done, total))
            if outcome.error:
                raise dg.Failure(description=f"dbt could not start: {outcome.error}", allow_retries=False)
            events, results = _in_process_events(context, outcome, kept), outcome.records()
        for event in events:
            if isinstance(event, dg.Output):
                reported.add(context.asset_key_for_output(event.output_name))
            yield event
    if results is None:  # the child process wrote its results to the target folder
        results = json.loads((settings.dbt_target / "run_results.json").read_text())["results"]
    failed = build_failures(results)
    if failed:
        raise dg.Failure(description=describe_failures(failed), allow_retries=False)
    unreported = sorted(key.to_user_string() for key in context.selected_asset_keys - reported)
    if unreported:
        # Otherwise Dagster skips everything downstream of them and calls the run a success.
        raise dg.Failure(description=f"dbt did not report {len(unreported)} model(s) to Dagster, so the run "
                         f"stops before publishing: {', '.join(unreported[:5])}",
                         allow_retries=False)
    if mkpi.engine == "spark":
        con = warehouse.connect(Path(mkpi.build_path), memory_limit=mkpi.duckdb_memory_limit)
        try:
            copied = spark_engine.copy_marts(settings, con)
        finally:
            con.close()
        context.log.info(f"copied {len(copied)} tables from Spark into the working DuckDB file")


def _in_process_events(context: dg.AssetExecutionContext, outcome: dbt_runner.DbtOutcome, kept: set[str]):
    """dbt's in-process results as Dagster outputs; the `kept` models and seeds as outputs too: they hold
    last night's rows, which tonight's build would write again."""
    manifest, translator = _manifest(), MkpiTranslator()
    for unique_id in dbt_selection.in_build_order(manifest, (uid for uid in kept if not uid.startswith("test."))):
        key = translator.get_asset_spec(manifest, unique_id, dbt_project()).key
        if key in context.selected_asset_keys:
            yield dg.Output(None, output_name=key.to_python_identifier(),
                            metadata={"status": "kept from last night's file: none of its inputs changed"})
    for result in outcome.results:
        unique_id, status = result.node.unique_id, getattr(result.status, "value", str(result.status))
        if unique_id.split(".")[0] in ("model", "seed", "snapshot") and status == "success":
            key = translator.get_asset_spec(manifest, unique_id, dbt_project()).key
            if key in context.selected_asset_keys:
                yield dg.Output(None, output_name=key.to_python_identifier(),
                                metadata={"status": status, "seconds": round(result.execution_time, 3)})


def _child_process_events(context: dg.AssetExecutionContext, args: list[str], settings):
    cli = DbtCliResource(project_dir=dbt_project(), dbt_executable=DBT_EXECUTABLE)
    with dbt_runner.environment(settings.dbt_env()):  # the child inherits the run's paths, not the shell's
        invocation = cli.cli(args, context=context, raise_on_error=False, target_path=settings.dbt_target)
    for event in invocation.stream():
        # dagster-dbt reports the tests that are not asset checks as observations: dropped, see MkpiTranslator.
        if not isinstance(event, dg.AssetObservation):
            yield event


def tracking_descriptions() -> dict[str, str]:
    """Each tracking check's description: its model's (int_tracking__<check>) in the tracking yml."""
    prefix = "int_tracking__"
    return {node["name"][len(prefix):]: node.get("description") or ""
            for node in _manifest()["nodes"].values()
            if node["resource_type"] == "model" and node["name"].startswith(prefix)}


@functools.cache
def _manifest() -> dict:
    return json.loads(prepare_manifest().read_text())


def build_args(config: RunConfig, engine: str = "duckdb", kept: set[str] = frozenset()) -> list[str]:
    """`dbt build` on the engine's target, without the `kept` nodes (unique ids), with mkpi.yml's
    tracking settings when it changes any."""
    # dbt unit tests check the SQL, not the night's data: they run in `make test`, not here.
    args = ["build", "--exclude-resource-type", "unit_test", "--target", engine]
    if engine == "duckdb":
        # Its results come back in process; manifest.json and run_results.json would cost ~0.5 s to write.
        args.append("--no-write-json")
    if kept:
        nodes = _manifest()["nodes"]
        args += ["--exclude", *sorted(nodes[uid]["name"] for uid in kept)]
    if engine != "duckdb":
        args.append("--full-refresh")  # its tables outlive the night; build_plan.plan_build explains why whole
    overrides = config.tracking_overrides
    return args + ["--vars", json.dumps({"mkpi_tracking_overrides": overrides})] if overrides else args


def build_failures(results: list[dict]) -> list[dict]:
    """Failed nodes (a test at severity warn reports `warn`, not a failure)."""
    return [r for r in results if r.get("status") in ("error", "fail", "runtime error")]


def describe_failures(failed: list[dict], limit: int = 3) -> str:
    """One line naming the models and tests that failed and dbt's first line about each."""
    parts = []
    for result in failed[:limit]:
        name = result["unique_id"].split(".")[2] if result["unique_id"].count(".") >= 2 else result["unique_id"]
        message = " ".join((result.get("message") or result["status"]).split())
        parts.append(f"{name}: {message[:200]}")
    more = f" (and {len(failed) - limit} more)" if len(failed) > limit else ""
    return "dbt build failed: " + "; ".join(parts or ["see the dbt log"]) + more

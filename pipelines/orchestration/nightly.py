"""Run the nightly job in-process, the way `mkpi run` and the tests do."""

from __future__ import annotations

import contextlib
import csv
import re
import shutil
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import dagster as dg

from connectors import landing, source_folder
from connectors.errors import SourceError
from connectors.kinds import KINDS
from pipelines.building import build_plan, spark_engine
from pipelines.night import state_folder, step_timings, warehouse
from pipelines.orchestration import run_history
from pipelines.settings import ENGINES, PROJECT_ROOT, Settings
from pipelines.validation import beside_dbt


# Schemas the warehouse holds; a file named like one of them makes DuckDB references ambiguous.
SCHEMAS = {"landing", "staging", "intermediate", "marts", "reference", "main"}

# The full event log stays in Dagster's run storage (make dev); mkpi prints its own warnings and summary.
QUIET_CONSOLE = {"loggers": {"console": {"config": {"log_level": "ERROR"}}}}


@dataclass
class RunOutcome:
    success: bool
    seconds: float
    error: str | None = None
    run_id: str | None = None
    warnings: list[str] = field(default_factory=list)  # the night succeeded or failed regardless
    steps: dict[str, float] = field(default_factory=dict)  # seconds per step (step_timings)
    published: bool = False  # the analysts' file was replaced (a run can fail after publishing, e.g. in scoring)


def preflight(settings: Settings) -> list[str]:
    """Checks that need no run: the engine, the config files, the alert sinks' addresses. Raises ConfigError,
    KpiConfigError, SourcesConfigError or SparkUnavailable for what makes the night meaningless; returns
    warnings for the rest (a file that cannot be read is quarantined by the run, not fatal here)."""
    from pipelines.alerting.sinks import SinkNotSet, check_sinks
    from pipelines.configuration.mkpi_yml import ConfigError, check_as_of, load_config
    from pipelines.scoring.kpi_yml import load_kpi_config
    from pipelines.configuration.sources_yml import load_sources

    if settings.engine not in ENGINES:
        raise ConfigError(f"MKPI_ENGINE: '{settings.engine}' is not an engine mkpi builds on; use one of {', '.join(ENGINES)}")
    if settings.engine == "spark":
        spark_engine.check_available()
    config = load_config(settings.config_file)
    check_as_of(config, settings.config_file, settings.allow_future_as_of)
    warnings = [note for note in [state_folder.adopt_legacy_state(settings)] if note]
    for problem in check_sinks(config.alert_sinks):
        if not isinstance(problem, SinkNotSet):
            raise ConfigError(f"{settings.config_file}: alert sink {problem}")
        warnings.append(f"alert sink {problem}: alerts to it will fail")
    kpi_config = load_kpi_config(settings.kpi_config)
    warnings += _missing_credentials(settings, load_sources(settings.sources_file))
    if settings.warehouse.stem.lower() in SCHEMAS:
        raise ConfigError(
            f"{settings.warehouse}: DuckDB names a database after its file, and '{settings.warehouse.stem}' is also "
            f"a schema inside it; choose another file name (for example warehouse.duckdb)"
        )
    folder = source_folder.scan(settings.source_dir)
    for kind, files in folder.files.items():
        for path in files:
            try:
                landing.check_header(KINDS[kind], path, landing.encoding_for(path, config.file_encodings))
            except SourceError as err:  # the night goes on without it; the run quarantines it and alerts
                warnings.append(f"{err} (this file will not be read)")
    warnings += _unknown_roles(folder.files.get("roster", []), kpi_config, config.file_encodings)
    warnings += folder.skipped
    warnings += [f"{p}: not a known kind of export, ignored" for p in folder.unknown]
    # A kind the folder never had is no news; one that last night's file read from the folder and that is gone
    # tonight is an export that went missing.
    before = _kinds_read_last_night(settings.warehouse)
    warnings += [f"no {k} files in {settings.source_dir} tonight, though last night read some: its tables will be empty"
                 for k in KINDS if k not in folder.files and k in before]
    return warnings


def _kinds_read_last_night(published: Path) -> set[str]:
    """The kinds the published file landed from export files (not from API pulls); none from a damaged file
    (the run says so and rebuilds)."""
    return warehouse.read_if_readable(published, lambda con: {k for (k,) in con.execute(
        "SELECT DISTINCT kind FROM landing.landed_files WHERE NOT ends_with(file, ?)", [landing.API_SUFFIX]).fetchall()},
        set())


def _unknown_roles(roster_files: list[Path], kpi_config, encodings: tuple) -> list[str]:
    """Scoring stops at a role kpi.yml does not define: say so before the build, not after it."""
    from pipelines.scoring.engine import unknown_role
    from pipelines.scoring.inputs import Employee

    warnings = []
    for path in roster_files:
        encoding = landing.encoding_for(path, encodings)
        try:
            names, delimiter = landing.check_header(KINDS["roster"], path, encoding)
            with open(path, encoding=encoding.name, newline="") as fh:
                reader = csv.reader(fh, delimiter=delimiter)
                next(reader)
                for row in reader:
                    record = {n: v.strip() for n, v in zip(names, row)}
                    role = record.get("role", "").lower()
                    if role and role not in kpi_config.roles:
                        person = Employee(record.get("employee_id", ""), "", role, None, str(path), reader.line_num)
                        warnings.append(f"{unknown_role(person, kpi_config)}; scoring will fail tonight and the "
                                        "marketing marts will be published without scorecards")
        except (SourceError, UnicodeDecodeError, csv.Error):
            continue  # the header check above names an unusable file; the run quarantines bad lines
    return warnings


def _missing_credentials(settings: Settings, sources) -> list[str]:
    """An unset credential variable fails its source at once (no retries); say so before the night starts."""
    if not sources.enabled:
        return []  # the connectors' imports (pandas among them) cost seconds
    from pipelines.sources.pulling import MissingSecret, build_source, token_store

    warnings, tokens = [], token_store(settings)
    for spec in sources.enabled:
        try:
            build_source(spec, tokens)
        except MissingSecret as err:
            warnings.append(f"{err}; {spec.name} is not pulled tonight and keeps its last good data")
    return warnings


def prepare_dagster_home(settings: Settings) -> None:
    settings.dagster_home.mkdir(parents=True, exist_ok=True)
    target = settings.dagster_home / "dagster.yaml"
    source = PROJECT_ROOT / "dagster.yaml"
    if not target.exists() or target.read_bytes() != source.read_bytes():
        shutil.copyfile(source, target)


def run_nightly(settings: Settings, instance: dg.DagsterInstance | None = None,
                full_refresh: bool = False, started: float | None = None, alert: bool = True) -> RunOutcome:
    """Materialize every asset; on failure return the first failing step's message, one line.
    `full_refresh`: build from nothing even when last night's file could be reused. `started`: the
    `time.perf_counter()` at which the command began, so start-up counts its imports and pre-flight.
    `alert`: send the tracking alerts once the run lock is released (`mkpi run`, which holds the lock
    longer, sends them itself). Raises run_lock.RunInProgress when another run holds the lock."""
    from pipelines.night import run_lock

    started = time.perf_counter() if started is None else started
    with run_lock.hold(settings.warehouse):
        outcome = _run_nightly(settings, instance, full_refresh, started)
    return alert_after_run(settings, outcome) if alert else outcome


def alert_after_run(settings: Settings, outcome: RunOutcome) -> RunOutcome:
    """The night's tracking alerts, sent after the run lock is released: a sink slow to answer (each try
    has its deadline anyway) never holds the next night. Nothing is sent for a night that published nothing."""
    if not outcome.published:
        return outcome
    from pipelines.alerting.dispatch import send_tracking_alerts
    from pipelines.configuration.mkpi_yml import load_config

    started = time.perf_counter()
    with step_timings.timed("alerts", "alerting"):  # added to the night's tally, in its place among the steps
        send_tracking_alerts(load_config(settings.config_file), settings.warehouse, settings.state_dir)
    seconds = outcome.seconds + time.perf_counter() - started
    return replace(outcome, seconds=seconds, steps=step_timings.taken(seconds))


def _run_nightly(settings: Settings, instance, full_refresh: bool, started: float) -> RunOutcome:
    from pipelines.orchestration.definitions import build_definitions

    step_timings.reset()
    defs = build_definitions(settings, full_refresh)
    keeps_history = instance is None
    if keeps_history:  # mkpi run: executed in memory, then kept in the settings' Dagster home (run_history.py)
        prepare_dagster_home(settings)
        instance = dg.DagsterInstance.ephemeral()
    log_path = settings.run_log
    log_path.parent.mkdir(parents=True, exist_ok=True)
    # dagster-dbt echoes every dbt event to stdout; keep the terminal for the summary.
    with open(log_path, "w", encoding="utf-8") as log, contextlib.redirect_stdout(log):
        try:
            result = defs.resolve_job_def("nightly").execute_in_process(
                instance=instance, raise_on_error=False, run_config=QUIET_CONSOLE
            )
        finally:
            beside_dbt.discard(str(settings.build_path))  # a run that failed before collecting it
    warnings = []
    if keeps_history:
        warnings = _keep_in_history(instance, result.run_id, settings.dagster_home)
        instance.dispose()  # its temporary folder: the worker ends without the interpreter's clean-up
    elapsed = time.perf_counter() - started
    steps = step_timings.taken(elapsed)
    published = bool(result.asset_materializations_for_node("published_warehouse"))
    if not published:  # a failed night's half-built copy only takes space (on a full disk, the space needed)
        warehouse.start_build(settings.build_path)
    error = None if result.success else _first_failure(result)
    build_plan.note_outcome(settings.state_dir, error)
    return RunOutcome(result.success, elapsed, error=error, run_id=result.run_id, steps=steps, published=published,
                      warnings=warnings)


def _keep_in_history(source: dg.DagsterInstance, run_id: str, history: Path) -> list[str]:
    """The night's outcome stands whether or not its record can be kept (say, a full disk)."""
    with step_timings.timed("history", "keeping the run in the run history"):
        try:
            return run_history.keep(source, run_id, history)
        except Exception as err:  # noqa: BLE001 - any storage error; the data work is done
            return [f"the run history in {history} was not updated ({type(err).__name__}: {err}); "
                    "make dev will not show tonight's run"]


def _first_failure(result) -> str:
    for event in result.all_events:
        if event.is_step_failure and event.step_failure_data.error:
            error = event.step_failure_data.error
            # Dagster wraps an unexpected exception ("Error occurred while executing op ..."): say the cause.
            while error.cause is not None and error.cls_name.startswith("Dagster"):
                error = error.cause
            # dg.Failure carries our one-line message as its description.
            lines = [line.strip() for line in (error.message or "").strip().splitlines() if line.strip()]
            step = event.step_key or "a step"
            first = re.sub(r"^[\w.]*(Failure|Error|Exception): ", "", lines[0]) if lines else error.cls_name
            return f"{step} failed: {first}"
    return "the run failed; see the Dagster run log (make dev) for details"

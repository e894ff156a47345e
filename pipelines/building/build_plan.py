"""Whether tonight's build starts from last night's published file (incremental) or from nothing.

An incremental night copies the published file and lands and rebuilds only what changed. It is
only safe when everything that shapes the stored rows is as it was: the dbt project, the landing
code, the reporting currency and time zone, the hashing salt and the attribution settings (the stored
paths are built by them). Their fingerprint is stored in
the file (`landing.build_state`); any difference, a missing or unreadable file, or
`mkpi run --full-refresh` makes the night a full build.
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipelines.night import warehouse
from pipelines.configuration.mkpi_yml import RunConfig
from pipelines.settings import PROJECT_ROOT

# What the stored rows depend on; tests and docs do not change them.
_SHAPING_FOLDERS = ("dbt_project/models", "dbt_project/macros", "dbt_project/seeds", "connectors/landing")
_SHAPING_FILES = ("dbt_project/dbt_project.yml", "connectors/kinds.py", "connectors/value_parsers.py",
                  "connectors/personal_data.py", "connectors/file_scan.py", "connectors/errors.py",
                  "connectors/sql_text.py")  # landing's imports: tests/test_registries.py keeps this complete
_SOURCE_SUFFIXES = {".sql", ".yml", ".csv", ".md", ".py"}  # not compiled bytecode, which differs by machine


@dataclass(frozen=True)
class BuildPlan:
    incremental: bool
    reason: str  # one line for the run's log and metadata
    fingerprint: str


def fingerprint(config: RunConfig, pii_salt: str) -> str:
    digest = hashlib.sha256()
    files = [PROJECT_ROOT / f for f in _SHAPING_FILES]
    for folder in _SHAPING_FOLDERS:
        files += sorted(p for p in (PROJECT_ROOT / folder).rglob("*") if p.is_file() and p.suffix in _SOURCE_SUFFIXES)
    for path in files:
        digest.update(str(path.relative_to(PROJECT_ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    settings = (config.reporting_currency, config.reporting_timezone, config.fx_max_staleness_days, pii_salt,
                config.file_encodings, config.attribution)
    digest.update(repr(settings).encode())
    return digest.hexdigest()


FAILED_NIGHT = "failed_night.txt"  # in the state folder: the error of the last night, until one succeeds


def note_outcome(state_dir: Path, error: str | None) -> None:
    """Remember a failed night (its error's line) until a night succeeds: the next night then builds from
    the exports, whatever last night's file holds (a damaged table that failed the build fails it again)."""
    marker = state_dir / FAILED_NIGHT
    if error is None:
        marker.unlink(missing_ok=True)
        return
    state_dir.mkdir(parents=True, exist_ok=True)
    marker.write_text(error, encoding="utf-8")


def plan_build(published: Path, config: RunConfig, pii_salt: str, full_refresh: bool = False,
               engine: str = "duckdb", state_dir: Path | None = None) -> BuildPlan:
    current = fingerprint(config, pii_salt)
    if full_refresh:
        return BuildPlan(False, "full build: asked for with --full-refresh", current)
    failed = state_dir / FAILED_NIGHT if state_dir else None
    if failed is not None and failed.exists():
        said = failed.read_text(encoding="utf-8").strip()[:200]
        return BuildPlan(False, f"full build: the last night failed ({said})", current)
    if engine != "duckdb":
        # Rebuilding a day window deletes rows first; Spark's plain Parquet tables cannot (docs/scale-out.md).
        return BuildPlan(False, f"full build: the {engine} engine rebuilds every table each night", current)
    if not published.exists():
        return BuildPlan(False, "full build: no published file yet", current)
    try:
        con = warehouse.connect(published, read_only=True)
        try:
            stored = con.execute("SELECT fingerprint FROM landing.build_state").fetchone()
        finally:
            con.close()
    except duckdb.Error:
        return BuildPlan(False, "full build: the published file has no build state (built by an older mkpi)", current)
    if not stored or stored[0] != current:
        return BuildPlan(False, "full build: the dbt project, landing code or reporting settings changed", current)
    return BuildPlan(True, "incremental: only new, changed and removed files and the days they touch", current)


def start_from_published(published: Path, build_path: Path) -> None:
    """The working copy begins as last night's file; the published one is never written to."""
    shutil.copyfile(published, build_path)


def started_from_last_night(build_path: Path) -> bool:
    """Whether the working copy is last night's file (an incremental build) rather than a new one."""
    return changed_tonight(build_path) is not None


def changed_tonight(build_path: Path) -> frozenset[str] | None:
    """The landing tables tonight's landing changed, on a night that started from last night's file;
    None when the working copy was built from nothing (then every table is new)."""
    con = warehouse.connect(build_path, read_only=True)
    try:
        row = con.execute("SELECT incremental, changed_tables FROM landing.build_state").fetchone()
    finally:
        con.close()
    return frozenset(row[1]) if row and row[0] else None


def record_build_state(con, plan: BuildPlan, changed_tables: list[str] = ()) -> None:
    con.execute("""CREATE OR REPLACE TABLE landing.build_state AS
                   SELECT ?::VARCHAR AS fingerprint, ?::BOOLEAN AS incremental, ?::VARCHAR AS reason,
                          ?::VARCHAR[] AS changed_tables, current_timestamp AS built_at""",
                [plan.fingerprint, plan.incremental, plan.reason, sorted(changed_tables)])

"""The one place that reads the environment. Everything else receives a `Settings`."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BUILD_SUFFIX = ".building"  # dbt's profiles.yml appends the same suffix to MKPI_WAREHOUSE
DEFAULT_MEMORY_LIMIT = "2GB"  # profiles.yml has the same default for MKPI_DUCKDB_MEMORY_LIMIT
ENGINES = ("duckdb", "spark")  # dbt targets of profiles.yml that `mkpi run --engine` selects


def dbt_target_dir() -> Path:
    """dbt's artifacts and partial-parse state for the nightly build, kept from night to night. Two runs at
    once on different warehouses (parallel test workers) each need their own: MKPI_DBT_TARGET."""
    return Path(os.environ.get("MKPI_DBT_TARGET", PROJECT_ROOT / "dbt_project" / "target" / "nightly")).resolve()


@dataclass(frozen=True)
class Settings:
    warehouse: Path  # the published DuckDB file analysts open
    source_dir: Path  # the folder of exports
    config_file: Path  # mkpi.yml
    kpi_config: Path  # kpi.yml
    dagster_home: Path
    reports_dir: Path | None  # the nightly KPI report and scorecards CSV; None: `reports` beside the warehouse
    state_dir: Path  # what must survive from night to night: the alert ledger, validation results
    pii_salt: str  # mixed into e-mail and phone hashes; keep it secret and stable
    sources_file: Path  # sources.yml: the API sources to pull (absent: exports in the folder only)
    duckdb_memory_limit: str = DEFAULT_MEMORY_LIMIT  # DuckDB spills to disk beyond this, in landing and in dbt
    engine: str = "duckdb"  # where dbt builds the models: duckdb (the warehouse file) or spark (docs/scale-out.md)
    spark_dir: Path = PROJECT_ROOT / "data" / "spark"  # spark engine: landing Parquet, Spark's tables and metastore

    @property
    def build_path(self) -> Path:
        """The working copy a run builds into; published only when the build succeeds."""
        return self.warehouse.with_name(self.warehouse.name + BUILD_SUFFIX)

    @property
    def pull_store(self) -> Path:
        """What the API connectors pulled, kept from night to night (the warehouse itself is rebuilt)."""
        return self.state_dir / "pulled.duckdb"

    @property
    def landing_parquet(self) -> Path:
        """Spark engine: the landing tables as Parquet files, registered as dbt's sources on Spark."""
        return self.spark_dir / "landing"

    @property
    def dbt_project_dir(self) -> Path:
        return PROJECT_ROOT / "dbt_project"

    @classmethod
    def from_env(cls, **overrides) -> "Settings":
        env = os.environ
        data = PROJECT_ROOT / "data"
        settings = cls(
            warehouse=Path(env.get("MKPI_WAREHOUSE", data / "warehouse.duckdb")),
            source_dir=Path(env.get("MKPI_SOURCE_DIR", data / "sample")),
            config_file=Path(env.get("MKPI_CONFIG", PROJECT_ROOT / "mkpi.yml")),
            kpi_config=Path(env.get("MKPI_KPI_CONFIG", PROJECT_ROOT / "kpi.yml")),
            dagster_home=Path(env.get("DAGSTER_HOME", data / "dagster_home")),
            reports_dir=Path(env["MKPI_REPORTS_DIR"]) if env.get("MKPI_REPORTS_DIR") else None,
            state_dir=Path(env.get("MKPI_STATE_DIR", data / "state")),
            pii_salt=env.get("MKPI_PII_SALT", ""),
            sources_file=Path(env.get("MKPI_SOURCES", PROJECT_ROOT / "sources.yml")),
            duckdb_memory_limit=env.get("MKPI_DUCKDB_MEMORY_LIMIT", DEFAULT_MEMORY_LIMIT),
            engine=env.get("MKPI_ENGINE", "duckdb"),
            spark_dir=Path(env.get("MKPI_SPARK_DIR", data / "spark")),
        )
        settings = replace(settings, **{k: v for k, v in overrides.items() if v is not None})
        return replace(
            settings,
            warehouse=Path(settings.warehouse).resolve(),
            source_dir=Path(settings.source_dir).resolve(),
            config_file=Path(settings.config_file).resolve(),
            kpi_config=Path(settings.kpi_config).resolve(),
            dagster_home=Path(settings.dagster_home).resolve(),
            reports_dir=Path(settings.reports_dir or Path(settings.warehouse).resolve().parent / "reports").resolve(),
            state_dir=Path(settings.state_dir).resolve(),
            sources_file=Path(settings.sources_file).resolve(),
            spark_dir=Path(settings.spark_dir).resolve(),
        )

    def export(self) -> None:
        """Make the resolved paths visible to child processes (dbt reads MKPI_WAREHOUSE and the memory limit)."""
        os.environ["MKPI_WAREHOUSE"] = str(self.warehouse)
        os.environ["MKPI_DUCKDB_MEMORY_LIMIT"] = self.duckdb_memory_limit
        os.environ["DAGSTER_HOME"] = str(self.dagster_home)
        os.environ["MKPI_SPARK_DIR"] = str(self.spark_dir)
        os.environ["MKPI_LANDING_PARQUET"] = str(self.landing_parquet)


def secret(name: str) -> str | None:
    """A credential from the environment variable the config names; never logged."""
    value = os.environ.get(name)
    return value or None

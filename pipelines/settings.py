"""The one place that reads the environment. Everything else receives a `Settings`."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BUILD_SUFFIX = ".building"  # dbt's profiles.yml appends the same suffix to MKPI_WAREHOUSE
DEFAULT_MEMORY_LIMIT = "2GB"  # profiles.yml has the same default for MKPI_DUCKDB_MEMORY_LIMIT
ENGINES = ("duckdb", "spark")  # dbt targets of profiles.yml that `mkpi run --engine` selects
DEFAULT_WAREHOUSE = PROJECT_ROOT / "data" / "warehouse.duckdb"
TOKEN_KEY_ENV = "MKPI_TOKEN_KEY"  # the passphrase of the token store (connectors/token_store.py)


def state_dir_of(warehouse: Path) -> Path:
    """What a warehouse's nights keep lives beside it, named after it: data/warehouse.duckdb keeps
    data/warehouse.state/, so a second --warehouse is a world of its own."""
    return warehouse.with_name(warehouse.stem + ".state")


def reports_dir_of(warehouse: Path) -> Path:
    """The pages people read: `reports/` beside the default-named warehouse.duckdb (the documented place),
    `<name>.reports/` beside any other, so two warehouses in one folder do not overwrite each other's pages."""
    return warehouse.with_name("reports" if warehouse.stem == DEFAULT_WAREHOUSE.stem else warehouse.stem + ".reports")


@dataclass(frozen=True)
class Settings:
    warehouse: Path  # the published DuckDB file analysts open
    source_dir: Path  # the folder of exports
    config_file: Path  # mkpi.yml
    kpi_config: Path  # kpi.yml
    dagster_home: Path
    reports_dir: Path  # the KPI report, scorecards CSV and dashboard (reports_dir_of the warehouse by default)
    state_dir: Path  # what this warehouse's nights keep: closed periods, alert ledger, pulled data, dbt's state
    pii_salt: str  # mixed into e-mail and phone hashes; keep it secret and stable
    sources_file: Path  # sources.yml: the API sources to pull (absent: exports in the folder only)
    duckdb_memory_limit: str = DEFAULT_MEMORY_LIMIT  # DuckDB spills to disk beyond this, in landing and in dbt
    engine: str = "duckdb"  # where dbt builds the models: duckdb (the warehouse file) or spark (docs/scale-out.md)
    spark_dir: Path = PROJECT_ROOT / "data" / "spark"  # spark engine: landing Parquet, Spark's tables and metastore
    dbt_target: Path = PROJECT_ROOT / "dbt_project" / "target"  # dbt's partial-parse state for this warehouse
    allow_future_as_of: bool = False  # tests and rehearsals on fixed data: an as-of date after today is let through

    @property
    def build_path(self) -> Path:
        """The working copy a run builds into; published only when the build succeeds."""
        return self.warehouse.with_name(self.warehouse.name + BUILD_SUFFIX)

    @property
    def pull_store(self) -> Path:
        """What the API connectors pulled, kept from night to night (the warehouse itself is rebuilt)."""
        return self.state_dir / "pulled.duckdb"

    @property
    def token_store(self) -> Path:
        """Refresh tokens the platforms rotated, encrypted (connectors/token_store.py)."""
        return self.state_dir / "tokens.enc.json"

    @property
    def run_log(self) -> Path:
        """dbt's progress for the latest run; Dagster keeps every run's full event log in its storage."""
        return self.state_dir / "logs" / "last_run.log"

    @property
    def landing_parquet(self) -> Path:
        """Spark engine: the landing tables as Parquet files, registered as dbt's sources on Spark."""
        return self.spark_dir / "landing"

    @property
    def dbt_project_dir(self) -> Path:
        return PROJECT_ROOT / "dbt_project"

    @classmethod
    def from_env(cls, **overrides) -> "Settings":
        """The run's settings: a keyword given (a command-line flag) beats the environment, which beats the
        defaults. State, reports, dbt's state and Spark's folder follow the warehouse unless set."""
        env = os.environ
        given = {k: v for k, v in overrides.items() if v is not None}

        def pick(key: str, var: str, default=None):
            value = given.get(key, env.get(var) or None)
            return default if value is None else value

        warehouse = Path(pick("warehouse", "MKPI_WAREHOUSE", DEFAULT_WAREHOUSE)).resolve()
        state_dir = Path(pick("state_dir", "MKPI_STATE_DIR", state_dir_of(warehouse))).resolve()
        return cls(
            warehouse=warehouse,
            source_dir=Path(pick("source_dir", "MKPI_SOURCE_DIR", PROJECT_ROOT / "data" / "sample")).resolve(),
            config_file=Path(pick("config_file", "MKPI_CONFIG", PROJECT_ROOT / "mkpi.yml")).resolve(),
            kpi_config=Path(pick("kpi_config", "MKPI_KPI_CONFIG", PROJECT_ROOT / "kpi.yml")).resolve(),
            dagster_home=Path(pick("dagster_home", "DAGSTER_HOME", PROJECT_ROOT / "data" / "dagster_home")).resolve(),
            reports_dir=Path(pick("reports_dir", "MKPI_REPORTS_DIR", reports_dir_of(warehouse))).resolve(),
            state_dir=state_dir,
            pii_salt=pick("pii_salt", "MKPI_PII_SALT", ""),
            sources_file=Path(pick("sources_file", "MKPI_SOURCES", PROJECT_ROOT / "sources.yml")).resolve(),
            duckdb_memory_limit=pick("duckdb_memory_limit", "MKPI_DUCKDB_MEMORY_LIMIT", DEFAULT_MEMORY_LIMIT),
            engine=pick("engine", "MKPI_ENGINE", "duckdb"),
            spark_dir=Path(pick("spark_dir", "MKPI_SPARK_DIR", state_dir / "spark")).resolve(),
            # Parallel test workers share one target folder each across their warehouses: MKPI_DBT_TARGET.
            dbt_target=Path(pick("dbt_target", "MKPI_DBT_TARGET", state_dir / "dbt")).resolve(),
            allow_future_as_of=bool(given.get("allow_future_as_of") or env.get("MKPI_ALLOW_FUTURE_AS_OF") == "1"),
        )

    def dbt_env(self) -> dict[str, str]:
        """What dbt's profiles.yml reads: given to the dbt invocation, never written into this process's
        environment by an import."""
        return {"MKPI_WAREHOUSE": str(self.warehouse), "MKPI_DUCKDB_MEMORY_LIMIT": self.duckdb_memory_limit,
                "MKPI_SPARK_DIR": str(self.spark_dir), "MKPI_LANDING_PARQUET": str(self.landing_parquet)}


def secret(name: str) -> str | None:
    """A credential from the environment variable the config names; never logged."""
    value = os.environ.get(name)
    return value or None

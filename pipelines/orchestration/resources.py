"""Dagster resources: thin wrappers that hand the connectors and dbt their settings."""

from __future__ import annotations

import contextlib
from pathlib import Path

import dagster as dg

from pipelines.configuration.mkpi_yml import RunConfig, load_config
from pipelines.settings import DEFAULT_MEMORY_LIMIT, Settings
from pipelines.configuration.sources_yml import SourcesConfig, load_sources


class MkpiResource(dg.ConfigurableResource):
    """Every setting of the run, resolved once where the run starts (the command line or the schedule's
    environment) and carried here as values: no step reads the environment again."""

    source_dir: str
    config_file: str
    kpi_config: str
    warehouse: str
    build_path: str
    state_dir: str
    reports_dir: str
    sources_file: str
    pull_store: str
    dagster_home: str
    dbt_target: str
    spark_dir: str
    pii_salt: str = ""
    duckdb_memory_limit: str = DEFAULT_MEMORY_LIMIT
    full_refresh: bool = False  # rebuild from nothing even when last night's file could be reused
    engine: str = "duckdb"  # the dbt target: duckdb, or spark (landing then also written as Parquet)
    allow_future_as_of: bool = False

    @classmethod
    def from_settings(cls, settings: Settings, full_refresh: bool = False) -> "MkpiResource":
        return cls(
            source_dir=str(settings.source_dir), config_file=str(settings.config_file),
            kpi_config=str(settings.kpi_config), warehouse=str(settings.warehouse),
            build_path=str(settings.build_path), state_dir=str(settings.state_dir),
            reports_dir=str(settings.reports_dir), sources_file=str(settings.sources_file),
            pull_store=str(settings.pull_store), dagster_home=str(settings.dagster_home),
            dbt_target=str(settings.dbt_target), spark_dir=str(settings.spark_dir), pii_salt=settings.pii_salt,
            duckdb_memory_limit=settings.duckdb_memory_limit, full_refresh=full_refresh, engine=settings.engine,
            allow_future_as_of=settings.allow_future_as_of,
        )

    @contextlib.contextmanager
    def yield_for_execution(self, context):
        """Hold the run lock for the run: a scheduled run waits for a command-line run, and the reverse."""
        from pipelines.night import run_lock, state_folder

        with run_lock.hold(Path(self.warehouse), wait=True, on_wait=context.log.warning if context.log else None):
            note = state_folder.adopt_legacy_state(self.settings())
            if note and context.log:
                context.log.warning(note)
            yield self

    def run_config(self) -> RunConfig:
        return load_config(Path(self.config_file))

    def sources(self) -> SourcesConfig:
        return load_sources(Path(self.sources_file))

    def settings(self) -> Settings:
        """The same values as a Settings, for code shared with the command line."""
        return Settings(
            warehouse=Path(self.warehouse), source_dir=Path(self.source_dir), config_file=Path(self.config_file),
            kpi_config=Path(self.kpi_config), dagster_home=Path(self.dagster_home), reports_dir=Path(self.reports_dir),
            state_dir=Path(self.state_dir), pii_salt=self.pii_salt, sources_file=Path(self.sources_file),
            duckdb_memory_limit=self.duckdb_memory_limit, engine=self.engine, spark_dir=Path(self.spark_dir),
            dbt_target=Path(self.dbt_target), allow_future_as_of=self.allow_future_as_of,
        )

"""Dagster resources: thin wrappers that hand the connectors and dbt their settings."""

from __future__ import annotations

import contextlib
from pathlib import Path

import dagster as dg

from pipelines.config import RunConfig, load_config
from pipelines.settings import DEFAULT_MEMORY_LIMIT, Settings
from pipelines.sources_config import SourcesConfig, load_sources


class MkpiResource(dg.ConfigurableResource):
    """Where the exports, the config and the warehouse files are."""

    source_dir: str
    config_file: str
    kpi_config: str
    warehouse: str
    build_path: str
    state_dir: str
    reports_dir: str
    sources_file: str
    pull_store: str
    pii_salt: str = ""
    duckdb_memory_limit: str = DEFAULT_MEMORY_LIMIT
    full_refresh: bool = False  # rebuild from nothing even when last night's file could be reused
    engine: str = "duckdb"  # the dbt target: duckdb, or spark (landing then also written as Parquet)
    spark_dir: str = ""

    @classmethod
    def from_settings(cls, settings: Settings, full_refresh: bool = False) -> "MkpiResource":
        return cls(
            source_dir=str(settings.source_dir),
            config_file=str(settings.config_file),
            kpi_config=str(settings.kpi_config),
            warehouse=str(settings.warehouse),
            build_path=str(settings.build_path),
            state_dir=str(settings.state_dir),
            reports_dir=str(settings.reports_dir),
            sources_file=str(settings.sources_file),
            pull_store=str(settings.pull_store),
            pii_salt=settings.pii_salt,
            duckdb_memory_limit=settings.duckdb_memory_limit,
            full_refresh=full_refresh,
            engine=settings.engine,
            spark_dir=str(settings.spark_dir),
        )

    @contextlib.contextmanager
    def yield_for_execution(self, context):
        """Hold the run lock for the run: a scheduled run waits for a command-line run, and the reverse."""
        from pipelines import run_lock

        with run_lock.hold(Path(self.warehouse), wait=True, on_wait=context.log.warning if context.log else None):
            yield self

    def run_config(self) -> RunConfig:
        return load_config(Path(self.config_file))

    def sources(self) -> SourcesConfig:
        return load_sources(Path(self.sources_file))

    def settings(self) -> Settings:
        """The same paths as a Settings, for code shared with the command line."""
        return Settings.from_env(warehouse=self.warehouse, source_dir=self.source_dir, config_file=self.config_file,
                                 kpi_config=self.kpi_config, reports_dir=self.reports_dir, state_dir=self.state_dir,
                                 sources_file=self.sources_file, pii_salt=self.pii_salt,
                                 duckdb_memory_limit=self.duckdb_memory_limit, engine=self.engine,
                                 spark_dir=self.spark_dir or None)

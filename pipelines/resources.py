"""Dagster resources: thin wrappers that hand the connectors and dbt their settings."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from pipelines.config import RunConfig, load_config
from pipelines.settings import Settings


class MkpiResource(dg.ConfigurableResource):
    """Where the exports, the config and the warehouse files are."""

    source_dir: str
    config_file: str
    kpi_config: str
    warehouse: str
    build_path: str
    state_dir: str
    reports_dir: str
    pii_salt: str = ""

    @classmethod
    def from_settings(cls, settings: Settings) -> "MkpiResource":
        return cls(
            source_dir=str(settings.source_dir),
            config_file=str(settings.config_file),
            kpi_config=str(settings.kpi_config),
            warehouse=str(settings.warehouse),
            build_path=str(settings.build_path),
            state_dir=str(settings.state_dir),
            reports_dir=str(settings.reports_dir),
            pii_salt=settings.pii_salt,
        )

    def run_config(self) -> RunConfig:
        return load_config(Path(self.config_file))

"""What a warehouse's nights keep (closed periods, alert ledger, pulled data, validations, landing notes,
dbt's partial-parse state, the run log) lives in one folder beside it: data/warehouse.duckdb keeps
data/warehouse.state/. A second --warehouse is a world of its own.

Until 2026-12 every warehouse shared data/state/. The default warehouse adopts that folder once."""

from __future__ import annotations

from pathlib import Path

from pipelines.settings import DEFAULT_WAREHOUSE, PROJECT_ROOT, Settings, state_dir_of

LEGACY_STATE = PROJECT_ROOT / "data" / "state"


def adopt_legacy_state(settings: Settings, legacy: Path = LEGACY_STATE) -> str | None:
    """Move data/state/ to the default warehouse's state folder, once; returns a note saying so. Another
    warehouse never takes it: the closed periods and ledgers in it belong to the default one."""
    if settings.warehouse != DEFAULT_WAREHOUSE.resolve() or settings.state_dir != state_dir_of(settings.warehouse):
        return None
    if not legacy.is_dir() or settings.state_dir.exists():
        return None
    legacy.rename(settings.state_dir)
    return (f"{legacy} (closed periods, alert ledger, pulled data) now lives beside its warehouse as "
            f"{settings.state_dir}; each warehouse keeps its own state folder")

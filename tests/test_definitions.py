"""The Dagster code location: it loads, landing keys equal the dbt sources, and the graph is as committed."""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg

from pipelines.definitions import defs
from pipelines.settings import PROJECT_ROOT

SNAPSHOT = Path(__file__).parent / "snapshots" / "asset_graph.txt"


def edges() -> list[str]:
    graph = defs.resolve_asset_graph()
    lines = []
    for key in sorted(graph.get_all_asset_keys(), key=lambda k: k.to_user_string()):
        parents = sorted(p.to_user_string() for p in graph.get(key).parent_keys)
        lines.append(f"{key.to_user_string()} <- {', '.join(parents) or '(none)'}")
    checks = sorted(f"check {c.asset_key.to_user_string()}:{c.name}" for c in graph.asset_check_keys)
    return lines + checks


def test_definitions_load_with_nightly_job_and_schedule():
    assert defs.resolve_job_def("nightly") is not None
    schedule = defs.resolve_schedule_def("nightly_schedule")
    assert (schedule.cron_schedule, schedule.execution_timezone) == ("0 3 * * *", "UTC")


def test_dbt_sources_are_fed_by_landing_assets():
    graph = defs.resolve_asset_graph()
    staged = graph.get(dg.AssetKey(["staging", "stg_landing__sessions"]))
    assert dg.AssetKey(["landing", "sessions"]) in staged.parent_keys
    assert graph.get(dg.AssetKey(["landing", "sessions"])).is_materializable


def test_asset_graph_snapshot():
    """A change to the graph is a change to review: rerun with UPDATE_SNAPSHOTS=1 to accept it."""
    current = "\n".join(edges()) + "\n"
    if os.environ.get("UPDATE_SNAPSHOTS") or not SNAPSHOT.exists():
        SNAPSHOT.parent.mkdir(exist_ok=True)
        SNAPSHOT.write_text(current)
    assert current == SNAPSHOT.read_text(), f"asset graph changed; review and update {SNAPSHOT.relative_to(PROJECT_ROOT)}"

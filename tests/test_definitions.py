"""The Dagster code location: it loads, landing keys equal the dbt sources, and the graph is as committed."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import dagster as dg
import yaml

from pipelines.orchestration.assets.landing import LANDING_TABLES
from pipelines.orchestration.definitions import build_definitions
from pipelines.settings import PROJECT_ROOT

SNAPSHOT = Path(__file__).parent / "snapshots" / "asset_graph.txt"


def defs() -> dg.Definitions:
    """The definitions `dagster dev` loads, from this test's settings."""
    from tests.conftest import settings_for

    return build_definitions(settings_for(Path(os.environ["MKPI_STATE_DIR"]).parent))


def edges() -> list[str]:
    graph = defs().resolve_asset_graph()
    lines = []
    for key in sorted(graph.get_all_asset_keys(), key=lambda k: k.to_user_string()):
        parents = sorted(p.to_user_string() for p in graph.get(key).parent_keys)
        lines.append(f"{key.to_user_string()} <- {', '.join(parents) or '(none)'}")
    checks = sorted(f"check {c.asset_key.to_user_string()}:{c.name}" for c in graph.asset_check_keys)
    return lines + checks


def test_definitions_load_with_nightly_job_and_schedule():
    definitions = defs()
    assert definitions.resolve_job_def("nightly") is not None
    schedule = definitions.resolve_schedule_def("nightly_schedule")
    assert (schedule.cron_schedule, schedule.execution_timezone) == ("0 3 * * *", "UTC")


def test_dbt_sources_are_fed_by_landing_assets():
    graph = defs().resolve_asset_graph()
    staged = graph.get(dg.AssetKey(["staging", "stg_landing__sessions"]))
    assert dg.AssetKey(["landing", "sessions"]) in staged.parent_keys
    # Every table of the dbt source `landing` is written by the landing step: none without a producer.
    sources = yaml.safe_load((PROJECT_ROOT / "dbt_project/models/staging/_landing__sources.yml").read_text())
    declared = [t["name"] for s in sources["sources"] if s["name"] == "landing" for t in s["tables"]]
    assert sorted(declared) == sorted(LANDING_TABLES)
    assert all(graph.get(dg.AssetKey(["landing", t])).is_materializable for t in declared)


def test_dbt_models_are_grouped_by_layer():
    graph = defs().resolve_asset_graph()
    groups = {key.to_user_string(): graph.get(key).group_name for key in graph.get_all_asset_keys()}
    assert groups["staging/stg_landing__sessions"] == "staging"
    assert groups["intermediate/int_sessions_normalized"] == "intermediate"
    assert groups["marts/fct_channel_daily"] == "marts"
    assert groups["reference/source_aliases"] == "reference"
    assert "default" not in {g for k, g in groups.items() if k.split("/")[0] in ("staging", "intermediate", "marts")}


def test_asset_graph_snapshot():
    """A change to the graph is a change to review: rerun with UPDATE_SNAPSHOTS=1 to accept it."""
    current = "\n".join(edges()) + "\n"
    if os.environ.get("UPDATE_SNAPSHOTS"):
        SNAPSHOT.parent.mkdir(exist_ok=True)
        SNAPSHOT.write_text(current)
    assert SNAPSHOT.exists(), f"{SNAPSHOT.relative_to(PROJECT_ROOT)} is missing: write it with UPDATE_SNAPSHOTS=1"
    assert current == SNAPSHOT.read_text(), f"asset graph changed; review and update {SNAPSHOT.relative_to(PROJECT_ROOT)}"


def test_each_api_source_table_is_an_asset_that_feeds_its_landing_table(tmp_path):
    from tests.conftest import settings_for

    (tmp_path / "sources.yml").write_text(
        "defaults: {start_date: 2026-01-01}\nsources:\n"
        "  - {name: crm, type: hubspot, access_token_env: HUBSPOT_TOKEN}\n"
        "  - {name: fb, type: meta_ads, ad_account_ids: ['1'], access_token_env: META_TOKEN, retries: 2}\n"
        "  - {name: paused, type: meta_ads, ad_account_ids: ['2'], access_token_env: META_TOKEN, enabled: false}\n")
    defs = build_definitions(replace(settings_for(tmp_path), sources_file=tmp_path / "sources.yml"))
    graph = defs.resolve_asset_graph()
    pulled = sorted(k.to_user_string() for k in graph.get_all_asset_keys() if k.path[0] == "pulled")
    assert pulled == ["pulled/crm/leads", "pulled/crm/orders", "pulled/fb/ad_spend"]
    assert dg.AssetKey(["pulled", "crm", "orders"]) in graph.get(dg.AssetKey(["landing", "orders"])).parent_keys
    assert dg.AssetKey(["pulled", "fb", "ad_spend"]) in graph.get(dg.AssetKey(["landing", "ad_spend"])).parent_keys
    pull_fb = defs.resolve_assets_def(dg.AssetKey(["pulled", "fb", "ad_spend"]))
    assert pull_fb.op.retry_policy.max_retries == 2


def test_dagster_is_imported_only_in_the_orchestration_folder():
    import ast

    outside = []
    for path in [*(PROJECT_ROOT / "pipelines").rglob("*.py"), *(PROJECT_ROOT / "connectors").rglob("*.py")]:
        if "orchestration" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if any(n.split(".")[0] in ("dagster", "dagster_dbt") for n in names):
                outside.append(str(path.relative_to(PROJECT_ROOT)))
    assert not outside, f"Dagster imported outside pipelines/orchestration/: {outside}"

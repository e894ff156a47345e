"""Which dbt nodes a night that starts from last night's file keeps, read off the project's manifest.

tests/test_incremental.py proves on real nights that what is kept equals a rebuild; these name the
rules: changes reach everything downstream, the nightly tracking settings are always read again,
and kept models are reported parents first.
"""

from __future__ import annotations

import json

import pytest

from connectors.kinds import KINDS
from pipelines.building.dbt_selection import in_build_order, unchanged_nodes
from pipelines.orchestration.assets.dbt import prepare_manifest
from pipelines.orchestration.assets.landing import LANDING_TABLES, NIGHTLY_TABLES

SESSIONS_NIGHT = ["sessions", *NIGHTLY_TABLES]


@pytest.fixture(scope="module")
def manifest() -> dict:
    return json.loads(prepare_manifest().read_text())


def names(unique_ids) -> set[str]:
    return {uid.split(".")[2] for uid in unique_ids}


def test_when_every_table_changed_only_the_seeds_and_their_tests_are_kept(manifest):
    kept = unchanged_nodes(manifest, LANDING_TABLES)
    assert {uid.split(".")[0] for uid in kept} == {"seed", "test"}
    seeds = {uid for uid in kept if uid.startswith("seed.")}
    assert seeds == {uid for uid, node in manifest["nodes"].items() if node["resource_type"] == "seed"}
    assert all(set(manifest["parent_map"][uid]) <= seeds for uid in kept if uid.startswith("test."))


def test_a_sessions_night_keeps_what_sessions_do_not_reach(manifest):
    kept = names(unchanged_nodes(manifest, SESSIONS_NIGHT))
    assert {"stg_landing__employees", "dim_employees", "stg_landing__ad_spend", "fct_manual_scores"} <= kept
    assert not kept & {"stg_landing__sessions", "int_sessions_normalized", "int_leads_attributed",
                       "fct_channel_daily", "fct_sessions", "fct_quarantined_rows"}


def test_nothing_kept_has_a_changed_ancestor(manifest):
    kept = unchanged_nodes(manifest, SESSIONS_NIGHT)
    for uid in kept:
        for parent in manifest["parent_map"][uid]:
            assert parent in kept or parent.startswith("source.mkpi.landing."), (uid, parent)
            if parent.startswith("source."):
                assert manifest["sources"][parent]["name"] not in SESSIONS_NIGHT, (uid, parent)


def test_the_nightly_tracking_settings_are_read_again_even_when_nothing_changed(manifest):
    kept = unchanged_nodes(manifest, [])
    tracking = {uid for uid, node in manifest["nodes"].items()
                if "tracking_setting" in node.get("raw_code", "") or "tracking_severity" in node.get("raw_code", "")
                or "in_tracking_window" in node.get("raw_code", "")}
    assert "model.mkpi.fct_tracking_issues" in tracking
    assert not tracking & kept


def test_every_kind_reaches_some_model(manifest):
    """A kind whose table no model reads would make its changes invisible to the marts."""
    everything_kept = unchanged_nodes(manifest, [])
    for kind in KINDS:
        assert unchanged_nodes(manifest, [kind]) < everything_kept, kind


def test_kept_models_are_reported_parents_first(manifest):
    kept = [uid for uid in unchanged_nodes(manifest, SESSIONS_NIGHT) if not uid.startswith("test.")]
    order = in_build_order(manifest, kept)
    assert sorted(order) == sorted(kept)
    position = {uid: n for n, uid in enumerate(order)}
    edges = [(p, uid) for uid in kept for p in manifest["parent_map"][uid] if p in position]
    assert edges
    assert all(position[p] < position[uid] for p, uid in edges)

"""The dbt nodes a night that starts from last night's file can leave as they are.

Such a night begins with everything last night built (build_plan.py: only when the project, the
landing code and the reporting settings are unchanged). A model none of whose inputs changed tonight
holds what a rebuild would write again, and its tests passed last night on the same rows; only the
nodes downstream of a changed landing table, or reading a setting that may change from night to
night, are built. On the sample's next night (sessions only) that leaves out the other kinds'
staging views and dimensions with their tests: about a quarter of the nodes.
"""

from __future__ import annotations

from collections.abc import Iterable
from graphlib import TopologicalSorter

BUILT_TYPES = ("model", "seed", "snapshot", "test")
LANDING_SOURCE = "landing"
# Passed as --vars each night (mkpi.yml's tracking settings), so not part of the build fingerprint.
NIGHTLY_VARS = ("mkpi_tracking_overrides",)


def unchanged_nodes(manifest: dict, changed_tables: Iterable[str]) -> set[str]:
    """Unique ids of the built nodes with no changed input: no landing table in `changed_tables`
    upstream, no other source (written outside dbt's knowledge of tonight), no nightly var read."""
    changed = set(changed_tables)
    roots = {uid for uid, source in manifest["sources"].items()
             if source["source_name"] != LANDING_SOURCE or source["name"] in changed}
    roots |= _reading_nightly_vars(manifest)
    rebuilt = _downstream(manifest["child_map"], roots) | roots
    return {uid for uid, node in manifest["nodes"].items()
            if node["resource_type"] in BUILT_TYPES and uid not in rebuilt}


def in_build_order(manifest: dict, unique_ids: Iterable[str]) -> list[str]:
    """Parents before children, as Dagster wants a multi-asset's outputs."""
    wanted = set(unique_ids)
    graph = {uid: [p for p in manifest["parent_map"].get(uid, []) if p in wanted] for uid in sorted(wanted)}
    return list(TopologicalSorter(graph).static_order())


def _reading_nightly_vars(manifest: dict) -> set[str]:
    macros = manifest["macros"]
    reading = {uid for uid, macro in macros.items() if _mentions_nightly_var(macro.get("macro_sql", ""))}
    grown = True
    while grown:  # macros calling such macros, to any depth
        more = {uid for uid, macro in macros.items()
                if uid not in reading and reading & set(macro["depends_on"]["macros"])}
        reading |= more
        grown = bool(more)
    return {uid for uid, node in manifest["nodes"].items()
            if _mentions_nightly_var(node.get("raw_code", "")) or reading & set(node["depends_on"].get("macros", []))}


def _mentions_nightly_var(text: str) -> bool:
    return any(name in text for name in NIGHTLY_VARS)


def _downstream(child_map: dict[str, list[str]], roots: set[str]) -> set[str]:
    seen: set[str] = set()
    stack = list(roots)
    while stack:
        for child in child_map.get(stack.pop(), []):
            if child not in seen:
                seen.add(child)
                stack.append(child)
    return seen

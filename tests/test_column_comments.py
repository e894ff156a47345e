"""Analysts see each mart's and column's documentation where they query: as DuckDB comments in the
published file (duckdb_columns(), BI tools), equal to the dbt yml descriptions."""

from __future__ import annotations

import json
import re

from pipelines.orchestration.assets.dbt import prepare_manifest
from pipelines.scoring.tables import TABLES
from tests.conftest import rows
from tests.test_scoring_tables import documented as scoring_yml


def yml_descriptions() -> dict[tuple[str, str], str]:
    """(mart, column) → description: the models' as dbt rendered them (doc blocks resolved, from the parsed
    manifest), the scoring tables' straight from their yml."""
    manifest = json.loads(prepare_manifest().read_text(encoding="utf-8"))
    out = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] == "model" and node["config"].get("schema") == "marts":
            out.update({(node["name"], c): col["description"] for c, col in node["columns"].items()})
    for table, columns in scoring_yml().items():
        out.update({(table, c): text for c, text in columns.items()})
    return out


def test_every_mart_column_carries_its_yml_description(tiny):
    comments = {(t, c): comment for t, c, comment in rows(
        tiny, "SELECT table_name, column_name, comment FROM duckdb_columns() WHERE schema_name = 'marts'")}
    expected = yml_descriptions()
    assert {"fct_channel_daily", "kpi_scores"} <= {t for t, _ in expected}
    assert set(TABLES) <= {t for t, _ in comments}
    missing = sorted(k for k in comments if not comments[k])
    assert not missing, f"columns without a comment: {missing[:10]}"
    assert {k: comments[k] for k in expected} == expected


def test_the_documentation_site_is_one_offline_file_beside_the_warehouse(tiny_warehouse):
    """dbt docs as one static page: the models and their column descriptions, nothing fetched from elsewhere."""
    page = (tiny_warehouse.parent / "docs" / "dbt-docs.html").read_text(encoding="utf-8")
    description = yml_descriptions()[("fct_channel_daily", "cpl")]
    assert "fct_channel_daily" in page and json.dumps(description)[1:-1] in page
    assert not re.search(r"""<(script|link)[^>]*(src|href)=["']https?:""", page)

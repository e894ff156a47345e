"""The scoring tables' columns are written down once (pipelines/scoring/tables.py) and documented in
dbt yml: the two must agree, and each flag column carries its registry meaning."""

from __future__ import annotations

from pathlib import Path

import yaml

from pipelines.scoring.flags import FLAGS, SETTINGS
from pipelines.scoring.tables import TABLES

YML = Path(__file__).parents[1] / "dbt_project" / "models" / "marts" / "_scoring__sources.yml"


def documented() -> dict[str, dict[str, str]]:
    source = next(s for s in yaml.safe_load(YML.read_text())["sources"] if s["name"] == "scoring")
    return {t["name"]: {c["name"]: c["description"] for c in t["columns"]} for t in source["tables"]}


def test_every_scoring_table_and_column_is_documented_in_order_with_its_type():
    docs = documented()
    assert list(docs) == list(TABLES)
    source = next(s for s in yaml.safe_load(YML.read_text())["sources"] if s["name"] == "scoring")
    types = {t["name"]: {c["name"]: c.get("data_type") for c in t["columns"]} for t in source["tables"]}
    for name, (columns, _) in TABLES.items():
        assert list(docs[name]) == list(columns), name
        assert types[name] == columns, name  # dbt docs show the type the writer casts to


def test_flag_columns_are_described_by_the_flag_registry():
    card = documented()["employee_scorecards"]
    assert {f.name: card[f.name] for f in FLAGS} == {f.name: f.meaning for f in FLAGS}


def test_the_kpi_docs_name_every_flag_and_setting():
    text = (Path(__file__).parents[1] / "docs" / "kpi-configuration.md").read_text()
    missing = [n for n in [f.name for f in FLAGS] + list(SETTINGS) if f"`{n}`" not in text]
    assert not missing, f"docs/kpi-configuration.md does not explain {missing}"

"""The registries written once in dbt_project.yml's vars (tracking checks, channel measures and ratios),
for the Python that needs the same lists. dbt reads them as vars; nothing else keeps a copy."""

from __future__ import annotations

from functools import cache

import yaml

from pipelines.settings import PROJECT_ROOT


@cache
def dbt_vars() -> dict:
    return yaml.safe_load((PROJECT_ROOT / "dbt_project" / "dbt_project.yml").read_text(encoding="utf-8"))["vars"]

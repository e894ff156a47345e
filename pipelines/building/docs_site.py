"""dbt's documentation site (models, columns, tests, lineage) as one static HTML file beside the published
warehouse: `docs/dbt-docs.html`, readable offline, written on nights that build from nothing.

It describes the project, not the night's rows, so a night that starts from last night's file (same
project, same fingerprint: build_plan.py) keeps the file it has. `--no-compile` reuses the manifest
Dagster's definitions were built from; the catalog (tables, columns, types) is read from the working
copy before it is published.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from pipelines.building import dbt_runner


class DocsSiteError(RuntimeError):
    """dbt could not generate the site; the night goes on without a new one."""


def path(published: Path) -> Path:
    return published.parent / "docs" / "dbt-docs.html"


def generate(project_dir: Path, manifest: Path, target: Path, published: Path, env: dict[str, str]) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    try:
        shutil.copyfile(manifest, target / "manifest.json")
    except OSError as err:
        raise DocsSiteError(f"no dbt manifest to document ({err})") from None
    outcome = dbt_runner.invoke(["docs", "generate", "--static", "--no-compile"], project_dir, target, env)
    if not outcome.success:
        raise DocsSiteError(outcome.error or "dbt docs generate failed; see the dbt log")
    out = path(published)
    partial = out.with_name(out.name + ".partial")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(target / "static_index.html", partial)
        os.replace(partial, out)  # a reader never sees half a file
    except OSError as err:  # a full disk, say: the night's numbers do not wait for their documentation
        partial.unlink(missing_ok=True)
        raise DocsSiteError(f"{out} could not be written ({err.strerror or err})") from None
    return out

"""Shared fixtures: the hand-computed tiny organisation, built once per test session for real
(landing into a DuckDB file, dbt build, in-process Dagster materialization, publish)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipelines.settings import PROJECT_ROOT, Settings

FIXTURES = Path(__file__).parent / "fixtures"
TINY_ORG = FIXTURES / "tiny_org"
TINY_CONFIG = FIXTURES / "tiny_org.yml"
MKPI = str(Path(sys.executable).with_name("mkpi"))
DBT = str(Path(sys.executable).with_name("dbt"))

# Each test's warehouse would keep dbt's partial-parse state beside it and start from a full parse
# (about 4 s). The tests share one target folder per parallel worker (pytest-xdist) instead, set before
# anything reads it and inherited by the `mkpi` processes the worker starts.
# The fixtures' as-of dates are fixed (the tiny organisation's is 2026-12-15) whatever day the suite runs.
os.environ.setdefault("MKPI_ALLOW_FUTURE_AS_OF", "1")
os.environ.setdefault("MKPI_DBT_TARGET", str(PROJECT_ROOT / "dbt_project" / "target"
                                             / f"nightly-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"))


def pytest_configure(config):
    """Parse the dbt project once, before parallel workers start: each would otherwise parse it into
    the same target folder at the same time on a fresh checkout."""
    if not hasattr(config, "workerinput"):
        from pipelines.orchestration.assets.dbt import prepare_manifest

        prepare_manifest()


def role_yml(role: str, kpis: str, settings: str = "") -> str:
    """kpi.yml text with the default grades and one role with one version from 2026-01-01; `kpis`: its
    KPI lines, indented; `settings`: lines before `roles:`."""
    return f"""grades: {{excellent: 108, good: 95, pass: 80, fail: 0}}
pass_grade: pass
{settings}roles:
  {role}:
    versions:
      - effective_from: 2026-01-01
        kpis:
{kpis}"""


def one_manual_kpi(settings: str = "") -> str:
    """One role whose only KPI is a manual score, target 100, weight 100, the default 1.2 cap: a
    person's total is the score entered (at most 120)."""
    return role_yml("rep", "          - {id: score, metric: manual.score, scope: self, target: 100, weight: 100, "
                           "category: result}\n", settings)


def settings_for(tmp: Path, source_dir: Path = TINY_ORG, config: Path = TINY_CONFIG) -> Settings:
    return Settings.from_env(
        source_dir=source_dir, warehouse=tmp / "warehouse.duckdb", config_file=config,
        dagster_home=tmp / "dagster_home", state_dir=tmp / "state",
    )


@pytest.fixture(autouse=True)
def own_dagster_home(tmp_path, monkeypatch):
    """Each test's runs, and the `mkpi` processes it starts, keep Dagster and mkpi state in their own folder."""
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    monkeypatch.setenv("MKPI_STATE_DIR", str(tmp_path / "state"))


@pytest.fixture(scope="session")
def tiny_warehouse(tmp_path_factory) -> Path:
    from pipelines.orchestration.nightly import run_nightly

    settings = settings_for(tmp_path_factory.mktemp("tiny"))
    outcome = run_nightly(settings)  # as `mkpi run` does: kept in the run history of its own dagster_home
    assert outcome.success, outcome.error
    return settings.warehouse


@pytest.fixture(scope="session")
def tiny(tiny_warehouse):
    con = duckdb.connect(str(tiny_warehouse), read_only=True)
    yield con
    con.close()


def wait_for_history(dagster_home: Path, timeout: float = 90) -> None:
    """The run history is written by a process of its own after the night (run_history.keep): wait for it."""
    import time

    deadline = time.monotonic() + timeout
    while list(Path(dagster_home).glob("pending-*.json")):
        assert time.monotonic() < deadline, f"the run history in {dagster_home} was not written within {timeout} s"
        time.sleep(0.2)


def run_mkpi(*args: str, timeout: int = 300, env: dict | None = None) -> subprocess.CompletedProcess:
    """The real console script in a child process, as a user or the scheduler runs it."""
    return subprocess.run([MKPI, *args], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


def unit_test_results(target: Path) -> list[dict]:
    """The dbt unit tests' results in a target folder's run_results.json (the project hook reports too)."""
    results = json.loads((target / "run_results.json").read_text())["results"]
    return [r for r in results if r["unique_id"].startswith("unit_test.")]


def rows(con, sql: str, params: list | None = None) -> list[tuple]:
    return con.execute(sql, params or []).fetchall()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def files_containing(root: Path, needle: bytes) -> list[Path]:
    """Every file below `root` whose bytes hold `needle`: where a secret must never be found."""
    return [p for p in root.rglob("*") if p.is_file() and not p.is_symlink() and needle in p.read_bytes()]

"""The portability lint: the SQL dbt would send to Spark may call only functions Spark has.

The project is compiled on DuckDB with the var `mkpi_lint_engine: spark`, so mkpi's dispatched
macros (macros/engine_dispatch.sql) render their Spark versions: a DuckDB-only function inside a
dispatched macro is fine, one written straight into a model or test is reported. Spark's function
names are in fixtures/spark_functions.txt, read off a real Spark session (`make test-spark` checks
it still matches). Only the full-build branch of the incremental models is compiled.
"""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import sqlglot
from sqlglot.errors import SqlglotError
from sqlglot.tokens import TokenType

from tests.conftest import DBT

SPARK_FUNCTIONS_FILE = Path(__file__).parent / "fixtures" / "spark_functions.txt"


@dataclass(frozen=True)
class Finding:
    file: str  # the model or test's file in the dbt project
    problem: str

    def __str__(self) -> str:
        return f"{self.file}: {self.problem}"


def spark_functions() -> set[str]:
    return set(SPARK_FUNCTIONS_FILE.read_text().split())


def sql_problems(sql: str, known: set[str]) -> list[str]:
    """What in one compiled statement Spark SQL would reject: unreadable syntax, unknown functions."""
    try:
        sqlglot.parse(sql, read="spark")
    except SqlglotError as err:
        return [f"not Spark SQL: {' '.join(str(err).split())[:200]}"]
    tokens = sqlglot.tokenize(sql, read="spark")
    called = {a.text.lower() for a, b in zip(tokens, tokens[1:])
              if a.token_type == TokenType.VAR and b.token_type == TokenType.L_PAREN}
    return [f"{name}() is not a Spark SQL function; call it through a dispatched macro (macros/portable.sql)"
            for name in sorted(called - known)]


def compile_for_spark(project_dir: Path, work: Path) -> dict:
    """`dbt compile` of every model and test with the Spark versions of mkpi's macros; the manifest."""
    env = {**os.environ, "MKPI_WAREHOUSE": str(work / "lint.duckdb")}
    done = subprocess.run(
        [DBT, "compile", "--quiet", "--profiles-dir", str(project_dir), "--project-dir", str(project_dir),
         "--target-path", str(work / "target"), "--vars", json.dumps({"mkpi_lint_engine": "spark"})],
        capture_output=True, text=True, env=env, cwd=project_dir)
    if done.returncode != 0:
        raise RuntimeError(f"dbt compile failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    return json.loads((work / "target" / "manifest.json").read_text())


def lint(manifest: dict, known: set[str] | None = None) -> list[Finding]:
    known = spark_functions() if known is None else known
    return [Finding(node["original_file_path"], problem)
            for node in manifest["nodes"].values() if node.get("compiled_code")
            for problem in sql_problems(node["compiled_code"], known)]

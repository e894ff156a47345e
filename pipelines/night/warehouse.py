"""The DuckDB files: a working copy each run builds into, and the published file analysts read.

Publishing is an atomic rename over the published path: readers that have the old file open
keep reading it, new readers see the new one, and a failed run never touches it.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb


def start_build(build_path: Path) -> None:
    """Clear what an earlier, interrupted run left behind: the night then starts empty or from a copy
    of the published file (pipelines/building/build_plan.py), never from a half-built one."""
    build_path.parent.mkdir(parents=True, exist_ok=True)
    for leftover in (build_path, build_path.with_name(build_path.name + ".wal")):
        leftover.unlink(missing_ok=True)


def connect(path: Path, read_only: bool = False, memory_limit: str | None = None) -> duckdb.DuckDBPyConnection:
    """`memory_limit`: beyond it DuckDB spills to a temp folder beside the file instead of growing."""
    return duckdb.connect(str(path), read_only=read_only, config={"memory_limit": memory_limit} if memory_limit else {})


def read_if_readable(path: Path, read, default):
    """`read(connection)` on `path` opened read-only; `default` when there is no such file or it cannot be
    read (a damaged file, a table an older mkpi did not write): for what a night only consults."""
    if not path.exists():
        return default
    try:
        con = connect(path, read_only=True)
    except duckdb.Error:
        return default
    try:
        return read(con)
    except duckdb.Error:
        return default
    finally:
        con.close()


def records(con, sql: str, params=()) -> list[dict]:
    """A query's rows as dicts keyed by column name."""
    result = con.execute(sql, list(params))
    names = [d[0] for d in result.description]
    return [dict(zip(names, row)) for row in result.fetchall()]


def publish(build_path: Path, published_path: Path) -> None:
    """Checkpoint the working copy and move it over the published file in one rename."""
    if not build_path.exists():
        raise FileNotFoundError(f"nothing to publish: {build_path} does not exist")
    con = connect(build_path)
    try:
        con.execute("CHECKPOINT")
    finally:
        con.close()
    published_path.parent.mkdir(parents=True, exist_ok=True)
    os.replace(build_path, published_path)
    # A stale log from a file that once lived at this path must not be replayed onto the new one.
    published_path.with_name(published_path.name + ".wal").unlink(missing_ok=True)


def relations(con, schema: str) -> dict[str, str]:
    """The tables and views of `schema`: name → 'TABLE' or 'VIEW'."""
    return dict(con.execute("""SELECT table_name, 'TABLE' FROM duckdb_tables() WHERE schema_name = ?
                               UNION ALL SELECT view_name, 'VIEW' FROM duckdb_views()
                               WHERE schema_name = ? AND NOT internal""", [schema, schema]).fetchall())

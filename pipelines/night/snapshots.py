"""Nightly history: each published file kept as a dated, read-only snapshot beside it, the newest
`keep` of them, so "what did we report last Tuesday?" is one ATTACH away.

A snapshot is a hard link to the night's published file: the next night publishes a new file by
rename, and the link keeps the old one without copying it (a copy only where the file system cannot
link). The link shares the file, so the published file is read-only too; analysts open it read-only
anyway, and each night replaces it by rename."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import stat
from pathlib import Path

import duckdb

from pipelines.night.warehouse import relations

# Row counts `mkpi snapshots` shows for each night.
COUNTED = ("fct_channel_daily", "fct_sessions", "fct_tracking_issues", "employee_scorecards")


def folder(warehouse: Path) -> Path:
    return warehouse.parent / "snapshots"


def take(warehouse: Path, as_of: dt.date, keep: int) -> Path:
    """Keep tonight's published file as snapshots/<name>-<as-of date>.duckdb (a rerun of the same
    date replaces it), then remove all but the newest `keep`."""
    target = folder(warehouse) / f"{warehouse.stem}-{as_of.isoformat()}{warehouse.suffix}"
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        os.link(warehouse, partial)
    except OSError:  # another file system, or one without hard links
        shutil.copy2(warehouse, partial)
    os.chmod(partial, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    os.replace(partial, target)
    prune(warehouse, keep)
    return target


def taken(warehouse: Path) -> list[Path]:
    """The snapshots of this warehouse, oldest first (the date in the name sorts them)."""
    return sorted(folder(warehouse).glob(f"{warehouse.stem}-????-??-??{warehouse.suffix}"))


def prune(warehouse: Path, keep: int) -> list[Path]:
    """Remove all but the newest `keep` snapshots; returns the removed."""
    old = taken(warehouse)[:-keep] if keep else taken(warehouse)
    for path in old:
        path.unlink()
    return old


def listing(warehouse: Path) -> list[dict]:
    """Each snapshot's as-of date, size and the row counts of the main marts."""
    out = []
    for path in taken(warehouse):
        con = duckdb.connect(str(path), read_only=True)
        try:
            tables = relations(con, "marts")
            counts = {t: con.execute(f"SELECT count(*) FROM marts.{t}").fetchall()[0][0] for t in COUNTED if t in tables}
        finally:
            con.close()
        out.append({"as_of": path.stem[len(warehouse.stem) + 1:], "path": path, "bytes": path.stat().st_size, **counts})
    return out

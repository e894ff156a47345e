"""What landed from which file last night (the ledger), and the sessions and leads that came, went or
changed tonight (`landing.row_changes`) for the incremental dbt models."""

from __future__ import annotations

from pathlib import Path

from connectors.kinds import KINDS, Kind
from connectors.landing.tables import TYPED_SCHEMA
from connectors.sql_text import literal

# kind → (key, event time) of the rows the incremental dbt models rebuild by day (connectors/kinds.py).
CHANGE_KEYS = {k.name: k.change_key for k in KINDS.values() if k.change_key}
API_SUFFIX = " API"  # ledger name of a source's pulled rows; their _file reads "<source> API, account …"


def file_stamp(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns


def read_ledger(con, kind: Kind) -> dict[str, tuple]:
    rows = con.execute(f"SELECT file, size, mtime_ns FROM {TYPED_SCHEMA}.landed_files WHERE kind = ?",
                       [kind.name]).fetchall()
    return {file: (size, mtime) for file, size, mtime in rows}


def unchanged_files(ledger: dict[str, tuple], current: dict[str, tuple]) -> set[str]:
    """Files landed before with the same size and modification time (API rows never count as unchanged)."""
    return {f for f, stamp in ledger.items() if stamp[0] is not None and current.get(f) == stamp}


def write_ledger(con, kind: Kind, current: dict[str, tuple]) -> None:
    con.execute(f"DELETE FROM {TYPED_SCHEMA}.landed_files WHERE kind = ?", [kind.name])
    if current:
        con.executemany(f"INSERT INTO {TYPED_SCHEMA}.landed_files VALUES (?, ?, ?, ?)",
                        [[kind.name, f, size, mtime] for f, (size, mtime) in current.items()])


def rows_of(files: list[str], column: str = "_file") -> str:
    """SQL matching the rows of these ledger entries: a file by name, a source's API rows by prefix."""
    terms = [f"starts_with({column}, {literal(f + ', ')})" for f in files if f.endswith(API_SUFFIX)]
    paths = [literal(f) for f in files if not f.endswith(API_SUFFIX)]
    if paths:
        terms.append(f"{column} IN ({', '.join(paths)})")
    return "(" + " OR ".join(terms) + ")" if terms else "false"


def forget_files(con, kind: Kind, files: list[str], record: bool) -> None:
    """Remove the rows of changed or removed files (and of re-pulled API rows) before they land again."""
    if not files:
        return
    condition = rows_of(files)
    if record:
        record_rows(con, kind, f"{TYPED_SCHEMA}.{kind.name}", condition)
    con.execute(f"DELETE FROM {TYPED_SCHEMA}.{kind.name} WHERE {condition}")
    con.execute(f"DELETE FROM {TYPED_SCHEMA}.quarantine WHERE kind = ? AND {rows_of(files, 'file')}",
                [kind.name])


def record_rows(con, kind: Kind, relation: str, where: str) -> None:
    """List the rows of `relation` matching `where` as tonight's changes (sessions and leads only)."""
    if kind.name in CHANGE_KEYS:
        key, at = CHANGE_KEYS[kind.name]
        con.execute(f"""INSERT INTO {TYPED_SCHEMA}.row_changes
                        SELECT '{kind.name}', "{key}", "{at}" FROM {relation} WHERE {where}""")


def snapshot_rows(con, kind: Kind, entries: list[str], table: str) -> None:
    """Key, event time and a hash of each typed row of these ledger entries, to compare after landing."""
    key, at = CHANGE_KEYS[kind.name]
    columns = ", ".join(f'"{c.name}"' for c in kind.columns)
    con.execute(f"""CREATE OR REPLACE TEMP TABLE {table} AS
                    SELECT "{key}" AS row_key, "{at}" AS event_at, hash({columns}, _file, _line) AS row_hash
                    FROM {TYPED_SCHEMA}.{kind.name} WHERE {rows_of(entries)}""")


def record_differences(con, kind: Kind, entries: list[str], before: str) -> None:
    """Rows of these entries that were not there before, and rows that were and are gone, as changes."""
    after = before + "_after"
    snapshot_rows(con, kind, entries, after)
    con.execute(f"""INSERT INTO {TYPED_SCHEMA}.row_changes
                    SELECT '{kind.name}', row_key, event_at FROM (
                        (SELECT * FROM {before} EXCEPT ALL SELECT * FROM {after})
                        UNION ALL
                        (SELECT * FROM {after} EXCEPT ALL SELECT * FROM {before}))""")
    con.execute(f"DROP TABLE {before}; DROP TABLE {after}")

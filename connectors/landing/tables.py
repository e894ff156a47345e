"""The landing schema and each kind's table; small query helpers."""

from __future__ import annotations

from connectors import value_parsers
from connectors.kinds import Kind

TYPED_SCHEMA = "landing"
# Marks a row with an unusable value carries while its kind lands (typed_rows.py drops them after).
MARK_COLUMNS = {"_errors": "STRUCT(field VARCHAR, reason VARCHAR)[]", "_raw": "VARCHAR"}
TEXT_PREFIX = "_text_"  # the typing statement's copies of a row's text, for the quarantine
RESERVED_COLUMNS = ("_file", "_line", *MARK_COLUMNS)  # a file's header cannot use these names (nor TEXT_PREFIX)
# scope: 'row' (one row could not be read or typed) or 'file' (the whole file could not be read).
QUARANTINE_COLUMNS = """kind VARCHAR, file VARCHAR, line BIGINT, field VARCHAR, reason VARCHAR,
    raw_text VARCHAR, loaded_at TIMESTAMPTZ, scope VARCHAR"""


def prepare_schemas(con, latest_date=None) -> None:
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {TYPED_SCHEMA}")
    con.execute(f"CREATE TABLE IF NOT EXISTS {TYPED_SCHEMA}.quarantine ({QUARANTINE_COLUMNS})")
    con.execute(f"""CREATE TABLE IF NOT EXISTS {TYPED_SCHEMA}.landed_files
        (kind VARCHAR, file VARCHAR, size BIGINT, mtime_ns BIGINT)""")
    con.execute(f"CREATE OR REPLACE TABLE {TYPED_SCHEMA}.row_changes (kind VARCHAR, row_key VARCHAR, event_at TIMESTAMPTZ)")
    value_parsers.install(con, latest_date)


def create_tables(con, kind: Kind, replace: bool) -> None:
    """The kind's table, emptied when `replace`."""
    create = "CREATE OR REPLACE TABLE" if replace else "CREATE TABLE IF NOT EXISTS"
    typed_cols = ", ".join(f'"{c.name}" {value_parsers.TYPES[c.type][0]}' for c in kind.columns)
    con.execute(f"{create} {TYPED_SCHEMA}.{kind.name} ({typed_cols}, _file VARCHAR, _line BIGINT)")
    if replace:
        con.execute(f"DELETE FROM {TYPED_SCHEMA}.quarantine WHERE kind = ?", [kind.name])
        con.execute(f"DELETE FROM {TYPED_SCHEMA}.landed_files WHERE kind = ?", [kind.name])


def scalar(con, sql: str, params: list | None = None):
    """First value of a query; reads the whole result, which DuckDB requires before the next statement."""
    rows = con.execute(sql, params or []).fetchall()
    return rows[0][0] if rows else None


def count_rows(con, table: str) -> int:
    return scalar(con, f"SELECT count(*) FROM {table}")


def land_connector_state(con, sources: tuple) -> None:
    """How far each API source got and whether its last pull failed (the tracking check reads it)."""
    con.execute(f"""CREATE OR REPLACE TABLE {TYPED_SCHEMA}.connector_state (source VARCHAR, stream VARCHAR,
        platform VARCHAR, status VARCHAR, message VARCHAR, last_day DATE, cursor VARCHAR, rows_pulled BIGINT,
        last_attempt_at TIMESTAMPTZ, last_success_at TIMESTAMPTZ)""")
    if sources:
        con.execute(f"INSERT INTO {TYPED_SCHEMA}.connector_state SELECT * FROM pulled.connector_state "
                    f"WHERE list_contains(?, source)", [list(sources)])

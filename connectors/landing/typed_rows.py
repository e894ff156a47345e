"""Typing exported text as it lands: every canonical column parsed leniently inside the statement that
reads the file (or a source's pulled rows), so each row is written once. A row with an unusable value
lands marked (`_errors`, `_raw`); once its kind has landed it moves to quarantine, one row per field."""

from __future__ import annotations

from connectors import value_parsers
from connectors.kinds import DATE, TIMESTAMP, Kind
from connectors.landing.ledger import record_rows
from connectors.landing.tables import MARK_COLUMNS, TEXT_PREFIX, TYPED_SCHEMA
from connectors.sql_text import ident, literal


def typed_select(kind: Kind, texts: str, passthrough: list[str]) -> str:
    """A SELECT over `texts` (a relation holding the kind's columns as text and the `passthrough`
    columns, by name) giving the typed columns, the passthrough ones as they are, and the marks:
    `_errors`, NULL for a usable row, and `_raw`, the row's text as JSON where the quarantine needs it."""
    typed_cols, checks = [], []
    for col in kind.columns:
        sql_type, parser, expected, empty = value_parsers.TYPES[col.type]
        value = f"nullif(trim({ident(col.name)}), '')"
        if empty is not None:
            value = f"coalesce({value}, '{empty}')"
        typed = f"{parser}({value})" if parser else value
        typed_cols.append(f"CAST({typed} AS {sql_type}) AS {ident(col.name)}")
        if col.required:
            checks.append(f"CASE WHEN {value} IS NULL THEN {{'field': '{col.name}', 'reason': '{col.name} is empty'}} END")
        if parser:
            before, after = literal(f"{col.name}: '"), literal(f"' is not {expected}")
            reason = f"{before} || {value} || {after}"
            checks.append(f"CASE WHEN {value} IS NOT NULL AND {typed} IS NULL THEN {{'field': '{col.name}', 'reason': {reason}}} END")
            checks += _range_checks(col, value, f"CAST({typed} AS {sql_type})")
    errors = f"nullif(list_filter([{', '.join(checks)}], lambda e: e IS NOT NULL), [])" if checks else "NULL"
    texts_as = [f"{ident(c.name)} AS {ident(TEXT_PREFIX + c.name)}" for c in kind.columns]
    raw_json = "json_object(" + ", ".join(f"'{c.name}', {ident(TEXT_PREFIX + c.name)}" for c in kind.columns) + ")"
    return f"""SELECT * EXCLUDE ({', '.join(ident(TEXT_PREFIX + c.name) for c in kind.columns)}),
                      CASE WHEN _errors IS NOT NULL THEN {raw_json}::VARCHAR END AS _raw
               FROM (SELECT {', '.join(typed_cols + passthrough)},
                            CAST({errors} AS {MARK_COLUMNS['_errors']}) AS _errors, {', '.join(texts_as)}
                     FROM {texts})"""


def _range_checks(col, text: str, typed: str) -> list[str]:
    """A typed value outside what mkpi accepts: a date before 2000 or past the latest day the run allows
    (value_parsers.install), a number with more than 15 integer digits (a rate: more than 6)."""
    quoted = literal(f"{col.name}: '") + f" || {text} || "  # the column: 'its text as written'
    if col.type in (DATE, TIMESTAMP):
        latest = "mkpi_latest_planned()" if col.name in value_parsers.PLANNED_DATES else "mkpi_latest_date()"
        outside = f"NOT ({typed}::DATE BETWEEN mkpi_earliest_date() AND {latest})"
        said = (quoted + literal("' is outside the dates mkpi accepts (")
                + f" || CAST(mkpi_earliest_date() AS VARCHAR) || ' to ' || CAST({latest} AS VARCHAR) || ')'")
    elif col.type in value_parsers.MAX_ABS:
        bound = value_parsers.MAX_ABS_OF_COLUMN.get(col.name, value_parsers.MAX_ABS[col.type])
        outside = f"abs({typed}) >= {bound}"
        said = quoted + literal(f"' is larger than mkpi accepts (at most {len(str(bound)) - 1} digits before the point)")
    else:
        return []
    return [f"CASE WHEN {typed} IS NOT NULL AND {outside} THEN {{'field': '{col.name}', 'reason': {said}}} END"]


def mark_table(con, kind: Kind) -> None:
    for name, sql_type in MARK_COLUMNS.items():
        con.execute(f"ALTER TABLE {TYPED_SCHEMA}.{kind.name} ADD COLUMN IF NOT EXISTS {name} {sql_type}")


def settle_marked_rows(con, kind: Kind, record: str | None) -> None:
    """Move the marked rows to quarantine, one row per unusable field, and drop the marks. Unmarked
    rows matching `record` (SQL) are listed as tonight's changes."""
    table = f"{TYPED_SCHEMA}.{kind.name}"
    if record:
        record_rows(con, kind, table, f"_errors IS NULL AND {record}")
    con.execute(
        f"""INSERT INTO {TYPED_SCHEMA}.quarantine
            SELECT '{kind.name}', _file, _line, e.field, e.reason, _raw, current_timestamp, 'row'
            FROM (SELECT _file, _line, _raw, unnest(_errors) AS e FROM {table} WHERE _errors IS NOT NULL)"""
    )
    con.execute(f"DELETE FROM {table} WHERE _errors IS NOT NULL")
    for name in MARK_COLUMNS:
        con.execute(f"ALTER TABLE {table} DROP COLUMN {name}")

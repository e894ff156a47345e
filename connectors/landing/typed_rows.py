"""Typing the raw text: every canonical column parsed leniently; a row with any unusable value goes to
quarantine, one row per field, with the reason."""

from __future__ import annotations

from connectors import value_parsers
from connectors.kinds import Kind
from connectors.landing.ledger import record_rows
from connectors.landing.tables import RAW_SCHEMA, TYPED_SCHEMA
from connectors.sql_text import literal


def append_typed_rows(con, kind: Kind, landed: str, record: str | None) -> None:
    """Type every canonical column of the raw rows matching `landed` (SQL); rows with any unusable
    value go to quarantine, one row per field. Rows matching `record` are listed as changes."""
    source = f"(SELECT * FROM {RAW_SCHEMA}.{kind.name} WHERE {landed})"
    typed_cols, checks = [], []
    for col in kind.columns:
        sql_type, parser, expected, empty = value_parsers.TYPES[col.type]
        value = f"nullif(trim(\"{col.name}\"), '')"
        if empty is not None:
            value = f"coalesce({value}, '{empty}')"
        typed = f"{parser}({value})" if parser else value
        typed_cols.append(f'CAST({typed} AS {sql_type}) AS "{col.name}"')
        if col.required:
            checks.append(f"CASE WHEN {value} IS NULL THEN {{'field': '{col.name}', 'reason': '{col.name} is empty'}} END")
        if parser:
            before, after = literal(f"{col.name}: '"), literal(f"' is not {expected}")
            reason = f"{before} || {value} || {after}"
            checks.append(f"CASE WHEN {value} IS NOT NULL AND {typed} IS NULL THEN {{'field': '{col.name}', 'reason': {reason}}} END")
    raw_json = "json_object(" + ", ".join(f"'{c.name}', \"_text_{c.name}\"" for c in kind.columns) + ")"
    errors = f"list_filter([{', '.join(checks)}], lambda e: e IS NOT NULL)" if checks else "[]"
    texts = ", ".join(f'"{c.name}" AS "_text_{c.name}"' for c in kind.columns)
    # The row's text as JSON only where the quarantine needs it.
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _typed AS
            SELECT * EXCLUDE ({', '.join(f'"_text_{c.name}"' for c in kind.columns)}),
                   CASE WHEN len(_errors) > 0 THEN {raw_json}::VARCHAR END AS _raw
            FROM (SELECT {', '.join(typed_cols)}, _file, _line, _loaded_at, {errors} AS _errors, {texts}
                  FROM {source})"""
    )
    names = ", ".join(f'"{c.name}"' for c in kind.columns)
    con.execute(
        f"""INSERT INTO {TYPED_SCHEMA}.{kind.name}
            SELECT {names}, _file, _line FROM _typed WHERE len(_errors) = 0"""
    )
    if record:
        record_rows(con, kind, "_typed", f"len(_errors) = 0 AND {record}")
    con.execute(
        f"""INSERT INTO {TYPED_SCHEMA}.quarantine
            SELECT '{kind.name}', _file, _line, e.field, e.reason, _raw, _loaded_at, 'row'
            FROM (SELECT *, unnest(_errors) AS e FROM _typed WHERE len(_errors) > 0)"""
    )
    con.execute("DROP TABLE _typed")

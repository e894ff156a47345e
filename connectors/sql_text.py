"""Quoting for the SQL text DuckDB cannot bind: identifiers, and literals inside DDL or table functions.

Everything built from a file (header names, file names, values), config or an API goes through
these two, so no text from outside can end a quoted name or string and run as SQL.
"""

from __future__ import annotations


def ident(name: str) -> str:
    """A quoted identifier: any text, a double quote doubled."""
    if "\x00" in name:
        raise ValueError("an identifier cannot contain a NUL character")
    return '"' + name.replace('"', '""') + '"'


def literal(value: str) -> str:
    """A quoted string literal: any text, a single quote doubled (DuckDB reads no backslash escapes here)."""
    if "\x00" in value:
        raise ValueError("a string literal cannot contain a NUL character")
    return "'" + value.replace("'", "''") + "'"

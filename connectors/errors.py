"""Errors a marketing analyst can act on: they name the file, the line and the column."""

from __future__ import annotations

from pathlib import Path


class SourceError(Exception):
    """A source file the run cannot go on with (wrong columns, unreadable file)."""

    def __init__(self, path: Path | str, message: str, line: int | None = None, column: str | None = None):
        self.path = str(path)
        self.line = line
        self.column = column
        self.detail = message
        super().__init__(self._format())

    def _format(self) -> str:
        where = self.path
        if self.line is not None:
            where += f", line {self.line}"
        if self.column is not None:
            where += f", column '{self.column}'"
        return f"{where}: {self.detail}"

"""The pull store: what the API connectors fetched, kept from night to night in one DuckDB file.

Landing reads it into every build, so a source that fails tonight still contributes the data it
last pulled. Each stream's pull is one transaction: the rows it re-fetched replace the stored ones
(by day or by record key), its raw pages are logged and its state moves forward together; a pull
that stops part-way leaves the store exactly as it was.
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from pathlib import Path

import duckdb

from connectors.api_source import Page
from connectors.kinds import KINDS

META_COLUMNS = {
    "_source": "VARCHAR", "_account": "VARCHAR", "_day": "DATE", "_key": "VARCHAR",
    "_page": "INTEGER", "_row": "INTEGER", "_pulled_at": "TIMESTAMPTZ",
}
STATE_COLUMNS = """source VARCHAR, stream VARCHAR, platform VARCHAR, status VARCHAR, message VARCHAR,
    last_day DATE, cursor VARCHAR, rows_pulled BIGINT, last_attempt_at TIMESTAMPTZ, last_success_at TIMESTAMPTZ,
    PRIMARY KEY (source, stream)"""


def table_for(kind: str) -> str:
    return f"pulled_{kind}"


class PullStore:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.con = duckdb.connect(str(path))
        self._create_tables()

    def close(self) -> None:
        self.con.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _create_tables(self) -> None:
        for kind in KINDS.values():
            cols = [f'"{c.name}" VARCHAR' for c in kind.columns] + [f"{n} {t}" for n, t in META_COLUMNS.items()]
            self.con.execute(f"CREATE TABLE IF NOT EXISTS {table_for(kind.name)} ({', '.join(cols)})")
        self.con.execute("""CREATE TABLE IF NOT EXISTS raw_pages (source VARCHAR, stream VARCHAR, account VARCHAR,
            page INTEGER, request VARCHAR, fetched_at TIMESTAMPTZ, body VARCHAR)""")
        self.con.execute(f"CREATE TABLE IF NOT EXISTS connector_state ({STATE_COLUMNS})")

    @contextmanager
    def transaction(self):
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    def state(self, source: str, stream: str) -> dict | None:
        result = self.con.execute("SELECT * FROM connector_state WHERE source = ? AND stream = ?", [source, stream])
        names = [d[0] for d in result.description]
        row = result.fetchone()
        return dict(zip(names, row)) if row else None

    def clear_days(self, kind: str, source: str, start: dt.date, end: dt.date) -> None:
        self.con.execute(f"DELETE FROM {table_for(kind)} WHERE _source = ? AND _day BETWEEN ? AND ?",
                         [source, start, end])

    def keep_days(self, kind: str, source: str, start: dt.date, end: dt.date) -> None:
        """Set aside the stored rows of [start, end] before a re-fetch replaces them (restore_unreconciled)."""
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE _kept AS SELECT * FROM {table_for(kind)} "
                         "WHERE _source = ? AND _day BETWEEN ? AND ?", [source, start, end])

    def restore_unreconciled(self, kind: str, totals: str, source: str, share: float) -> int:
        """Account days whose re-fetched rows miss the account's total by more than `share` of it, and by more
        than the rows set aside did: the set-aside rows go back. Returns how many account days."""
        spend = "sum(TRY_CAST(spend AS DECIMAL(38, 6)))"
        days = self.con.execute(f"""
            WITH fresh AS (SELECT _account, _day, {spend} AS s FROM {table_for(kind)} WHERE _source = $1 GROUP BY ALL),
                 kept AS (SELECT _account, _day, {spend} AS s FROM _kept GROUP BY ALL),
                 total AS (SELECT _account, _day, {spend} AS t FROM {table_for(totals)} WHERE _source = $1 GROUP BY ALL)
            SELECT kept._account, kept._day
            FROM kept JOIN total USING (_account, _day) LEFT JOIN fresh USING (_account, _day)
            WHERE abs(coalesce(fresh.s, 0) - total.t) > $2 * abs(total.t)
              AND abs(kept.s - total.t) < abs(coalesce(fresh.s, 0) - total.t)""", [source, share]).fetchall()
        for account, day in days:
            self.con.execute(f"DELETE FROM {table_for(kind)} WHERE _source = ? AND _account = ? AND _day = ?",
                             [source, account, day])
            self.con.execute(f"INSERT INTO {table_for(kind)} SELECT * FROM _kept WHERE _account = ? AND _day = ?",
                             [account, day])
        self.con.execute("DROP TABLE _kept")
        return len(days)

    def write_page(self, source: str, kind: str, page: Page, *, day_column: str | None = None,
                   key_column: str | None = None) -> None:
        """Log the raw page and store its rows; with a key column, a stored record of the same key is replaced."""
        self.con.execute("INSERT INTO raw_pages VALUES (?, ?, ?, ?, ?, current_timestamp, ?)",
                         [source, kind, page.account, page.number, page.request, page.body])
        table = table_for(kind)
        if key_column:
            keys = [str(r.get(key_column) or "") for r in page.rows] + list(page.removed_keys)
            if keys:
                self.con.execute(f"DELETE FROM {table} WHERE _source = ? AND list_contains(?, _key)", [source, keys])
        if not page.rows:
            return
        import pandas as pd  # here, not at the top: a night without API sources never needs its import (0.2 s)

        names = [c.name for c in KINDS[kind].columns]
        frame = pd.DataFrame([{n: _text(r.get(n)) for n in names} for r in page.rows], columns=names, dtype=object)
        frame["_row"] = range(1, len(frame) + 1)
        self.con.register("_page_rows", frame)
        try:
            day = f'TRY_CAST("{day_column}" AS DATE)' if day_column else "NULL"
            key = f'"{key_column}"' if key_column else "NULL"
            self.con.execute(
                f"""INSERT INTO {table} SELECT {', '.join(f'"{n}"' for n in names)}, ?, ?, {day}, {key}, ?, _row,
                    current_timestamp FROM _page_rows""",
                [source, page.account, page.number],
            )
        finally:
            self.con.unregister("_page_rows")

    def record_success(self, source: str, stream: str, platform: str, *, last_day: dt.date | None,
                       cursor: str | None, rows: int) -> None:
        self.con.execute(
            """INSERT OR REPLACE INTO connector_state
               VALUES (?, ?, ?, 'ok', NULL, ?, ?, ?, current_timestamp, current_timestamp)""",
            [source, stream, platform, last_day, cursor, rows],
        )

    def record_failure(self, source: str, stream: str, platform: str, message: str) -> None:
        """Remember the failure without touching what the last good pull stored."""
        previous = self.state(source, stream) or {}
        self.con.execute(
            "INSERT OR REPLACE INTO connector_state VALUES (?, ?, ?, 'failed', ?, ?, ?, 0, current_timestamp, ?)",
            [source, stream, platform, message, previous.get("last_day"), previous.get("cursor"),
             previous.get("last_success_at")],
        )


def _text(value) -> str | None:
    """Canonical rows are stored as text, exactly like a CSV cell, and typed by landing."""
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)

"""Closing scoring periods: a period is `provisional` until its close date, then `final`, and a final
period's rows are frozen in the state folder, so later nights, late data and full rebuilds never
change what HR acted on. A lead may close a period early (`mkpi close`) or reopen a final one with
a reason (`mkpi reopen`); every close and reopen stays in the ledger. A lead may also waive a tracking
issue for a provisional period's scoring (`mkpi waive`), with a reason that stays in the same ledger.

A reopened period stays provisional until it is closed again with `mkpi close`: its close date has
passed, and closing it again the same night would undo the reopening.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from pipelines.scoring.inputs import DATA_THROUGH
from pipelines.scoring.periods import Period, add_months
from pipelines.scoring.tables import PERIOD_EVENTS, TABLES, scoring_failure, write_rows
from pipelines.night.warehouse import records

FROZEN = ("kpi_scores", "employee_scorecards", "scorecard_flags")  # what a final period keeps
PROVISIONAL, FINAL = "provisional", "final"
CLOSE, REOPEN, WAIVE = "close", "reopen", "waive"
BY_CLOSE_DATE, BY_COMMAND = "close date", "mkpi close"


class ClosingError(ValueError):
    """One line for the lead: which period and why it cannot be closed or reopened."""


@dataclass
class Frozen:
    """The final periods and their rows, as closed."""
    periods: set[str] = field(default_factory=set)
    rows: dict[str, list[dict]] = field(default_factory=lambda: {t: [] for t in FROZEN})


@dataclass(frozen=True)
class Waiver:
    """A lead's decision that a tracking issue does not stop a period's KPIs: every issue of the check, or
    only those on one channel and/or campaign."""
    check_name: str
    channel: str | None = None
    campaign: str | None = None
    reason: str = ""

    @property
    def subject(self) -> str:
        return "|".join([self.check_name, self.channel or "", self.campaign or ""])

    @classmethod
    def of(cls, subject: str, reason: str) -> "Waiver":
        check, channel, campaign = (subject.split("|") + ["", ""])[:3]
        return cls(check, channel or None, campaign or None, reason)

    def covers(self, issue: dict) -> bool:
        return (issue["check_name"] == self.check_name and self.channel in (None, issue["channel"])
                and self.campaign in (None, issue["campaign"]))


def waivers(events: list[dict]) -> dict[str, list[Waiver]]:
    """The ledger's waivers, per period."""
    out: dict[str, list[Waiver]] = {}
    for e in events:
        if e["action"] == WAIVE:
            out.setdefault(e["period"], []).append(Waiver.of(e["subject"], e["reason"]))
    return out


def store_path(state_dir: Path) -> Path:
    return state_dir / "closed_periods.duckdb"


def close_date(period: Period, close_day: int) -> dt.date:
    """The `close_day` of the month after the period ends (default 5: the lead's ratings are due then)."""
    return add_months(period.end.replace(day=1), 1).replace(day=close_day)


class Store:
    """The ledger and the frozen rows, in a DuckDB file of the state folder."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.con = duckdb.connect(str(path))
        columns = ", ".join(f'"{c}" {t}' for c, t in PERIOD_EVENTS.items())
        self.con.execute(f"CREATE TABLE IF NOT EXISTS period_events ({columns})")
        for column, sql_type in PERIOD_EVENTS.items():  # a ledger written before a column was added
            self.con.execute(f'ALTER TABLE period_events ADD COLUMN IF NOT EXISTS "{column}" {sql_type}')
        for name in FROZEN:
            columns = ", ".join(f'"{c}" {t}' for c, t in TABLES[name][0].items())
            self.con.execute(f'CREATE TABLE IF NOT EXISTS "final_{name}" ({columns})')
            for column, sql_type in TABLES[name][0].items():  # rows frozen before a column was added (at the end)
                self.con.execute(f'ALTER TABLE "final_{name}" ADD COLUMN IF NOT EXISTS "{column}" {sql_type}')

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.con.close()

    def events(self) -> list[dict]:
        return events_in(self.con)

    def final_periods(self) -> set[str]:
        return final_of(self.events())

    def frozen(self) -> Frozen:
        periods = self.final_periods()
        rows = {name: [r for r in records(self.con, f'SELECT * FROM "final_{name}" ORDER BY ALL') if r["period"] in periods]
                for name in FROZEN}
        return Frozen(periods, rows)

    def close(self, period: str, tables: dict[str, list[dict]], by: str, reason: str | None = None,
              as_of: dt.date | None = None, data_through: dt.date | None = None) -> None:
        """Freeze `tables`' rows of `period` as final and record the close, with the night's as-of date and
        the data's last day, in one transaction."""
        self.con.execute("BEGIN TRANSACTION")
        for name in FROZEN:
            self.con.execute(f'DELETE FROM "final_{name}" WHERE period = ?', [period])
            rows = [{**r, "period_status": FINAL} for r in tables[name] if r["period"] == period]
            write_rows(self.con, f'"final_{name}"', TABLES[name][0], rows)
        self._record(period, CLOSE, by, reason, as_of, data_through)
        self.con.execute("COMMIT")

    def reopen(self, period: str, reason: str) -> None:
        if period not in self.final_periods():
            raise ClosingError(f"{period} is not closed; only a final period can be reopened")
        self.con.execute("BEGIN TRANSACTION")
        for name in FROZEN:
            self.con.execute(f'DELETE FROM "final_{name}" WHERE period = ?', [period])
        self._record(period, REOPEN, "mkpi reopen", reason)
        self.con.execute("COMMIT")

    def waive(self, period: str, waiver: Waiver) -> None:
        """From the next night, score `period` as if the issues the waiver covers did not stop its KPIs."""
        if period in self.final_periods():
            raise ClosingError(f"{period} is final; reopen it first (mkpi reopen {period} --reason ...), then waive")
        self._record(period, WAIVE, "mkpi waive", waiver.reason, subject=waiver.subject)

    def _record(self, period: str, action: str, by: str, reason: str | None, as_of: dt.date | None = None,
                data_through: dt.date | None = None, subject: str | None = None) -> None:
        self.con.execute("""INSERT INTO period_events BY NAME SELECT ? AS period, ? AS action,
                                   current_timestamp AS recorded_at, ? AS recorded_by, ? AS reason,
                                   ?::DATE AS as_of_date, ?::DATE AS data_through, ? AS subject""",
                         [period, action, by, reason, as_of, data_through, subject])


def events_in(con) -> list[dict]:
    """The ledger's events, oldest first, from a connection to the store (read-only is enough)."""
    return records(con, "SELECT * FROM period_events ORDER BY recorded_at, period")


def lifecycle(events: list[dict]) -> list[dict]:
    """The closes and reopens: a waiver changes what is scored, not whether a period is final."""
    return [e for e in events if e["action"] in (CLOSE, REOPEN)]


def final_of(events: list[dict]) -> set[str]:
    """The periods whose last close or reopen (oldest first) is a close."""
    latest = {e["period"]: e["action"] for e in lifecycle(events)}
    return {p for p, action in latest.items() if action == CLOSE}


def due_tonight(periods: list[Period], as_of: dt.date, close_day: int, events: list[dict],
                data_through: dt.date | None) -> list[Period]:
    """Ended periods whose close date has come, that the data reaches to their last day, and that were never
    closed or reopened. A period the data stops short of stays provisional: late data is still due."""
    touched = {e["period"] for e in lifecycle(events)}
    return [p for p in periods if p.label not in touched and as_of >= close_date(p, close_day)
            and data_through is not None and data_through >= p.end]


def period_rows(periods: list[Period], close_day: int, events: list[dict]) -> list[dict]:
    """One row per scored period for `scoring_periods`: its status and its last close and reopen."""
    out = []
    for p in periods:
        mine = [e for e in lifecycle(events) if e["period"] == p.label]
        closes = [e for e in mine if e["action"] == CLOSE]
        reopens = [e for e in mine if e["action"] == REOPEN]
        out.append({
            "period": p.label, "period_type": p.type, "period_start": p.start, "period_end": p.end,
            "status": FINAL if mine and mine[-1]["action"] == CLOSE else PROVISIONAL,
            "close_date": close_date(p, close_day),
            "closed_at": closes[-1]["recorded_at"] if closes else None,
            "closed_by": closes[-1]["recorded_by"] if closes else None,
            "reopened_at": reopens[-1]["recorded_at"] if reopens else None,
            "reopen_reason": reopens[-1]["reason"] if reopens else None,
        })
    return out


def settle(store: Store, periods: list[Period], as_of: dt.date, close_day: int, tables: dict[str, list[dict]],
           data_through: dt.date | None) -> None:
    """After tonight's scoring: freeze the periods whose close date has come (and that the data reaches),
    mark every final period's rows, and add the `scoring_periods` and `scoring_period_events` tables."""
    for period in due_tonight(periods, as_of, close_day, store.events(), data_through):
        store.close(period.label, tables, BY_CLOSE_DATE, as_of=as_of, data_through=data_through)
    events = store.events()
    final = final_of(events)
    for name in FROZEN:
        for row in tables[name]:
            row["period_status"] = FINAL if row["period"] in final else PROVISIONAL
    tables["scoring_periods"] = period_rows(periods, close_day, events)
    tables["scoring_period_events"] = events


def close_published(store: Store, con, period: str, reason: str | None = None) -> int:
    """`mkpi close`: freeze the period's rows as the published file shows them (what the lead reviewed).
    Returns the number of scorecards frozen."""
    if period in store.final_periods():
        raise ClosingError(f"{period} is already final; reopen it first (mkpi reopen {period} --reason ...)")
    tables = {name: records(con, f"SELECT * FROM marts.{name} WHERE period = ?", [period]) for name in FROZEN}
    failure = scoring_failure(con)
    if failure and not tables["employee_scorecards"]:
        raise ClosingError(f"last night's scoring failed, so there is nothing to close: {failure}")
    # After a failed night the published file holds only the final periods' rows, as they were closed:
    # closing one again restores a damaged closed-periods store.
    if not tables["employee_scorecards"]:
        known = [r[0] for r in con.execute("SELECT period FROM marts.scoring_periods ORDER BY period_start, period")
                 .fetchall()]
        raise ClosingError(f"{period} has no scorecards in the published file (scored periods: "
                           f"{', '.join(known) or 'none'}); a period is scored once it has ended")
    as_of, data_through = con.execute(f"SELECT (SELECT as_of_date FROM marts.dim_run_settings), "
                                      f"({DATA_THROUGH})").fetchall()[0]
    store.close(period, tables, BY_COMMAND, reason, as_of=as_of, data_through=data_through)
    return len(tables["employee_scorecards"])

"""Scoring periods: months (2026-10), quarters (2026-Q4) and years (2026), and which ones have ended."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive
    type: str  # month | quarter | year
    label: str

    @property
    def months(self) -> list[dt.date]:
        out, day = [], self.start
        while day <= self.end:
            out.append(day)
            day = add_months(day, 1)
        return out

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def weeks(self) -> float:
        return self.days / 7


def add_months(day: dt.date, n: int) -> dt.date:
    month = day.month - 1 + n
    return dt.date(day.year + month // 12, month % 12 + 1, 1)


def month(first: dt.date) -> Period:
    return Period(first, add_months(first, 1) - dt.timedelta(days=1), "month", f"{first:%Y-%m}")


def quarter(first: dt.date) -> Period:
    q = (first.month - 1) // 3 + 1
    start = dt.date(first.year, 3 * q - 2, 1)
    return Period(start, add_months(start, 3) - dt.timedelta(days=1), "quarter", f"{start.year}-Q{q}")


def year(first: dt.date) -> Period:
    start = dt.date(first.year, 1, 1)
    return Period(start, dt.date(first.year, 12, 31), "year", str(first.year))


# Shorter periods first: a KPI evaluated per quarter is "not due" in a month's card.
PERIOD_TYPES = ("month", "quarter", "year")
PATTERN = re.compile(r"(\d{4})(?:-(?:(0[1-9]|1[0-2])|Q([1-4])))?")


def parse(label: str) -> Period:
    """'2026-10' → that month, '2026-Q4' → that quarter, '2026' → that year."""
    found = PATTERN.fullmatch(label)
    if not found:
        raise ValueError(f"{label!r} is not a period like 2026-10, 2026-Q4 or 2026")
    y, mon, q = found.groups()
    if mon:
        return month(dt.date(int(y), int(mon), 1))
    return quarter(dt.date(int(y), 3 * int(q) - 2, 1)) if q else year(dt.date(int(y), 1, 1))


def ended_periods(first_month: dt.date, as_of: dt.date) -> list[Period]:
    """Every month, quarter and year that starts on or after `first_month` and has ended by `as_of`: its last
    day is before the as-of date. The as-of day itself is still coming in (the dashboard reads it the same
    way), so a month is complete from the 1st of the next."""
    months = []
    day = first_month.replace(day=1)
    while (p := month(day)).end < as_of:
        months.append(p)
        day = add_months(day, 1)
    longer = [sorted({p for m in months if (p := of(m.start)).end < as_of and p.start >= first_month})
              for of in (quarter, year)]
    return months + longer[0] + longer[1]

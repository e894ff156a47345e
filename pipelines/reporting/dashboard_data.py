"""What the channel dashboard shows, read from the published marts: one query per panel.

Every panel names the mart and the columns it reads (PANELS), and the page prints them under the
panel, so any number can be traced back with one query. Totals over a window are sums of the
marts' additive measures; rates are computed from those sums with the ratio registry
(dbt_project.yml vars, `mkpi_ratios`), exactly as the marts compute them per row.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from pipelines import warehouse
from pipelines.scoring import metrics

# panel → (mart, columns it reads)
PANELS = {
    "tiles": ("marts.fct_channel_daily", ("date", "spend", "leads", "new_customers", "revenue")),
    "channel_trends": ("marts.fct_channel_weekly", ("week", "channel", "spend", "leads", "revenue")),
    "group_trends": ("marts.fct_channel_daily", ("date", "channel_group", "spend", "leads", "revenue")),
    "funnel": ("marts.fct_channel_daily", ("date", "channel_group", "sessions", "leads", "new_customers")),
    "retention": ("marts.fct_customer_retention", ("cohort_month", "months_since_first_order", "retention",
                                                    "cohort_customers")),
    "campaigns": ("marts.fct_channel_daily", ("date", "channel", "medium", "campaign", "spend", "leads", "revenue")),
    "tracking": ("marts.fct_tracking_issues", ("severity", "check_name", "channel", "medium", "campaign",
                                               "rows_affected", "message")),
}
TILES = ("spend", "leads", "new_customers", "revenue", "cpl", "cac", "roi")
TREND_WEEKS = 12
TREND_SERIES = 6  # the channels (groups) with the most spend (leads) are drawn; the rest summed as OTHER
CAMPAIGNS_SHOWN = 5
OTHER = "(other)"
RETENTION_COHORTS = 12


class PeriodError(ValueError):
    """A --period the dashboard cannot show; one line for the analyst."""


@dataclass(frozen=True)
class Window:
    start: dt.date
    end: dt.date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(frozen=True)
class Periods:
    month: str  # YYYY-MM
    current: Window
    previous: Window
    as_of: dt.date
    currency: str


def periods(con, month: str | None = None) -> Periods:
    """The month shown (default: the month of the latest day with data, up to yesterday), its days up to
    yesterday, and the previous month: whole when this month is whole, else the same number of days."""
    as_of, currency = con.execute("SELECT as_of_date, reporting_currency FROM marts.dim_run_settings").fetchone()
    yesterday = as_of - dt.timedelta(days=1)
    if month is None:
        latest = con.execute("SELECT max(date) FROM marts.fct_channel_daily WHERE date <= ?", [yesterday]).fetchone()[0]
        month = (latest or yesterday).strftime("%Y-%m")
    try:
        first = dt.date.fromisoformat(f"{month}-01")
    except ValueError:
        raise PeriodError(f"period {month!r} is not a month written as YYYY-MM (for example 2026-11)") from None
    if first > yesterday:
        raise PeriodError(f"period {month} starts after {yesterday}, the day before the as-of date {as_of}")
    month_end = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    current = Window(first, min(month_end, yesterday))
    prev_first = (first - dt.timedelta(days=1)).replace(day=1)
    prev_end = prev_first.replace(day=calendar.monthrange(prev_first.year, prev_first.month)[1])
    if current.end < month_end:  # month to date: compare the same days of the month before
        prev_end = min(prev_end, prev_first + dt.timedelta(days=current.days - 1))
    return Periods(month, current, Window(prev_first, prev_end), as_of, currency)


def totals(con, window: Window) -> dict[str, float | None]:
    """The tiles' additive measures summed over the window, and their rates from the sums."""
    sums = con.execute("""SELECT sum(spend), sum(leads), sum(new_customers), sum(revenue)
                          FROM marts.fct_channel_daily WHERE date BETWEEN ? AND ?""",
                       [window.start, window.end]).fetchone()
    values = {m: float(v or 0) for m, v in zip(("spend", "leads", "new_customers", "revenue"), sums)}
    return {**values, **{name: metrics.RATIOS[name].of(values) for name in ("cpl", "cac", "roi")}}


def channel_trends(con, periods: Periods) -> list[dict]:
    """Weekly spend, leads and revenue per channel over the last TREND_WEEKS weeks of the month shown."""
    first_week = periods.current.end - dt.timedelta(weeks=TREND_WEEKS)
    return warehouse.records(con, """
        SELECT week AS x, channel AS series, spend, leads, revenue FROM marts.fct_channel_weekly
        WHERE week > ? AND week <= ? ORDER BY week, channel""", [first_week, periods.current.end])


def group_trends(con, periods: Periods) -> list[dict]:
    """Daily spend, leads and revenue per channel group over the month shown."""
    return warehouse.records(con, """
        SELECT date AS x, channel_group AS series, sum(spend) AS spend, sum(leads) AS leads, sum(revenue) AS revenue
        FROM marts.fct_channel_daily WHERE date BETWEEN ? AND ? GROUP BY ALL ORDER BY date, series""",
                             [periods.current.start, periods.current.end])


def series(rows: list[dict], measures: tuple[str, ...], rank_by: str, keep: int) -> tuple[list, dict]:
    """The x values, and per series (the `keep` largest by `rank_by`, the rest summed as '(other)') each
    measure's sums by x; a series without a row on some x has 0 there."""
    xs = sorted({r["x"] for r in rows})
    position = {x: i for i, x in enumerate(xs)}
    size: dict[str, float] = {}
    for r in rows:
        size[r["series"]] = size.get(r["series"], 0.0) + float(r[rank_by] or 0)
    kept = sorted(size, key=lambda name: (-size[name], name))[:keep]
    out: dict[str, dict[str, list[float]]] = {}
    for r in rows:
        name = r["series"] if r["series"] in kept else OTHER
        sums = out.setdefault(name, {m: [0.0] * len(xs) for m in measures})
        for m in measures:
            sums[m][position[r["x"]]] += float(r[m] or 0)
    order = [name for name in kept if name in out] + ([OTHER] if OTHER in out else [])
    return xs, {name: out[name] for name in order}


def rate(sums: dict[str, list[float]], name: str) -> list[float | None]:
    """A ratio of the registry at each point of a series' sums."""
    points = range(len(next(iter(sums.values()))))
    return [metrics.RATIOS[name].of({m: values[i] for m, values in sums.items()}) for i in points]


def funnel(con, window: Window) -> list[dict]:
    """Sessions → leads → new customers per channel group, largest first."""
    return warehouse.records(con, """
        SELECT channel_group, sum(sessions) AS sessions, sum(leads) AS leads, sum(new_customers) AS customers
        FROM marts.fct_channel_daily WHERE date BETWEEN ? AND ?
        GROUP BY channel_group HAVING sum(sessions) + sum(leads) + sum(new_customers) > 0
        ORDER BY sessions DESC, leads DESC, channel_group""", [window.start, window.end])


def retention(con) -> list[dict]:
    return warehouse.records(con, """
        SELECT cohort_month, months_since_first_order, retention, cohort_customers FROM marts.fct_customer_retention
        WHERE cohort_month >= (SELECT max(cohort_month) FROM marts.fct_customer_retention) - to_months(?)
        ORDER BY cohort_month, months_since_first_order""", [RETENTION_COHORTS - 1])


def campaigns(con, window: Window) -> list[dict]:
    """Every campaign with spend in the window: spend, leads, revenue, CPL and ROI."""
    rows = warehouse.records(con, """
        SELECT channel, medium, campaign, sum(spend) AS spend, sum(leads) AS leads, sum(revenue) AS revenue
        FROM marts.fct_channel_daily WHERE date BETWEEN ? AND ?
        GROUP BY ALL HAVING sum(spend) > 0 ORDER BY ALL""", [window.start, window.end])
    for row in rows:
        sums = {k: float(row[k]) for k in ("spend", "leads", "revenue")}
        row.update(cpl=metrics.RATIOS["cpl"].of(sums), roi=metrics.RATIOS["roi"].of(sums))
    return rows


def ranked(rows: list[dict], measure: str, best: bool) -> list[dict]:
    """The best or worst campaigns by CPL (lower is better; spend without a lead is the worst) or ROI."""
    lower_is_better = measure == "cpl"

    def key(row):
        value = row[measure] if row[measure] is not None else float("inf")  # no lead: the worst CPL
        return (value if lower_is_better else -value, -float(row["spend"]), row["channel"], row["campaign"])

    ordered = sorted(rows, key=key)
    if best:
        return [row for row in ordered if row[measure] is not None][:CAMPAIGNS_SHOWN]
    return ordered[::-1][:CAMPAIGNS_SHOWN]


def tracking(con) -> list[dict]:
    return warehouse.records(con, """
        SELECT severity, check_name, channel, medium, campaign, rows_affected, message FROM marts.fct_tracking_issues
        ORDER BY CASE severity WHEN 'error' THEN 0 WHEN 'warn' THEN 1 ELSE 2 END, check_name, channel, campaign""")

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

from pipelines.night import warehouse
from pipelines.scoring import metrics

# The channel table's additive measures; its ratios come from the registry (CHANNEL_RATIOS).
TABLE_MEASURES = ("spend", "impressions", "clicks", "leads", "new_customers", "revenue")
CHANNEL_RATIOS = ("ctr", "cpc", "cpl", "cac", "roas", "roi")
CHANNEL_COLUMNS = ("spend", "impressions", "clicks", "ctr", "cpc", "leads", "cpl", "new_customers", "cac", "revenue",
                   "roas", "roi")
# panel → (mart, columns it reads)
PANELS = {
    "tiles": ("marts.fct_channel_daily", ("date", "channel", "spend", "leads", "new_customers", "revenue")),
    "channels": ("marts.fct_channel_daily", ("date", "channel", *TABLE_MEASURES)),
    "channel_trends": ("marts.fct_channel_weekly", ("week", "channel", "spend", "leads", "revenue")),
    "group_trends": ("marts.fct_channel_daily", ("date", "channel_group", "spend", "leads", "revenue")),
    "funnel": ("marts.fct_channel_daily", ("date", "channel_group", "sessions", "leads", "new_customers")),
    "retention": ("marts.fct_customer_retention", ("cohort_month", "months_since_first_order", "retention",
                                                    "cohort_customers")),
    "campaigns": ("marts.fct_channel_daily", ("date", "channel", "medium", "campaign", "spend", "leads", "revenue")),
    "attribution": ("marts.fct_channel_attribution", ("month", "channel", "model", "attributed_leads",
                                                      "attributed_revenue", "spend")),
    "tracking": ("marts.fct_tracking_issues", ("severity", "check_title", "check_title_zh", "channel", "medium",
                                               "campaign", "period_start", "period_end", "rows_affected", "message",
                                               "message_zh")),
}
TILES = ("spend", "leads", "new_customers", "revenue", "cpl", "cac", "roas", "roi")
TILE_RATIOS = ("cpl", "cac", "roas", "roi")
TREND_WEEKS = 12
TREND_SERIES = 6  # the channels (groups) with the most spend (leads) are drawn; the rest summed as OTHER
OTHER = "(other)"
MARKED_DAYS = 7
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

    @property
    def partial(self) -> bool:
        """Month to date: the days shown stop before the month's last day."""
        return self.current.end < _month_end(self.current.start)


def _month_end(first: dt.date) -> dt.date:
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def pages(con) -> tuple[str, str | None]:
    """The nightly pages: the latest complete month (the one ending by yesterday), and the month to date
    when yesterday is inside a month not yet over (None on the first of a month)."""
    as_of = con.execute("SELECT as_of_date FROM marts.dim_run_settings").fetchone()[0]
    yesterday = as_of - dt.timedelta(days=1)
    if yesterday == _month_end(yesterday.replace(day=1)):
        return yesterday.strftime("%Y-%m"), None
    complete = yesterday.replace(day=1) - dt.timedelta(days=1)
    return complete.strftime("%Y-%m"), yesterday.strftime("%Y-%m")


def periods(con, month: str | None = None) -> Periods:
    """The month shown (default: the latest complete month, pages()), its days up to yesterday, and the
    previous month: whole when this month is whole, else the same number of days."""
    as_of, currency = con.execute("SELECT as_of_date, reporting_currency FROM marts.dim_run_settings").fetchone()
    yesterday = as_of - dt.timedelta(days=1)
    month = month or pages(con)[0]
    try:
        first = dt.date.fromisoformat(f"{month}-01")
    except ValueError:
        raise PeriodError(f"period {month!r} is not a month written as YYYY-MM (for example 2026-11)") from None
    if first > yesterday:
        raise PeriodError(f"period {month} starts after {yesterday}, the day before the as-of date {as_of}")
    month_end = _month_end(first)
    current = Window(first, min(month_end, yesterday))
    prev_first = (first - dt.timedelta(days=1)).replace(day=1)
    prev_end = prev_first.replace(day=calendar.monthrange(prev_first.year, prev_first.month)[1])
    if current.end < month_end:  # month to date: compare the same days of the month before
        prev_end = min(prev_end, prev_first + dt.timedelta(days=current.days - 1))
    return Periods(month, current, Window(prev_first, prev_end), as_of, currency)


def totals(con, window: Window, paid_only: bool = False) -> dict[str, float | None]:
    """The tiles' additive measures summed over the window, and their rates from the sums: blended (every
    channel's leads, customers and revenue against all spend) or, `paid_only`, over the channels with
    spend in the window."""
    paid = """AND channel IN (SELECT channel FROM marts.fct_channel_daily WHERE date BETWEEN ? AND ?
                              GROUP BY channel HAVING sum(spend) > 0)""" if paid_only else ""
    window_days = [window.start, window.end]
    sums = con.execute(f"""SELECT sum(spend), sum(leads), sum(new_customers), sum(revenue)
                           FROM marts.fct_channel_daily WHERE date BETWEEN ? AND ? {paid}""",
                       window_days * (2 if paid_only else 1)).fetchone()
    values = {m: float(v or 0) for m, v in zip(("spend", "leads", "new_customers", "revenue"), sums)}
    return {**values, **{name: metrics.RATIOS[name].of(values) for name in TILE_RATIOS}}


def channel_table(con, window: Window) -> dict[str, dict[str, float | None]]:
    """Per channel: the table's measures summed over the window and the registry's ratios of the sums."""
    sums = ", ".join(f"sum({m})" for m in TABLE_MEASURES)
    out = {}
    for channel, *values in con.execute(f"""SELECT channel, {sums} FROM marts.fct_channel_daily
                                            WHERE date BETWEEN ? AND ? GROUP BY channel""",
                                        [window.start, window.end]).fetchall():
        row = {m: float(v or 0) for m, v in zip(TABLE_MEASURES, values)}
        out[channel] = {**row, **{name: metrics.RATIOS[name].of(row) for name in CHANNEL_RATIOS}}
    return out


def colors(con) -> dict[str, int]:
    """Each channel's and channel group's place in the palette, by all-time spend then sessions then
    name: the same colour on every page written from this file."""
    order = con.execute("""SELECT name FROM (
        SELECT channel AS name, sum(spend) AS spend, sum(sessions) AS sessions FROM marts.fct_channel_daily GROUP BY 1
        UNION ALL
        SELECT channel_group, sum(spend), sum(sessions) FROM marts.fct_channel_daily GROUP BY 1)
        ORDER BY spend DESC, sessions DESC, name""").fetchall()
    return {name: i for i, (name,) in enumerate(order)}


def markers(con, window: Window) -> list[dict]:
    """Warn and error issues of at most MARKED_DAYS days (a drop, an outlier, a few days without sessions)
    on days of the window: where a chart marks them. Longer ones (a typo all month) are in the table."""
    return warehouse.records(con, """
        SELECT severity, check_name, check_title, check_title_zh, channel, campaign, greatest(period_start, ?) AS first_day,
               least(period_end, ?) AS last_day
        FROM marts.fct_tracking_issues
        WHERE period_start <= ? AND period_end >= ? AND severity IN ('warn', 'error')
          AND period_end - period_start < ?
        ORDER BY first_day, check_name, channel""", [window.start, window.end, window.end, window.start, MARKED_DAYS])


def channel_trends(con, periods: Periods) -> list[dict]:
    """Weekly spend, leads and revenue per channel over the last TREND_WEEKS whole weeks (Monday to Sunday)
    that end by the last day shown: a week running into the next month would show days after it."""
    last_week = periods.current.end - dt.timedelta(days=6)
    return warehouse.records(con, """
        SELECT week AS x, channel AS series, spend, leads, revenue FROM marts.fct_channel_weekly
        WHERE week > ? AND week <= ? ORDER BY week, channel""", [last_week - dt.timedelta(weeks=TREND_WEEKS), last_week])


def group_trends(con, periods: Periods) -> list[dict]:
    """Daily spend, leads and revenue per channel group over the month shown."""
    return warehouse.records(con, """
        SELECT date AS x, channel_group AS series, sum(spend) AS spend, sum(leads) AS leads, sum(revenue) AS revenue
        FROM marts.fct_channel_daily WHERE date BETWEEN ? AND ? GROUP BY ALL ORDER BY date, series""",
                             [periods.current.start, periods.current.end])


def days(window: Window) -> list[dt.date]:
    return [window.start + dt.timedelta(days=i) for i in range(window.days)]


def weeks(periods: Periods) -> list[dt.date]:
    """The Mondays of channel_trends' weeks."""
    last = periods.current.end - dt.timedelta(days=6)
    last -= dt.timedelta(days=last.weekday())
    return [last - dt.timedelta(weeks=n) for n in range(TREND_WEEKS - 1, -1, -1)]


def series(rows: list[dict], measures: tuple[str, ...], rank_by: str, keep: int, xs: list) -> dict:
    """Per series (the `keep` largest by `rank_by`, the rest summed as '(other)') each measure's sums at
    each of `xs`; a series without a row on some x has 0 there."""
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
    return {name: out[name] for name in order}


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


def retention(con, last_day: dt.date) -> list[dict]:
    """The last RETENTION_COHORTS cohorts up to the month of `last_day`, and only the months up to it: a
    past month's page shows no later cohort or month."""
    month = last_day.replace(day=1)
    return warehouse.records(con, """
        SELECT cohort_month, months_since_first_order, retention, cohort_customers FROM marts.fct_customer_retention
        WHERE cohort_month <= ? AND cohort_month > ? - to_months(?)
          AND cohort_month + to_months(months_since_first_order) <= ?
        ORDER BY cohort_month, months_since_first_order""", [month, month, RETENTION_COHORTS, month])


def campaigns(con, window: Window) -> list[dict]:
    """Every campaign with spend in the window, most spend first: spend, leads, revenue, CPL and ROI."""
    rows = warehouse.records(con, """
        SELECT channel, medium, campaign, sum(spend) AS spend, sum(leads) AS leads, sum(revenue) AS revenue
        FROM marts.fct_channel_daily WHERE date BETWEEN ? AND ?
        GROUP BY ALL HAVING sum(spend) > 0 ORDER BY spend DESC, channel, medium, campaign""",
                             [window.start, window.end])
    for row in rows:
        sums = {k: float(row[k]) for k in ("spend", "leads", "revenue")}
        row.update(spend=sums["spend"], leads=sums["leads"], revenue=sums["revenue"],
                   cpl=metrics.RATIOS["cpl"].of(sums), roi=metrics.RATIOS["roi"].of(sums))
    return rows


def tracking(con) -> list[dict]:
    return warehouse.records(con, """
        SELECT severity, check_name, check_title, check_title_zh, channel, medium, campaign, period_start, period_end,
               rows_affected, message, message_zh
        FROM marts.fct_tracking_issues
        ORDER BY CASE severity WHEN 'error' THEN 0 WHEN 'warn' THEN 1 ELSE 2 END, check_name, channel, campaign""")


def attribution(con, month: dt.date) -> dict[str, dict[str, dict]]:
    """channel → model → attributed leads, CPL and ROAS of the leads created in `month`."""
    table: dict[str, dict[str, dict]] = {}
    for row in warehouse.records(con, """
            SELECT channel, model, sum(attributed_leads) AS leads, sum(attributed_revenue) AS revenue,
                   sum(spend) AS spend
            FROM marts.fct_channel_attribution WHERE month = ? GROUP BY ALL
            HAVING sum(attributed_leads) > 0 OR sum(spend) > 0""", [month]):
        sums = {k: float(row[k]) for k in ("spend", "leads", "revenue")}
        table.setdefault(row["channel"], {})[row["model"]] = {
            "attributed_leads": sums["leads"], "spend": sums["spend"], "cpl": metrics.RATIOS["cpl"].of(sums),
            "roas": metrics.RATIOS["roas"].of(sums)}
    return table

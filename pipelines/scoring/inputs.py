"""Everything scoring reads from the built warehouse, gathered once: people, ownership, metrics, manual scores."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from pipelines.scoring.config import TargetOverride
from pipelines.scoring import metrics
from pipelines.scoring.periods import Period, add_months, ended_periods
from connectors.sql_text import ident
from pipelines.night.warehouse import records


# The marts scoring reads, and nothing else (its asset depends on exactly these).
SCORING_MARTS = ("dim_run_settings", "dim_employees", "dim_ownerships", "dim_kpi_targets", "fct_owned_channel_monthly",
                 "fct_channel_monthly", "fct_channel_daily", "fct_content_items", "fct_author_monthly",
                 "fct_social_accounts_monthly", "fct_manual_scores", "fct_tracking_issues", "fct_channel_attribution")



def _measure(column: str, attributed: bool) -> str:
    """A measure of the channel marts' row r, or, under an attribution model, of its row a there."""
    return f"coalesce(a.{metrics.ATTRIBUTED[column]}, 0)" if attributed and column in metrics.ATTRIBUTED else f"r.{column}"


def _by_model(attributed: bool) -> str:
    """The model's row of each channel marts' row (its one parameter: the model)."""
    return ("LEFT JOIN marts.fct_channel_attribution AS a ON a.model = ? AND a.month = r.month "
            "AND a.channel = r.channel AND a.medium = r.medium AND a.campaign = r.campaign" if attributed else "")


def owned_monthly(attributed: bool = False) -> str:
    """A person's owned marketing rows, each counted × their share (under the attribution model $model)."""
    return f"""
SELECT o.employee_id, o.month, {", ".join(f"sum(o.share * {_measure(c, attributed)}) AS {c}" for c in metrics.MEASURES)},
       string_agg(DISTINCT r.channel || '/' || r.medium, ', ' ORDER BY r.channel || '/' || r.medium) AS covered
FROM marts.fct_owned_channel_monthly AS o
JOIN marts.fct_channel_monthly AS r
    ON r.month = o.month AND r.channel = o.channel AND r.medium = o.medium AND r.campaign = o.campaign
{_by_model(attributed)}
GROUP BY o.employee_id, o.month
"""


def team_monthly(attributed: bool = False) -> str:
    return (f"SELECT r.month, {', '.join(f'sum({_measure(c, attributed)}) AS {c}' for c in metrics.MEASURES)} "
            f"FROM marts.fct_channel_monthly AS r {_by_model(attributed)} GROUP BY r.month")


OWNED_KEYS = "SELECT employee_id, month, channel, medium, campaign FROM marts.fct_owned_channel_monthly ORDER BY ALL"
# Ordered: sums of quotients over these rows must not depend on the order DuckDB returns them in.
CHANNEL_MONTHLY = ("SELECT channel, month, sum(spend) AS spend, sum(leads) AS leads, sum(revenue) AS revenue "
                   "FROM marts.fct_channel_monthly GROUP BY ALL ORDER BY channel, month")


@dataclass(frozen=True)
class Employee:
    employee_id: str
    name: str
    role: str
    team: str | None
    file: str
    line: int


@dataclass
class Inputs:
    as_of: dt.date
    employees: list[Employee]
    ownership: dict[str, dict[str, set[str]]]  # employee → scope → values
    owned_monthly: dict[str, dict[dt.date, dict]]  # employee → month → measures (+ covered)
    team_monthly: dict[dt.date, dict]
    content: list[dict]
    social: list[dict]
    manual: dict[tuple[str, str, str], list[tuple[float, str | None]]]  # (period, employee, kpi) → values
    error_issues: list[dict] = field(default_factory=list)
    first_month: dt.date | None = None
    channel_monthly: dict[str, dict[dt.date, dict]] = field(default_factory=dict)  # channel → month → sums
    owned_keys: dict[str, list[dict]] = field(default_factory=dict)  # employee → {month, channel, medium, campaign}
    targets: tuple[TargetOverride, ...] = ()  # from targets files (marts.dim_kpi_targets)
    data_through: dt.date | None = None  # the last day with data (DATA_THROUGH)
    # attribution model → owned_monthly and team_monthly under it, for the models KPIs name (attributed_monthly)
    by_model: dict[str, tuple[dict, dict]] = field(default_factory=dict)

    def periods(self) -> list[Period]:
        """The months and quarters to score: those that ended by the as-of date, from the first full month."""
        return ended_periods(self.first_month, self.as_of) if self.first_month else []


def read_inputs(con) -> Inputs:
    as_of = con.execute("SELECT as_of_date FROM marts.dim_run_settings").fetchall()[0][0]
    employees = [Employee(*r) for r in con.execute(
        "SELECT employee_id, name, role, team, _file, _line FROM marts.dim_employees ORDER BY _file, _line").fetchall()]
    ownership: dict = defaultdict(lambda: defaultdict(set))
    for emp, scope, value in con.execute("SELECT employee_id, scope, value FROM marts.dim_ownerships").fetchall():
        ownership[emp][scope].add(value)
    owned = defaultdict(dict)
    for row in records(con, owned_monthly()):
        owned[row.pop("employee_id")][row.pop("month")] = row
    team = {row.pop("month"): row for row in records(con, team_monthly())}
    content, social = profile_parts(con, metrics.CONTENT, "author"), profile_parts(con, metrics.SOCIAL, "account")
    manual = defaultdict(list)
    for period, emp, kpi, value, reason in con.execute(
            "SELECT period, employee_id, kpi, value, reason FROM marts.fct_manual_scores").fetchall():
        manual[(period, emp, kpi)].append((value, reason))
    errors = records(con, """SELECT check_name, check_title_zh, channel, medium, campaign, period_start, period_end, message,
                                    message_zh FROM marts.fct_tracking_issues WHERE severity = 'error'""")
    by_channel = defaultdict(dict)
    for row in records(con, CHANNEL_MONTHLY):
        by_channel[row.pop("channel")][row.pop("month")] = row
    owned_keys = defaultdict(list)
    for row in records(con, OWNED_KEYS):
        owned_keys[row.pop("employee_id")].append(row)
    targets = tuple(TargetOverride(e, k, float(t), d, f"{file}, line {line}") for e, k, t, d, file, line in con.execute(
        "SELECT employee_id, kpi, target, effective_from, _file, _line FROM marts.dim_kpi_targets ORDER BY _file, _line"
    ).fetchall())
    return Inputs(as_of, employees, ownership, owned, team, content, social, manual, errors, _first_full_month(con),
                  dict(by_channel), dict(owned_keys), targets, con.execute(DATA_THROUGH).fetchall()[0][0])


def profile_parts(con, source: str, member: str) -> list[dict]:
    """The monthly rows of a content or social mart with every part its registry metrics are computed from."""
    chosen = [m for m in metrics.METRICS.values() if m.source == source]
    parts = sorted({p for m in chosen for p in m.parts} - {metrics.WEEKS})
    table = {m.table for m in chosen}.pop()
    return records(con, f"SELECT month, {ident(member)}, {', '.join(map(ident, parts))} FROM marts.{ident(table)}")


def attributed_monthly(con, models: tuple[str, ...]) -> dict[str, tuple[dict, dict]]:
    """Inputs.by_model for the models KPIs name (KpiConfig.attribution_models; none: nothing is read): each
    model's owned and team months, the channel marts' rows with leads, revenue and new customers as the
    model credits them (marts.fct_channel_attribution)."""
    found = {}
    for model in models:
        owned = defaultdict(dict)
        for row in records(con, owned_monthly(attributed=True), [model]):
            owned[row.pop("employee_id")][row.pop("month")] = row
        found[model] = (dict(owned), {row.pop("month"): row for row in records(con, team_monthly(True), [model])})
    return found


# The last day the marketing data reaches before the as-of date (which is still coming in): a period
# closes only once this reaches its last day.
DATA_THROUGH = """SELECT max(date) FROM marts.fct_channel_daily
                  WHERE date < (SELECT as_of_date FROM marts.dim_run_settings)"""


def _first_full_month(con) -> dt.date | None:
    """Scoring starts with the first month the data covers from its first day: a half month scores nobody fairly."""
    first = con.execute(
        """SELECT least(min(date), (SELECT min(published_date) FROM marts.fct_content_items))
           FROM marts.fct_channel_daily""").fetchall()[0][0]
    if first is None:
        return None
    return first if first.day == 1 else add_months(first.replace(day=1), 1)


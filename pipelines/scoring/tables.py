"""The published scoring tables: their columns are a contract (documented in dbt yml as source `scoring`)."""

from __future__ import annotations

from pipelines.scoring import flags
from pipelines.scoring.incentives import BONUS_POOL, BUDGET, COMMISSION, PROFIT_SHARE

PERIOD = {"period": "VARCHAR", "period_type": "VARCHAR", "period_start": "DATE", "period_status": "VARCHAR"}
KPI_SCORES = {
    **PERIOD, "employee_id": "VARCHAR",
    "name": "VARCHAR", "role": "VARCHAR", "team": "VARCHAR", "kpi": "VARCHAR", "metric": "VARCHAR",
    "scope": "VARCHAR", "category": "VARCHAR", "rule": "VARCHAR", "direction": "VARCHAR", "weight": "DOUBLE",
    "target": "DOUBLE", "actual": "DOUBLE", "achievement": "DOUBLE", "points": "DOUBLE",
    "weighted_points": "DOUBLE", "data_status": "VARCHAR", "excused": "BOOLEAN", "excuse_reason": "VARCHAR",
    "calibration": "VARCHAR", "calibration_reason": "VARCHAR", "formula": "VARCHAR", "parts": "VARCHAR",
    "formula_zh": "VARCHAR",
}
EMPLOYEE_SCORECARDS = {
    **PERIOD, "employee_id": "VARCHAR",
    "name": "VARCHAR", "role": "VARCHAR", "team": "VARCHAR", "config_version": "DATE", "status": "VARCHAR",
    "kpis_scored": "INTEGER", "kpis_without_data": "INTEGER", "weight_scored": "DOUBLE", "raw_total": "DOUBLE",
    "team_coefficient": "DOUBLE", "extra_points": "DOUBLE", "extra_reasons": "VARCHAR", "total": "DOUBLE", "grade": "VARCHAR",
    "rank_in_team": "INTEGER", "rank_in_role": "INTEGER", "months_below_pass": "INTEGER",
    **{name: "BOOLEAN" for name in flags.NAMES}, "note": "VARCHAR",
}
SCORECARD_FLAGS = {
    **PERIOD, "employee_id": "VARCHAR",
    "name": "VARCHAR", "role": "VARCHAR", "team": "VARCHAR", "flag": "VARCHAR", "earned_in": "VARCHAR",
    "amount": "DOUBLE", "rule": "VARCHAR",
}
SCORING_PERIODS = {
    "period": "VARCHAR", "period_type": "VARCHAR", "period_start": "DATE", "period_end": "DATE", "status": "VARCHAR",
    "close_date": "DATE", "closed_at": "TIMESTAMPTZ", "closed_by": "VARCHAR", "reopened_at": "TIMESTAMPTZ",
    "reopen_reason": "VARCHAR",
}
PERIOD_EVENTS = {"period": "VARCHAR", "action": "VARCHAR", "recorded_at": "TIMESTAMPTZ", "recorded_by": "VARCHAR",
                 "reason": "VARCHAR", "as_of_date": "DATE", "data_through": "DATE", "subject": "VARCHAR"}
KPI_LABELS = {"role": "VARCHAR", "kpi": "VARCHAR", "label_en": "VARCHAR", "label_zh": "VARCHAR", "unit": "VARCHAR"}
SCORING_STATUS = {"as_of_date": "DATE", "status": "VARCHAR", "message": "VARCHAR"}
SCORED, FAILED = "scored", "failed"

# name → (columns, description): the asset's specs, the writer and the yml test read this.
TABLES = {
    "kpi_scores": (KPI_SCORES, "Period × person × KPI: actual, target, achievement, points."),
    "employee_scorecards": (EMPLOYEE_SCORECARDS, "Period × person: total, grade, ranks, flags."),
    "scorecard_flags": (SCORECARD_FLAGS, "One row per flag raised on a scorecard: the periods that earned it, "
                                         "any amount."),
    "incentive_bonus_pool": (BONUS_POOL, "Team bonus pool from lead-cost savings, per period, for the lead to approve."),
    "incentive_profit_share": (PROFIT_SHARE, "Profit share above the annual target, for the lead to approve."),
    "incentive_team_commission": (COMMISSION, "Team commission from monthly net profit, tiered above the target, "
                                               "half held for the year-end payout, for the lead to approve."),
    "budget_suggestions": (BUDGET, "Suggested budget share per channel, proportional to 1 / CPL."),
    "scoring_periods": (SCORING_PERIODS, "One row per scored period: provisional or final, its close date, who closed "
                                         "it and the last reopening's reason."),
    "scoring_period_events": (PERIOD_EVENTS, "Every close, reopen and waiver of a period, with who and why: the "
                                             "record HR keeps."),
    "kpi_labels": (KPI_LABELS, "The report's names of roles and KPIs in English and Chinese, and how a KPI's values "
                               "read (money, percent, count, number), from kpi.yml."),
    "scoring_status": (SCORING_STATUS, "Whether tonight's scoring ran: when it failed, the other scoring tables are "
                                       "empty and the marketing marts are still published."),
}


def scoring_failure(con) -> str | None:
    """Why tonight's scoring failed, from `marts.scoring_status`; None when it scored."""
    failed = con.execute(f"SELECT message FROM marts.scoring_status WHERE status = '{FAILED}'").fetchall()
    return failed[0][0] if failed else None


def write_table(con, name: str, rows: list[dict]) -> None:
    """Replace `marts.<name>` with `rows`."""
    columns = TABLES[name][0]
    con.execute("CREATE SCHEMA IF NOT EXISTS marts")
    ddl = ", ".join(f'"{c}" {t}' for c, t in columns.items())
    con.execute(f"CREATE OR REPLACE TABLE marts.{name} ({ddl})")
    write_rows(con, f"marts.{name}", columns, rows)


_BATCH = 500  # rows per INSERT: bound values, without pandas' import (0.2 s) for a few hundred rows


def write_rows(con, table: str, columns: dict[str, str], rows: list[dict]) -> None:
    """Append `rows` (dicts; missing keys are NULL) to `table`, cast to `columns`' types."""
    names = list(columns)
    casts = ", ".join(f'CAST(v{i} AS {t})' for i, t in enumerate(columns.values()))
    for start in range(0, len(rows), _BATCH):
        batch = rows[start:start + _BATCH]
        values = ", ".join("(" + ", ".join("?" * len(names)) + ")" for _ in batch)
        aliases = ", ".join(f"v{i}" for i in range(len(names)))
        con.execute(f"INSERT INTO {table} SELECT {casts} FROM (VALUES {values}) AS t({aliases})",
                    [row.get(name) for row in batch for name in names])

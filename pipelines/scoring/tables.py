"""The two published scoring tables: their columns are a contract (documented in dbt yml as source `scoring`)."""

from __future__ import annotations

import pandas as pd

KPI_SCORES = {
    "period": "VARCHAR", "period_type": "VARCHAR", "period_start": "DATE", "employee_id": "VARCHAR",
    "name": "VARCHAR", "role": "VARCHAR", "team": "VARCHAR", "kpi": "VARCHAR", "metric": "VARCHAR",
    "scope": "VARCHAR", "category": "VARCHAR", "rule": "VARCHAR", "direction": "VARCHAR", "weight": "DOUBLE",
    "target": "DOUBLE", "actual": "DOUBLE", "achievement": "DOUBLE", "points": "DOUBLE",
    "weighted_points": "DOUBLE", "data_status": "VARCHAR", "excused": "BOOLEAN", "excuse_reason": "VARCHAR",
    "formula": "VARCHAR",
}
EMPLOYEE_SCORECARDS = {
    "period": "VARCHAR", "period_type": "VARCHAR", "period_start": "DATE", "employee_id": "VARCHAR",
    "name": "VARCHAR", "role": "VARCHAR", "team": "VARCHAR", "config_version": "DATE", "status": "VARCHAR",
    "kpis_scored": "INTEGER", "kpis_without_data": "INTEGER", "weight_scored": "DOUBLE", "raw_total": "DOUBLE",
    "team_coefficient": "DOUBLE", "extra_points": "DOUBLE", "total": "DOUBLE", "grade": "VARCHAR",
    "rank_in_team": "INTEGER", "rank_in_role": "INTEGER", "months_below_pass": "INTEGER", "warning": "BOOLEAN",
    "bonus_eligibility_lost": "BOOLEAN", "outstanding_employee": "BOOLEAN", "promotion_eligible": "BOOLEAN",
    "note": "VARCHAR",
}


def write_table(con, name: str, columns: dict[str, str], rows: list[dict]) -> None:
    con.execute("CREATE SCHEMA IF NOT EXISTS marts")
    ddl = ", ".join(f'"{c}" {t}' for c, t in columns.items())
    con.execute(f"CREATE OR REPLACE TABLE marts.{name} ({ddl})")
    if rows:
        frame = pd.DataFrame(rows, columns=list(columns))
        con.register("_rows", frame)
        casts = ", ".join(f'CAST("{c}" AS {t})' for c, t in columns.items())
        con.execute(f"INSERT INTO marts.{name} SELECT {casts} FROM _rows")
        con.unregister("_rows")

"""The KPI report of the month in progress: scored on pace from the published file (scoring.engine.
score_to_date), shown with the same report as a finished month, stored nowhere.

The report reads its rows from `marts`; here those are views over the published file in a private
in-memory database, with the month's provisional cards and KPI rows added beside the published ones.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import duckdb

from pipelines.night import warehouse
from pipelines.reporting.report import build_report, write_languages
from pipelines.scoring import closing
from pipelines.scoring.engine import score_to_date
from pipelines.scoring.inputs import attributed_monthly, read_inputs
from pipelines.scoring.kpi_yml import load_kpi_config
from pipelines.scoring.tables import write_table
from connectors.sql_text import literal

TO_DATE = "to_date"  # its status in scoring_periods, here only


def write_to_date_report(published: Path, kpi_yml: Path, state_dir: Path, out_dir: Path,
                         langs=("en", "zh")) -> list[Path]:
    """`kpi-report-<month>-to-date.<lang>.html`, or nothing on the 1st of a month or without a roster."""
    config = load_kpi_config(kpi_yml)
    con = warehouse.connect(published, read_only=True)
    try:
        inputs = replace(read_inputs(con), by_model=attributed_monthly(con, config.attribution_models))
    finally:
        con.close()
    waived = warehouse.read_if_readable(closing.store_path(state_dir), lambda con: closing.waivers(closing.events_in(con)),
                                        {})
    period, rows, cards = score_to_date(inputs, config, waived)
    if period is None or not cards:
        return []
    mem = duckdb.connect()
    try:
        mem.execute(f"ATTACH {literal(str(published))} AS published (READ_ONLY)")
        published_marts = warehouse.relations(mem, "marts")  # the attached file's: this database has none yet
        mem.execute("CREATE SCHEMA marts")
        for name in published_marts:
            mem.execute(f'CREATE VIEW marts."{name}" AS SELECT * FROM published.marts."{name}"')
        cards_before = warehouse.records(mem, "SELECT * FROM marts.employee_scorecards WHERE period < ?", [period.label])
        periods = warehouse.records(mem, "SELECT * FROM marts.scoring_periods")
        for name in ("employee_scorecards", "kpi_scores", "scoring_periods"):
            mem.execute(f"DROP VIEW marts.{name}")
        write_table(mem, "employee_scorecards", cards_before + cards)
        write_table(mem, "kpi_scores", rows)
        write_table(mem, "scoring_periods", periods + [{
            "period": period.label, "period_type": period.type, "period_start": period.start,
            "period_end": period.end, "status": TO_DATE, "close_date": period.end}])
        return write_languages(out_dir, f"kpi-report-{period.label}-to-date", langs,
                               lambda lang: build_report(mem, period.label, lang, to_date=True))
    finally:
        mem.close()


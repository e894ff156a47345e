"""Incremental nights give exactly what a full rebuild gives.

A demo organisation's sessions and leads arrive as daily exports. After a full first night, three
incremental nights add days, restate a day (rows changed and removed), bring a later version of
old sessions in a new file, move a person to another team, and take a file away. Then a full
rebuild of the same folder must hold the same rows in every table the build writes. The models
none of a night's changes reach are kept from the night before (pipelines/building/dbt_selection.py), so
the rebuild also checks that what was kept is what a build would have written.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.sources import demo_data
from pipelines.building.build_plan import note_outcome, plan_build, record_build_state
from pipelines.configuration.mkpi_yml import AttributionSettings, RunConfig
from pipelines.orchestration.nightly import run_nightly
from tests.conftest import settings_for

END = dt.date(2026, 10, 31)
FIRST_DAILY = dt.date(2026, 10, 27)  # earlier days sit in one history file per kind
DAILY_KINDS = {"sessions": "started_at", "leads": "created_at"}
# Differ between any two runs by design: when a row landed, the build's own bookkeeping.
RUN_COLUMNS = ("loaded_at", "_loaded_at", "built_at", "incremental_build")  # what the run was, not the data
RUN_TABLES = {("landing", "build_state"), ("landing", "row_changes"), ("landing", "landed_files"),
              ("intermediate", "int_rebuild_window")}


@pytest.fixture(scope="module")
def organisation(tmp_path_factory) -> Path:
    """The demo exports, sessions and leads split into a history file and one file per day."""
    generated = tmp_path_factory.mktemp("generated")
    demo_data.generate(generated, days=40, end_date=END)
    con = duckdb.connect()
    for kind, column in DAILY_KINDS.items():
        source = generated / f"{kind}.csv"
        rows = f"read_csv('{source}', header = true, all_varchar = true)"
        con.execute(f"COPY (SELECT * FROM {rows} WHERE {column}[:10] < '{FIRST_DAILY}') "
                    f"TO '{generated / f'{kind}_history.csv'}' (HEADER)")
        day = FIRST_DAILY
        while day <= END:
            con.execute(f"COPY (SELECT * FROM {rows} WHERE {column}[:10] = '{day}') "
                        f"TO '{generated / f'{kind}_daily_{day}.csv.pending'}' (HEADER)")
            day += dt.timedelta(days=1)
        source.unlink()
    con.close()
    return generated


def deliver(folder: Path, day: dt.date) -> None:
    """The day's exports arrive."""
    for kind in DAILY_KINDS:
        pending = folder / f"{kind}_daily_{day}.csv.pending"
        pending.rename(pending.with_suffix(""))


def night(settings, **kwargs):
    instance = dg.DagsterInstance.ephemeral()
    outcome = run_nightly(settings, instance=instance, **kwargs)
    assert outcome.success, outcome.error
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    state = con.execute("SELECT incremental, reason FROM landing.build_state").fetchone()
    window = con.execute("SELECT sessions_from, leads_from FROM intermediate.int_rebuild_window").fetchone()
    con.close()
    return state, window, kept_assets(instance, outcome.run_id)


def kept_assets(instance, run_id: str) -> set[str]:
    """The dbt assets the night reported as kept from the night before rather than built."""
    kept = set()
    for entry in instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION):
        materialization = entry.dagster_event.step_materialization_data.materialization
        status = materialization.metadata.get("status")
        if status is not None and str(status.value).startswith("kept"):
            kept.add(materialization.asset_key.to_user_string())
    return kept


def move_to_team(folder: Path, employee_id: str, team: str) -> None:
    roster = folder / "roster.csv"
    con = duckdb.connect()
    con.execute(f"""COPY (SELECT * REPLACE (CASE WHEN employee_id = '{employee_id}' THEN '{team}' ELSE team END AS team)
                    FROM read_csv('{roster}', header = true, all_varchar = true)) TO '{roster}.new' (HEADER)""")
    con.close()
    os.replace(f"{roster}.new", roster)


def restate_day(folder: Path, day: dt.date) -> None:
    """The analytics tool re-exports a day: some sessions retagged, some gone."""
    path = folder / f"sessions_daily_{day}.csv"
    con = duckdb.connect()
    con.execute(f"""COPY (
        SELECT * REPLACE (CASE WHEN hash(session_id) % 3 = 0 THEN 'Brand_New_Source' ELSE utm_source END AS utm_source)
        FROM read_csv('{path}', header = true, all_varchar = true)
        WHERE hash(session_id) % 5 <> 0
    ) TO '{path}.new' (HEADER)""")
    con.close()
    os.replace(f"{path}.new", path)


def move_old_sessions(folder: Path, history_day: dt.date, to_day: dt.date) -> None:
    """A later export carries new versions of old sessions (the later file wins), dated another day."""
    con = duckdb.connect()
    con.execute(f"""COPY (
        SELECT * REPLACE ('{to_day}' || started_at[11:] AS started_at)
        FROM read_csv('{folder / "sessions_history.csv"}', header = true, all_varchar = true)
        WHERE started_at[:10] = '{history_day}' AND hash(session_id) % 4 = 0
    ) TO '{folder / "sessions_zz_corrections.csv"}' (HEADER)""")
    con.close()


def repeated_sessions(path: Path, query: str = "SELECT row_key FROM intermediate.int_repeated_keys "
                                                   "WHERE kind = 'sessions'") -> set[str]:
    with duckdb.connect(str(path), read_only=True) as con:
        return {key for (key,) in con.execute(query).fetchall()}


def build_tables(path: Path) -> dict[tuple[str, str], list[str]]:
    con = duckdb.connect(str(path), read_only=True)
    tables = con.execute("""SELECT table_schema, table_name FROM information_schema.tables
                            WHERE table_catalog = current_database() AND table_type = 'BASE TABLE'""").fetchall()
    columns = {t: [c for (c,) in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND table_name = ? "
        "ORDER BY ordinal_position", list(t)).fetchall() if c not in RUN_COLUMNS]
        for t in tables if t not in RUN_TABLES}
    con.close()
    return columns


def differences(incremental: Path, full: Path) -> dict[str, int]:
    """Rows in one file's table and not the other's, per table (as multisets)."""
    tables = build_tables(full)
    assert build_tables(incremental).keys() == tables.keys()
    con = duckdb.connect()
    con.execute(f"ATTACH '{incremental}' AS inc (READ_ONLY)")
    con.execute(f"ATTACH '{full}' AS ful (READ_ONLY)")
    found = {}
    for (schema, table), columns in tables.items():
        cols = ", ".join(f'"{c}"' for c in columns)
        a, b = f"inc.{schema}.{table}", f"ful.{schema}.{table}"
        n = con.execute(f"SELECT (SELECT count(*) FROM (SELECT {cols} FROM {a} EXCEPT ALL SELECT {cols} FROM {b})) + "
                        f"(SELECT count(*) FROM (SELECT {cols} FROM {b} EXCEPT ALL SELECT {cols} FROM {a}))").fetchone()[0]
        if n:
            found[f"{schema}.{table}"] = n
    con.close()
    return found


def test_incremental_nights_equal_a_full_rebuild(organisation, tmp_path):
    folder = tmp_path / "exports"
    shutil.copytree(organisation, folder)
    config = tmp_path / "mkpi.yml"
    # Lookback 0: every rebuilt day must come from the detected changes, none from the safety margin.
    config.write_text(f"reporting:\n  timezone: Asia/Shanghai\n  as_of_date: {END}\n"
                      "incremental:\n  lookback_days: 0\n")
    settings = settings_for(tmp_path / "nightly", source_dir=folder, config=config)

    deliver(folder, FIRST_DAILY)
    state, _, _ = night(settings)
    assert not state[0] and "no published file" in state[1]
    docs = settings.warehouse.parent / "docs" / "dbt-docs.html"
    written = docs.stat().st_mtime_ns  # the documentation site describes the project: kept while it is unchanged

    deliver(folder, FIRST_DAILY + dt.timedelta(days=1))
    deliver(folder, FIRST_DAILY + dt.timedelta(days=2))
    state, window, kept = night(settings)
    assert state[0], state[1]
    # Two new days in Shanghai time: the rebuild starts at the first of them, not at the history.
    assert window[0] >= FIRST_DAILY + dt.timedelta(days=1), window
    # Only sessions and leads arrived: the roster's dimension and the seeds stay as built.
    assert {"marts/dim_employees", "reference/source_aliases"} <= kept
    assert not kept & {"marts/fct_channel_daily", "intermediate/int_sessions_normalized",
                             "marts/fct_tracking_issues"}

    deliver(folder, FIRST_DAILY + dt.timedelta(days=3))
    restate_day(folder, FIRST_DAILY)
    move_old_sessions(folder, dt.date(2026, 10, 20), to_day=FIRST_DAILY + dt.timedelta(days=3))
    move_to_team(folder, "E01", "performance")
    state, window, kept = night(settings)
    assert state[0], state[1]
    assert "marts/dim_employees" not in kept
    # The corrected sessions' old versions sat on 20 October (UTC; the 20th or 21st in Shanghai).
    assert window[0] <= dt.date(2026, 10, 21), window
    # Their ids now repeat: found by recounting only tonight's changed keys, as a full count finds them.
    assert repeated_sessions(settings.warehouse) == (
        repeated_sessions(settings.warehouse, "SELECT session_id FROM landing.sessions GROUP BY 1 HAVING count(*) > 1"))
    assert repeated_sessions(settings.warehouse)

    deliver(folder, END)
    (folder / f"leads_daily_{FIRST_DAILY + dt.timedelta(days=1)}.csv").unlink()
    (folder / "sessions_zz_corrections.csv").unlink()  # their ids stop repeating
    state, window, _ = night(settings)
    assert state[0], state[1]
    assert window[1] <= FIRST_DAILY + dt.timedelta(days=2), window
    assert docs.stat().st_mtime_ns == written

    full = settings_for(tmp_path / "full", source_dir=folder, config=config)
    state, _, _ = night(full, full_refresh=True)
    assert not state[0] and "--full-refresh" in state[1]
    assert differences(settings.warehouse, full.warehouse) == {}


def test_changed_settings_or_project_force_a_full_build(tmp_path):
    published = tmp_path / "warehouse.duckdb"
    before = RunConfig(reporting_timezone="UTC")
    assert plan_build(published, before, "salt").reason == "full build: no published file yet"
    con = duckdb.connect(str(published))
    con.execute("CREATE SCHEMA landing")
    record_build_state(con, plan_build(published, before, "salt"))
    con.close()
    assert plan_build(published, before, "salt").incremental
    assert plan_build(published, RunConfig(rebuild_lookback_days=9, as_of_date=END), "salt").incremental
    assert not plan_build(published, RunConfig(reporting_timezone="Asia/Shanghai"), "salt").incremental
    assert not plan_build(published, RunConfig(reporting_currency="CNY"), "salt").incremental
    assert not plan_build(published, before, "another salt").incremental
    # The stored attribution paths are built by mkpi.yml's attribution settings.
    assert not plan_build(published, RunConfig(attribution=AttributionSettings(lookback_days=7)), "salt").incremental
    assert not plan_build(published, before, "salt", full_refresh=True).incremental
    # A failed night (a damaged table in last night's file fails the build again and again): the next
    # night builds from the exports; a night that succeeds lifts it.
    state = tmp_path / "state"
    note_outcome(state, "mkpi_dbt_models failed: dbt build failed: fct_sessions: Corrupt database file")
    after_failure = plan_build(published, before, "salt", state_dir=state)
    assert not after_failure.incremental and after_failure.reason == (
        "full build: the last night failed (mkpi_dbt_models failed: dbt build failed: fct_sessions: Corrupt database file)")
    note_outcome(state, None)
    assert plan_build(published, before, "salt", state_dir=state).incremental

"""dbt unit tests (tricky SQL: source lookup, attribution, every tracking check) run against the tiny warehouse."""

from __future__ import annotations

import os
import shutil
import subprocess

import duckdb

from pipelines.building import dbt_runner
from pipelines.configuration.mkpi_yml import tracking_checks
from pipelines.settings import BUILD_SUFFIX, PROJECT_ROOT
from tests.conftest import DBT, unit_test_results

CHECK_MODELS = {"int_tracking__" + c for c in tracking_checks()}


def test_dbt_unit_tests_pass(tiny_warehouse, tmp_path):
    warehouse = tmp_path / "unit.duckdb"
    # Unit tests read column types from the built relations; they write nothing else.
    shutil.copyfile(tiny_warehouse, str(warehouse) + BUILD_SUFFIX)
    target = tmp_path / "target"
    result = subprocess.run(
        [DBT, "test", "--select", "test_type:unit", "--target-path", str(target)],
        cwd=PROJECT_ROOT / "dbt_project", capture_output=True, text=True, timeout=600,
        env={**os.environ, "MKPI_WAREHOUSE": str(warehouse), "DBT_PROFILES_DIR": str(PROJECT_ROOT / "dbt_project")},
    )
    results = unit_test_results(target)
    failed = [r["unique_id"] for r in results if r["status"] != "pass"]
    assert result.returncode == 0 and not failed, f"failed: {failed}\n{result.stdout[-3000:]}"
    tested = {r["unique_id"].split(".")[2] for r in results}
    for model in CHECK_MODELS:
        assert sum(1 for r in results if r["unique_id"].split(".")[2] == model) >= 2, f"{model} needs a found and a clean test"
    # int_orders_converted pins the exchange rate that applies and its staleness limit; int_rebuild_window the
    # incremental look-back margin (a planted wrong-day rate, no limit or a zero margin each fail one).
    assert {"int_orders_converted", "int_rebuild_window"} <= tested
    assert {"int_source_lookup", "int_leads_attributed", "fct_owned_channel_monthly", "fct_channel_daily",
            "fct_channel_monthly", "fct_channel_rollup_daily", "fct_channel_rollup_monthly", "fct_channel_weekly"} <= tested


def test_the_one_pass_not_null_test_fails_on_any_empty_column(tiny_warehouse, tmp_path, monkeypatch):
    """not_null_columns (dbt_project/tests/generic) stands for one not_null test per column: it must fail
    when any listed column has an empty value, and name which."""
    warehouse = tmp_path / "unit.duckdb"
    shutil.copyfile(tiny_warehouse, str(warehouse) + BUILD_SUFFIX)
    monkeypatch.setenv("MKPI_WAREHOUSE", str(warehouse))
    con = duckdb.connect(str(warehouse) + BUILD_SUFFIX)
    con.execute("CREATE TABLE main.probe AS SELECT * FROM (VALUES (1, 'a'), (2, NULL), (NULL, NULL)) AS t(n, s)")
    con.execute("CREATE TABLE main.full_probe AS SELECT * FROM (VALUES (1, 'a')) AS t(n, s)")
    con.close()
    sql = {}
    for table in ("probe", "full_probe"):
        inline = "{{ test_not_null_columns('main.%s', ['n', 's']) }}" % table
        outcome = dbt_runner.invoke(["compile", "--inline", inline], PROJECT_ROOT / "dbt_project", tmp_path / "target")
        assert outcome.success, outcome.error
        sql[table] = outcome.results[0].node.compiled_code
    con = duckdb.connect(str(warehouse) + BUILD_SUFFIX, read_only=True)
    try:
        assert con.execute(sql["probe"]).fetchall() == [(1, 2)]  # n empty once, s twice
        assert con.execute(sql["full_probe"]).fetchall() == []
    finally:
        con.close()


def test_uniqueness_of_rebuilt_keys_catches_a_repeat_on_full_and_incremental_builds(tiny_warehouse, tmp_path, monkeypatch):
    """unique_for_rebuilt_keys stands for `unique` on int_sessions_normalized: a full build checks every id;
    a build from last night's file checks the ids it rebuilt, each against every row of the table."""
    warehouse = tmp_path / "unit.duckdb"
    shutil.copyfile(tiny_warehouse, str(warehouse) + BUILD_SUFFIX)
    monkeypatch.setenv("MKPI_WAREHOUSE", str(warehouse))
    inline = "{{ test_unique_for_rebuilt_keys(ref('int_sessions_normalized'), 'session_id', 'sessions') }}"
    outcome = dbt_runner.invoke(["compile", "--inline", inline], PROJECT_ROOT / "dbt_project", tmp_path / "target")
    assert outcome.success, outcome.error
    sql = outcome.results[0].node.compiled_code
    con = duckdb.connect(str(warehouse) + BUILD_SUFFIX)
    try:
        assert con.execute(sql).fetchall() == []
        window_start = con.execute("SELECT landing_rows_from FROM intermediate.int_rebuild_window").fetchone()[0]
        # z1 landed inside tonight's rebuild window; s1 (October) is outside it. Each gets a second row on an old day.
        con.execute("INSERT INTO landing.sessions BY NAME SELECT 'z1' AS session_id, ?::TIMESTAMPTZ + INTERVAL 1 DAY "
                    "AS started_at, 'z.csv' AS _file, 2 AS _line", [window_start])
        for session_id in ("z1", "z1", "s1"):
            con.execute("INSERT INTO intermediate.int_sessions_normalized BY NAME SELECT * REPLACE "
                        "(? AS session_id, DATE '2020-01-01' AS session_date) FROM intermediate.int_sessions_normalized "
                        "WHERE session_id = 's1' LIMIT 1", [session_id])
        con.execute("UPDATE landing.run_settings SET incremental_build = false")
        assert sorted(con.execute(sql).fetchall()) == [("s1", 2), ("z1", 2)]
        con.execute("UPDATE landing.run_settings SET incremental_build = true")
        assert con.execute(sql).fetchall() == [("z1", 2)]
    finally:
        con.close()


def test_a_moved_checkout_does_not_reuse_the_old_parse(tmp_path, monkeypatch):
    """dbt's partial-parse file keeps absolute paths; after the project moves, its seeds would be looked for
    at the old place ("No files found"). dbt_runner starts such a target folder from a full parse."""
    monkeypatch.setenv("MKPI_WAREHOUSE", str(tmp_path / "moved.duckdb"))
    first, moved, target = tmp_path / "checkout", tmp_path / "renamed", tmp_path / "target"
    shutil.copytree(PROJECT_ROOT / "dbt_project", first, ignore=shutil.ignore_patterns("target", "logs"))
    assert dbt_runner.invoke(["parse"], first, target).success
    first.rename(moved)
    outcome = dbt_runner.invoke(["seed", "--select", "allowed_mediums"], moved, target)
    assert outcome.success, [r.message for r in outcome.results]

"""Publishing: analysts keep reading while a run happens; a run that fails or dies publishes nothing."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import time

import dagster as dg
import duckdb

from pipelines.nightly import run_log_path, run_nightly
from pipelines.settings import Settings
from tests.conftest import MKPI, TINY_CONFIG, TINY_ORG, run_mkpi, settings_for


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_args(source, warehouse):
    return ["run", "--source-dir", str(source), "--warehouse", str(warehouse), "--config", str(TINY_CONFIG)]


def sessions_in(path) -> int:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM marts.fct_sessions").fetchall()[0][0]
    finally:
        con.close()


def test_reader_keeps_a_consistent_view_and_does_not_block_the_run(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    first = run_mkpi(*run_args(TINY_ORG, warehouse))
    assert first.returncode == 0, first.stderr
    before = sessions_in(warehouse)

    grown = tmp_path / "grown"
    shutil.copytree(TINY_ORG, grown)
    with open(grown / "sessions.csv", "a", encoding="utf-8") as fh:
        fh.write("s_new,2026-10-03T09:00:00Z,v_new,https://shop.example.com/,,,,,,\n")

    analyst = duckdb.connect(str(warehouse), read_only=True)
    try:
        second = run_mkpi(*run_args(grown, warehouse))
        assert second.returncode == 0, second.stderr
        # The open connection still sees the file as it was when it was opened.
        assert analyst.execute("SELECT count(*) FROM marts.fct_sessions").fetchall()[0][0] == before
    finally:
        analyst.close()
    assert sessions_in(warehouse) == before + 1
    con = duckdb.connect(str(warehouse), read_only=True)
    try:  # the second night reused the first one's file
        assert con.execute("SELECT incremental FROM landing.build_state").fetchone() == (True,)
    finally:
        con.close()


def test_a_run_killed_mid_build_leaves_the_published_file_intact(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    assert run_mkpi(*run_args(TINY_ORG, warehouse)).returncode == 0
    published = digest(warehouse)

    log = run_log_path(Settings.from_env(warehouse=warehouse))
    log.unlink(missing_ok=True)
    proc = subprocess.Popen([MKPI, *run_args(TINY_ORG, warehouse)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        # dbt only starts once landing has written the working copy.
        while not (log.exists() and "Running with dbt" in log.read_text(errors="replace")):
            assert proc.poll() is None and time.monotonic() < deadline, "the run ended before dbt started"
            time.sleep(0.05)
        os.killpg(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert digest(warehouse) == published
    assert sessions_in(warehouse) > 0
    # The next night starts clean from the leftover working copy; asked to, it rebuilds everything.
    assert run_mkpi(*run_args(TINY_ORG, warehouse), "--full-refresh").returncode == 0
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        assert con.execute("SELECT incremental, reason FROM landing.build_state").fetchone() == (
            False, "full build: asked for with --full-refresh")
    finally:
        con.close()


def test_a_failing_step_reports_one_line_and_publishes_nothing(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    warehouse.write_bytes(b"previous night's file")
    broken = tmp_path / "broken"
    shutil.copytree(TINY_ORG, broken)
    (broken / "orders_late.csv").write_text("order_id,lead_id,ordered_at,currency\nO9,L1,2026-10-02,USD\n")
    # In-process, as the Dagster schedule runs it: no CLI pre-flight, the landing step itself fails.
    outcome = run_nightly(settings_for(tmp_path, source_dir=broken), instance=dg.DagsterInstance.ephemeral())
    assert not outcome.success
    assert outcome.error == (f"land_source_files failed: {broken / 'orders_late.csv'}, line 1, column 'amount': "
                             "missing required column for orders files (the header has: order_id, lead_id, ordered_at, currency)")
    assert warehouse.read_bytes() == b"previous night's file"


def test_nightly_builds_reuse_one_dbt_target_folder(tiny_warehouse):
    """dagster-dbt's default is a new ~8 MB folder per run, which piles up night after night."""
    from pipelines.assets.dbt import NIGHTLY_TARGET

    target = NIGHTLY_TARGET.parent
    assert (NIGHTLY_TARGET / "run_results.json").exists()
    assert not list(target.glob("mkpi_dbt_models-*"))

"""What HR acted on survives a night that goes wrong, and a damaged file does not stop the nights after it.
Real nights on the tiny organisation (October final as of 2026-12-15), in process."""

from __future__ import annotations

import dataclasses
import re
import subprocess

import duckdb
import pytest

from pipelines.sources import landing_notes
from pipelines.orchestration.nightly import run_nightly
from tests.conftest import TINY_CONFIG, TINY_ORG, rows, run_mkpi, settings_for

FINAL_CARDS = "SELECT period, employee_id, total, grade, period_status FROM marts.employee_scorecards ORDER BY ALL"


def published(settings, sql: str) -> list[tuple]:
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        return rows(con, sql)
    finally:
        con.close()


def test_a_scoring_failure_or_a_damaged_store_keeps_the_final_rows_and_says_how_to_restore(tmp_path):
    settings = settings_for(tmp_path)
    assert run_nightly(settings).success
    october = [r for r in published(settings, FINAL_CARDS) if r[0] == "2026-10"]
    assert october and {r[4] for r in october} == {"final"}

    broken_kpi = tmp_path / "kpi.yml"
    broken_kpi.write_text("grades: [not, a, mapping]\n", encoding="utf-8")
    failed = run_nightly(dataclasses.replace(settings, kpi_config=broken_kpi))
    assert failed.published and not failed.success  # published, then failed so it is alerted
    assert published(settings, FINAL_CARDS) == october  # November's provisional rows are gone, October stays
    [(status, message)] = published(settings, "SELECT status, message FROM marts.scoring_status")
    assert status == "failed" and message.endswith("; final periods kept as closed: 2026-10")

    store = settings.state_dir / "closed_periods.duckdb"
    store.write_bytes(b"\0" * 1000 + b"not a database")
    damaged = run_nightly(settings)
    assert damaged.published and not damaged.success
    assert published(settings, FINAL_CARDS) == october  # last night's final rows, published again
    [(message,)] = published(settings, "SELECT message FROM marts.scoring_status")
    assert f"{store} holds the closed periods and cannot be read" in message
    assert "last night's final rows are published again (2026-10)" in message and "`mkpi close <period>`" in message

    # The restore the message describes: move the damaged store aside, close October from the published file.
    store.rename(store.with_name("closed_periods.duckdb.damaged"))
    closed = run_mkpi("close", "2026-10", "--warehouse", str(settings.warehouse),
                      env={"MKPI_STATE_DIR": str(settings.state_dir)})
    assert closed.returncode == 0, closed.stderr
    assert closed.stdout.startswith("2026-10 is final: 2 scorecard(s) frozen as published")
    con = duckdb.connect(str(store), read_only=True)
    try:  # the restored store holds October's rows as HR saw them
        assert rows(con, "SELECT period, employee_id, total, grade, period_status FROM final_employee_scorecards "
                         "ORDER BY ALL") == october
    finally:
        con.close()


def test_a_published_file_that_cannot_start_the_night_is_named_and_rebuilt_from_the_exports(tmp_path):
    settings = settings_for(tmp_path)
    assert run_nightly(settings).success
    before = published(settings, "SELECT count(*), sum(spend) FROM marts.fct_channel_daily")
    con = duckdb.connect(str(settings.warehouse))
    con.execute("DROP TABLE landing.landed_files")  # a damaged table the incremental start reads first
    con.execute("CREATE VIEW landing.landed_files AS SELECT 'damaged' AS kind")
    con.close()
    night = run_nightly(settings)
    assert night.success, night.error
    assert published(settings, "SELECT count(*), sum(spend) FROM marts.fct_channel_daily") == before
    [note] = [n for n in landing_notes.load(settings.state_dir)["lines"] if "starting point" in n]
    assert note.startswith(f"{settings.warehouse} could not be used as tonight's starting point (Binder Error")
    assert note.endswith("; rebuilt everything from the exports")
    assert published(settings, "SELECT incremental FROM landing.build_state") == [(False,)]


@pytest.fixture
def small_disk(tmp_path):
    """A 4 MB file system (tmpfs), where the tiny organisation's working copy does not fit."""
    mount = tmp_path / "small"
    mount.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)], capture_output=True, text=True)
    if made.returncode != 0:
        pytest.skip(f"this machine cannot mount a small file system for the test ({made.stderr.strip()})")
    yield mount
    subprocess.run(["umount", str(mount)], check=True)


def test_a_full_disk_removes_the_working_copy_and_says_so_in_one_line(small_disk):
    result = run_mkpi("run", "--source-dir", str(TINY_ORG), "--warehouse", str(small_disk / "w.duckdb"),
                      "--config", str(TINY_CONFIG))
    assert result.returncode == 1
    error = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(error) == 1 and "No space left on device" in error[0], result.stderr
    assert re.match(r"error: \w+ failed: ", error[0])  # the step that hit it
    assert not list(small_disk.glob("*.building*")) and not (small_disk / "w.duckdb").exists()
    assert "Traceback" not in result.stderr

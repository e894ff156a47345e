"""Publishing: analysts keep reading while a run happens; a run that fails or dies publishes nothing."""

from __future__ import annotations

import shutil
import time

import dagster as dg
import duckdb

from pipelines.orchestration.nightly import run_nightly
from tests.conftest import TINY_CONFIG, TINY_ORG, run_mkpi, settings_for, wait_for_history


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


def test_a_failing_step_reports_one_line_and_publishes_nothing(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    warehouse.write_bytes(b"previous night's file")
    missing = tmp_path / "not_mounted"
    # In-process, as the Dagster schedule runs it: no CLI pre-flight, the landing step itself fails.
    outcome = run_nightly(settings_for(tmp_path, source_dir=missing), instance=dg.DagsterInstance.ephemeral())
    assert not outcome.success
    assert outcome.error == f"land_source_files failed: source folder {missing} does not exist or is not a folder"
    assert warehouse.read_bytes() == b"previous night's file"


def test_nightly_builds_reuse_one_dbt_target_folder(tiny_warehouse):
    """dagster-dbt's default is a new ~8 MB folder per run, which piles up night after night."""
    nightly = settings_for(tiny_warehouse.parent).dbt_target
    assert (nightly / "partial_parse.msgpack").exists()
    assert not list(nightly.parent.glob("mkpi_dbt_models-*"))


def test_the_run_history_keeps_outcomes_not_bookkeeping(tiny_warehouse):
    """`mkpi run` executes in memory and keeps what `make dev` shows: the run, its steps, materializations."""
    wait_for_history(tiny_warehouse.parent / "dagster_home")
    instance = dg.DagsterInstance.from_config(str(tiny_warehouse.parent / "dagster_home"))
    [run] = instance.get_runs()
    assert run.status == dg.DagsterRunStatus.SUCCESS
    kinds = {entry.dagster_event.event_type for entry in instance.all_logs(run.run_id) if entry.is_dagster_event}
    assert {dg.DagsterEventType.RUN_SUCCESS, dg.DagsterEventType.STEP_SUCCESS} <= kinds
    assert not kinds & {dg.DagsterEventType.ASSET_MATERIALIZATION_PLANNED, dg.DagsterEventType.STEP_OUTPUT}
    for key in (dg.AssetKey("published_warehouse"), dg.AssetKey(["marts", "fct_channel_daily"])):
        assert instance.get_latest_materialization_event(key).run_id == run.run_id


def test_a_run_history_that_cannot_be_written_is_a_warning_not_a_failure(tmp_path):
    from pipelines.orchestration.nightly import _keep_in_history

    [warning] = _keep_in_history(dg.DagsterInstance.ephemeral(), "a-run-the-source-does-not-have", tmp_path)
    assert warning.startswith(f"the run history in {tmp_path} was not updated (")


def test_a_replay_that_fails_keeps_its_file_and_the_next_night_says_so(tmp_path):
    """The history is written by a process of its own: what it cannot store stays, and is said the next night."""
    from pipelines.orchestration import run_history

    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "pending-night-one.json").write_text("{not what Dagster wrote", encoding="utf-8")
    run_history.replay_pending(home)
    assert (home / "pending-night-one.json").exists()
    assert (home / "replay-failed-night-one.txt").read_text(encoding="utf-8").startswith("JSONDecodeError: ")

    @dg.asset
    def tonight() -> int:
        return 1

    night = dg.DagsterInstance.ephemeral()
    run_id = dg.materialize([tonight], instance=night).run_id
    [said] = run_history.keep(night, run_id, home)
    assert said.startswith(f"the run history in {home} was not updated after an earlier night (JSONDecodeError: ")
    deadline = time.monotonic() + 90
    while (home / f"pending-{run_id}.json").exists():  # tonight's run, replayed by its own process
        assert time.monotonic() < deadline, "tonight's run was not replayed into the history"
        time.sleep(0.2)
    assert dg.DagsterInstance.from_config(str(home)).get_run_by_id(run_id).status == dg.DagsterRunStatus.SUCCESS
    assert (home / "pending-night-one.json").exists()  # still unreadable, still kept


def test_a_history_that_cannot_be_opened_leaves_each_pending_night_a_note(tmp_path):
    from pipelines.orchestration import run_history

    (tmp_path / "dagster.yaml").write_text("run_storage: [this is not a storage\n", encoding="utf-8")
    (tmp_path / "pending-night-two.json").write_text("{}", encoding="utf-8")
    run_history.replay_pending(tmp_path)
    assert (tmp_path / "pending-night-two.json").exists()
    assert (tmp_path / "replay-failed-night-two.txt").read_text(encoding="utf-8")

"""Real faults on real `mkpi run` processes: a second run while one is going, SIGTERM and SIGKILL at
several points. After each: the published file is byte for byte what it was, no process of the run is
left, no working copy is left, one line says what happened, and the next run publishes."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import duckdb
import pytest

from tests.conftest import MKPI, TINY_CONFIG, TINY_ORG, digest

pytestmark = pytest.mark.slow
TIMEOUT = 300


def start(tmp: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([MKPI, "run", "--source-dir", str(TINY_ORG), "--warehouse", str(tmp / "w.duckdb"),
                             "--config", str(TINY_CONFIG), *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "DAGSTER_HOME": str(tmp / "dagster"), "MKPI_STATE_DIR": str(tmp / "state")})


def processes() -> dict[int, tuple[int, int, str]]:
    """pid → (parent pid, process group, command line) of every process, from /proc."""
    out = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if fields[0] != "Z":  # a zombie has exited; only its parent's wait() is missing
            out[int(entry.name)] = (int(fields[1]), int(fields[2]), cmd)
    return out


def worker_of(run: subprocess.Popen) -> int:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        found = [pid for pid, (ppid, _, _) in processes().items() if ppid == run.pid]
        if found:
            return found[0]
        time.sleep(0.05)
    raise AssertionError("the worker process never started")


def wait_for(condition, what: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def dbt_running(log: Path) -> bool:
    """dbt runs inside the worker and writes its progress to the run's log (Settings.run_log)."""
    return log.exists() and "Running with dbt" in log.read_text(errors="replace")


def group_gone(group: int) -> bool:
    return not any(g == group for _, g, _ in processes().values())


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """A first run publishes; a second run started meanwhile is refused in one line, a third one with
    --wait waits for the first and then publishes."""
    tmp = tmp_path_factory.mktemp("faults")
    first = start(tmp)
    wait_for(lambda: (tmp / "w.duckdb.building").exists(), "the first run to start building")
    refused = start(tmp)
    refused_err = refused.communicate(timeout=TIMEOUT)[1]
    waiting = start(tmp, "--wait", "--full-refresh")  # the same inputs: without it, nothing new to do
    first_err = first.communicate(timeout=TIMEOUT)[1]
    assert first.returncode == 0, first_err
    waited = waiting.communicate(timeout=TIMEOUT)
    return tmp, refused.returncode, refused_err, waiting.returncode, waited


def test_a_second_run_says_in_one_line_that_a_run_is_in_progress(published):
    tmp, code, err, _, _ = published
    assert code == 3
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: another mkpi run is in progress on {tmp / 'w.duckdb'} (pid ")
    assert "add --wait to wait for it" in lines[0]


@pytest.mark.parametrize("signum, when", [
    (signal.SIGTERM, "landing"), (signal.SIGINT, "dbt"), (signal.SIGKILL, "dbt")])
def test_a_stopped_run_leaves_the_published_file_and_no_process(published, signum, when):
    tmp = published[0]
    before = digest(tmp / "w.duckdb")
    log = tmp / "state" / "logs" / "last_run.log"
    log.unlink(missing_ok=True)
    run = start(tmp, "--full-refresh")  # a night with work to stop (the inputs are last night's)
    group = worker_of(run)
    if when == "landing":
        wait_for(lambda: (tmp / "w.duckdb.building").exists(), "landing to start")
    else:
        wait_for(lambda: dbt_running(log), "dbt build to start")
    run.send_signal(signum)
    out, err = run.communicate(timeout=TIMEOUT)
    wait_for(lambda: group_gone(group), "every process of the run to end", timeout=15)
    if signum == signal.SIGKILL:
        assert run.returncode == -signal.SIGKILL
        wait_for(lambda: not (tmp / "w.duckdb.building").exists(), "the worker to drop the working copy", timeout=15)
    else:
        assert run.returncode == 128 + signum
        assert err.strip().splitlines()[-1] == (f"mkpi run stopped by {signal.Signals(signum).name}; the published "
                                                "file was left as it was.")
        assert "Traceback" not in err
    assert not (tmp / "w.duckdb.building").exists()
    assert digest(tmp / "w.duckdb") == before


def test_a_waiting_run_goes_ahead_when_the_first_one_ends(published):
    _, _, _, code, (out, err) = published
    assert code == 0, err
    assert "another mkpi run is in progress" in err and "waiting for it to finish" in err
    assert "Published" in out


def test_the_next_run_after_the_stops_starts_clean(published):
    """Runs in file order: after every stop above. Asked to, it rebuilds everything."""
    tmp = published[0]
    out, err = start(tmp, "--full-refresh").communicate(timeout=TIMEOUT)
    assert "Published" in out, err
    con = duckdb.connect(str(tmp / "w.duckdb"), read_only=True)
    try:
        assert con.execute("SELECT incremental, reason FROM landing.build_state").fetchone() == (
            False, "full build: asked for with --full-refresh")
        assert con.execute("SELECT count(*) > 0 FROM marts.fct_sessions").fetchone() == (True,)
    finally:
        con.close()

"""A night whose inputs are all as the last good night left them publishes nothing and changes
nothing: one line, and every file beside the warehouse as it was (the run lock's note aside). A
changed input (here an export written again) makes the night run."""

from __future__ import annotations

import hashlib
import os
import shutil

from tests.conftest import TINY_CONFIG, TINY_ORG, run_mkpi, wait_for_history

NOTHING_NEW = "Nothing new since the night that ended "


def listing(folder) -> dict:
    """Every file below `folder`: its bytes' digest, size and modification time (the run lock's note left out)."""
    return {str(p.relative_to(folder)): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_size,
                                         p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.name.endswith(".lock")}


def test_a_night_with_nothing_new_publishes_nothing_and_changes_nothing(tmp_path):
    exports, world = tmp_path / "exports", tmp_path / "world"
    shutil.copytree(TINY_ORG, exports)
    args = ("run", "--source-dir", str(exports), "--warehouse", str(world / "w.duckdb"), "--config", str(TINY_CONFIG))
    env = {"DAGSTER_HOME": str(world / "dagster_home")}
    first = run_mkpi(*args, env=env)
    assert first.returncode == 0, first.stderr
    assert NOTHING_NEW not in first.stdout
    wait_for_history(world / "dagster_home")
    before = listing(world)

    again = run_mkpi(*args, env=env)
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith(NOTHING_NEW) and len(again.stdout.strip().splitlines()) == 1, again.stdout
    assert listing(world) == before

    sessions = next(exports.glob("sessions*.csv"))  # re-exported: the same rows at a new time
    stat = sessions.stat()
    os.utime(sessions, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    changed = run_mkpi(*args, env=env)
    assert changed.returncode == 0, changed.stderr
    assert NOTHING_NEW not in changed.stdout and f"Published {world / 'w.duckdb'}" in changed.stdout, changed.stdout


def test_the_alerts_own_files_are_the_ones_left_out():
    """The alerts write their ledger and report after the run lock is released; the fingerprint leaves them out."""
    from pipelines.alerting.dispatch import LEDGER_FILE, REPORT_FILE
    from pipelines.night.night_inputs import ALERTS_OWN

    assert ALERTS_OWN == {LEDGER_FILE, REPORT_FILE}

"""One warehouse, one world: what a warehouse's nights keep lives beside it, a command-line flag beats
the environment, and importing the Dagster definitions does no work."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb

from pipelines.night import run_lock
from pipelines.settings import PROJECT_ROOT, Settings
from pipelines.night.state_folder import adopt_legacy_state
from tests.conftest import MKPI, TINY_CONFIG, TINY_ORG, run_mkpi
from tests.sink_servers import RecordingServer


def organisation(folder: Path) -> Path:
    """The tiny organisation's exports and one session from a source no one knows: a tracking issue to alert."""
    shutil.copytree(TINY_ORG, folder)
    with open(folder / "sessions.csv", "a", encoding="utf-8") as sessions:
        sessions.write("s-odd,2026-11-20T09:00:00Z,v-odd,https://shop.example.com/,,zzfeed,cpc,odd,,\n")
    return folder


def second_organisation(folder: Path) -> Path:
    """The same exports with other people: B1 and B2 instead of E1 (Li Na) and E2 (Wang Wei)."""
    organisation(folder)
    (folder / "roster.csv").write_text("employee_id,name,role,team\nB1,Zhao Min,content_operations,growth\n"
                                       "B2,Sun Li,sem,performance\n", encoding="utf-8")
    content = folder / "content.csv"
    content.write_text(content.read_text(encoding="utf-8").replace(",E1,", ",B1,"), encoding="utf-8")
    return folder


def config_alerting(path: Path, url_env: str) -> Path:
    path.write_text(TINY_CONFIG.read_text(encoding="utf-8")
                    + f"alerts:\n  sinks:\n    - {{type: webhook, url_env: {url_env}}}\n", encoding="utf-8")
    return path


class LockProbe(RecordingServer):
    """A webhook that, as each alert arrives, tries the run lock of the warehouse its path names: alerts are
    sent after the run has released it, so a slow sink never holds the next night."""

    def __init__(self, warehouses: dict[str, Path]):
        super().__init__()
        self.warehouses, self.lock_free = warehouses, []

    def answer(self, request):
        try:
            with run_lock.hold(self.warehouses[request.path]):
                self.lock_free.append(True)
        except run_lock.RunInProgress:
            self.lock_free.append(False)
        return super().answer(request)


def scorecard_people(warehouse: Path) -> set[str]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return {r[0] for r in con.execute("SELECT employee_id FROM marts.employee_scorecards").fetchall()}
    finally:
        con.close()


def test_two_organisations_one_after_the_other_and_at_the_same_time_stay_apart(tmp_path, monkeypatch):
    """Both warehouses in one folder, default state (no MKPI_STATE_DIR, no MKPI_DBT_TARGET): the case
    that leaked a's final scorecards and alert ledger into b. A broken mkpi.yml in $MKPI_CONFIG must not
    matter either: every run names its own with --config, and a flag beats the environment in every
    process of the run (it once passed pre-flight, then died in the worker's import)."""
    monkeypatch.delenv("MKPI_STATE_DIR", raising=False)
    monkeypatch.delenv("MKPI_DBT_TARGET", raising=False)
    broken = tmp_path / "broken.yml"
    broken.write_text("reporting:\n  currency: dollars\n", encoding="utf-8")
    monkeypatch.setenv("MKPI_CONFIG", str(broken))
    org_a, org_b = organisation(tmp_path / "org_a"), second_organisation(tmp_path / "org_b")
    work = tmp_path / "work"
    work.mkdir()
    a, b = work / "a.duckdb", work / "b.duckdb"
    with LockProbe({"/a": a, "/b": b}) as hooks:
        env = {"HOOK_A": hooks.url("/a"), "HOOK_B": hooks.url("/b")}
        args_a = ["run", "--source-dir", str(org_a), "--warehouse", str(a),
                  "--config", str(config_alerting(tmp_path / "a.yml", "HOOK_A"))]
        args_b = ["run", "--source-dir", str(org_b), "--warehouse", str(b),
                  "--config", str(config_alerting(tmp_path / "b.yml", "HOOK_B"))]
        first = run_mkpi(*args_a, env=env)
        assert first.returncode == 0, first.stderr
        assert "Traceback" not in first.stderr and "dollars" not in first.stderr
        # The summary says which days its channel figures cover (the first sessions, 15 September, to the planted
        # session of 20 November) and where both languages' pages are.
        assert "Top channels by CPL over 2026-09-15 .. 2026-11-20 (lowest cost per lead, USD):" in first.stdout
        assert f"KPI report: {work / 'a.reports' / 'kpi-report-2026-11.en.html'}  (中文: kpi-report-2026-11.zh.html)" in (
            first.stdout)
        # a's second night and b's first night at the same time
        both = [subprocess.Popen([MKPI, *args], env={**os.environ, **env}, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True) for args in (args_a, args_b)]
        for process in both:
            _, err = process.communicate(timeout=300)
            assert process.returncode == 0, err
        sent_to = [r.path for r in hooks.received]
    assert hooks.lock_free == [True, True]
    assert scorecard_people(a) == {"E1", "E2"}
    assert scorecard_people(b) == {"B1", "B2"}  # October is final in both, each with its own people
    assert (work / "a.state" / "closed_periods.duckdb").exists() and (work / "b.state" / "closed_periods.duckdb").exists()
    # b's issues are alerted although a's identical issues were alerted the night before; a's second night
    # finds nothing new to say.
    assert sent_to.count("/a") == 1 and sent_to.count("/b") == 1
    a_pages = sorted(p.name for p in (work / "a.reports").iterdir())
    b_pages = sorted(p.name for p in (work / "b.reports").iterdir())
    assert a_pages == b_pages and any(p.startswith("kpi-report-") for p in b_pages)
    b_text = "".join(p.read_text(encoding="utf-8") for p in (work / "b.reports").glob("*.html"))
    assert "Zhao Min" in b_text and "Li Na" not in b_text
    assert {p.name for p in (work / "snapshots").iterdir()} == {"a-2026-12-15.duckdb", "b-2026-12-15.duckdb"}
    assert scorecard_people(work / "snapshots" / "b-2026-12-15.duckdb") == {"B1", "B2"}


def test_a_flag_beats_the_environment_and_state_follows_the_warehouse(tmp_path, monkeypatch):
    monkeypatch.delenv("MKPI_STATE_DIR", raising=False)
    monkeypatch.delenv("MKPI_DBT_TARGET", raising=False)
    monkeypatch.setenv("MKPI_WAREHOUSE", str(tmp_path / "env.duckdb"))
    monkeypatch.setenv("MKPI_CONFIG", str(tmp_path / "env.yml"))
    settings = Settings.from_env(warehouse=tmp_path / "org" / "flag.duckdb", config_file=TINY_CONFIG)
    assert settings.warehouse == tmp_path / "org" / "flag.duckdb"
    assert settings.config_file == TINY_CONFIG.resolve()
    assert settings.state_dir == tmp_path / "org" / "flag.state"
    assert settings.dbt_target == tmp_path / "org" / "flag.state" / "dbt"
    assert settings.reports_dir == tmp_path / "org" / "flag.reports"
    assert settings.pull_store.parent == settings.state_dir
    default_named = Settings.from_env(warehouse=tmp_path / "warehouse.duckdb")
    assert default_named.reports_dir == tmp_path / "reports"  # the documented data/reports/
    monkeypatch.setenv("MKPI_STATE_DIR", str(tmp_path / "elsewhere"))
    assert Settings.from_env(warehouse=tmp_path / "x.duckdb").state_dir == tmp_path / "elsewhere"


def test_the_default_warehouse_adopts_the_old_shared_state_folder_once(tmp_path, monkeypatch):
    monkeypatch.delenv("MKPI_STATE_DIR", raising=False)
    legacy = tmp_path / "state"
    legacy.mkdir()
    (legacy / "closed_periods.duckdb").write_bytes(b"frozen")
    monkeypatch.setattr("pipelines.night.state_folder.DEFAULT_WAREHOUSE", tmp_path / "warehouse.duckdb")
    other = Settings.from_env(warehouse=tmp_path / "other.duckdb")
    assert adopt_legacy_state(other, legacy) is None and legacy.exists()  # not another warehouse's to take
    default = Settings.from_env(warehouse=tmp_path / "warehouse.duckdb")
    target = tmp_path / "warehouse.state"
    note = adopt_legacy_state(default, legacy)
    assert note and str(target) in note
    assert (target / "closed_periods.duckdb").read_bytes() == b"frozen" and not legacy.exists()
    assert adopt_legacy_state(default, legacy) is None


IMPORT_PROBE = textwrap.dedent("""
    import os, sys
    root, seen = sys.argv[1], []

    def hook(event, args):
        if event == "open" and isinstance(args[0], str) and args[0].startswith(root):
            path = args[0]
            if not (path.endswith((".py", ".pyc")) or "/.venv/" in path or "__pycache__" in path):
                seen.append(f"read {path}")
        elif event in ("subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.fork"):
            seen.append(f"started {args[0]!r}")

    import dagster, dagster_dbt  # their own imports start `file` (croniter asks platform.architecture())
    sys.addaudithook(hook)
    before = dict(os.environ)
    import pipelines.orchestration.definitions
    import pipelines.cli
    changed = sorted(k for k in set(before) | set(os.environ) if before.get(k) != os.environ.get(k))
    print("\\n".join(seen + [f"set {k}" for k in changed]))
""")


def test_importing_the_definitions_reads_no_file_starts_no_process_and_sets_no_variable():
    probe = subprocess.run([sys.executable, "-c", IMPORT_PROBE, str(PROJECT_ROOT)], capture_output=True,
                           text=True, timeout=120, cwd=PROJECT_ROOT)
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.strip() == ""


def test_an_as_of_date_after_today_is_refused_before_the_night_starts(tmp_path, monkeypatch):
    """A typo (2027 for 2026) would grade and close months that have not happened."""
    import datetime as dt

    monkeypatch.delenv("MKPI_ALLOW_FUTURE_AS_OF", raising=False)
    tomorrow = dt.datetime.now(dt.timezone(dt.timedelta(hours=14))).date() + dt.timedelta(days=1)  # tomorrow everywhere
    config = tmp_path / "mkpi.yml"
    config.write_text(f"reporting:\n  currency: USD\n  timezone: Pacific/Kiritimati\n  as_of_date: {tomorrow}\n",
                      encoding="utf-8")
    result = run_mkpi("run", "--source-dir", str(TINY_ORG), "--warehouse", str(tmp_path / "w.duckdb"),
                      "--config", str(config))
    today = tomorrow - dt.timedelta(days=1)
    assert result.returncode == 2
    assert result.stderr.strip() == (f"error: {config}, line 4, reporting.as_of_date: {tomorrow} is after today ({today} "
                                     "in Pacific/Kiritimati); a night cannot be built for a day that has not come. "
                                     "Fix the date, or remove it to build for today")
    assert not (tmp_path / "w.duckdb").exists()

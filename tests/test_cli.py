"""The `mkpi` console script: help in plain words, exit codes, one-line errors."""

from __future__ import annotations

import importlib.util
import io

import pytest

from tests.conftest import TINY_ORG, run_mkpi


@pytest.mark.parametrize("args, words", [
    (["--help"], "channel metrics"),
    (["run", "--help"], "published file is replaced only if the whole run succeeds"),
    (["demo-data", "--help"], "same seed always writes the same files"),
])
def test_help_speaks_to_an_analyst(args, words):
    result = run_mkpi(*args)
    assert result.returncode == 0
    assert words in " ".join(result.stdout.split())


def one_error_line(result) -> str:
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.stderr
    return errors[0]


def test_bad_config_value(tmp_path):
    config = tmp_path / "mkpi.yml"
    config.write_text("reporting:\n  currency: USD\n  timezone: Mars/Olympus\n")
    result = run_mkpi("run", "--source-dir", str(TINY_ORG), "--warehouse", str(tmp_path / "w.duckdb"),
                      "--config", str(config))
    assert result.returncode == 2
    assert one_error_line(result) == (f"error: {config}, line 3, reporting.timezone: 'Mars/Olympus' is not a "
                                      "time zone name (for example UTC, Asia/Shanghai, America/New_York)")
    assert not (tmp_path / "w.duckdb").exists()


def test_missing_source_folder(tmp_path):
    result = run_mkpi("run", "--source-dir", str(tmp_path / "nope"), "--warehouse", str(tmp_path / "w.duckdb"))
    assert result.returncode == 2
    assert "does not exist" in one_error_line(result)


def test_warehouse_named_like_a_schema_is_refused(tmp_path):
    result = run_mkpi("run", "--source-dir", str(TINY_ORG), "--warehouse", str(tmp_path / "marts.duckdb"))
    assert result.returncode == 2
    assert "choose another file name" in one_error_line(result)


def test_an_unknown_engine_is_refused(tmp_path):
    result = run_mkpi("run", "--source-dir", str(TINY_ORG), "--warehouse", str(tmp_path / "w.duckdb"),
                      env={"MKPI_ENGINE": "snowflake"})
    assert result.returncode == 2
    assert one_error_line(result) == ("error: MKPI_ENGINE: 'snowflake' is not an engine mkpi builds on; "
                                      "use one of duckdb, spark")


def test_the_spark_engine_without_pyspark_says_how_to_install_it(tmp_path):
    if importlib.util.find_spec("pyspark") is not None:
        pytest.skip("PySpark is installed here (make test-spark): its absence cannot be shown")
    result = run_mkpi("run", "--engine", "spark", "--source-dir", str(TINY_ORG), "--warehouse", str(tmp_path / "w.duckdb"))
    assert result.returncode == 2
    assert "make test-spark" in one_error_line(result)
    assert not (tmp_path / "w.duckdb").exists()


def test_unknown_files_absent_kinds_and_unreadable_files_are_warnings(tmp_path):
    (tmp_path / "budget_plan.csv").write_text("a\n1\n")
    (tmp_path / "leads.csv").write_text("lead_id,created_at\nL1,2026-10-01\n")
    (tmp_path / "sessions.csv").write_text("session_id,visitor_id\ns1,v1\n")
    result = run_mkpi("run", "--source-dir", str(tmp_path), "--warehouse", str(tmp_path / "w.duckdb"))
    assert result.returncode == 0, result.stderr
    assert f"warning: {tmp_path / 'budget_plan.csv'}: not a known kind of export, ignored" in result.stderr
    assert "no ad_spend files" not in result.stderr  # a kind this folder never had is no news
    missing = (f"{tmp_path / 'sessions.csv'}, line 1, column 'started_at': missing required column for sessions "
               "files (the header has: session_id, visitor_id)")
    assert f"warning: {missing} (this file will not be read)" in result.stderr
    assert "Published" in result.stdout and "Quarantined rows: 0, files not read: 1" in result.stdout
    assert f"  not read: {missing}" in result.stdout
    assert "[error] unreadable_file" in result.stdout


def test_sql_queries_the_published_file_read_only(tiny_warehouse, tmp_path):
    # Facebook in the tiny organisation: spend 40 on 1 October and a zero-spend row on the 2nd (test_metrics_contract).
    result = run_mkpi("sql", "SELECT sum(spend) AS facebook_spend FROM marts.fct_channel_daily WHERE channel = 'facebook'",
                      "--warehouse", str(tiny_warehouse))
    assert result.returncode == 0, result.stderr
    assert "facebook_spend" in result.stdout and "40.00" in result.stdout
    refused = run_mkpi("sql", "DROP TABLE marts.fct_sessions", "--warehouse", str(tiny_warehouse))
    assert refused.returncode == 1 and refused.stderr.startswith("error: Invalid Input Error: Cannot execute statement")
    assert "read-only" in refused.stderr
    missing = run_mkpi("sql", "SELECT 1", "--warehouse", str(tmp_path / "none.duckdb"))
    assert missing.returncode == 2 and "run `mkpi run` first" in missing.stderr


def test_mkpi_run_announces_each_step_as_it_goes(tmp_path):
    """Read as it arrives: each step's start and end before the summary, timestamped (not a terminal)."""
    import re
    import subprocess
    import time

    from tests.conftest import MKPI, TINY_CONFIG

    run = subprocess.Popen([MKPI, "run", "--source-dir", str(TINY_ORG), "--warehouse", str(tmp_path / "w.duckdb"),
                            "--config", str(TINY_CONFIG)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    arrived = [(time.monotonic(), line.rstrip("\n")) for line in run.stdout]
    assert run.wait(timeout=300) == 0
    lines = [line for _, line in arrived]
    summary = next(i for i, line in enumerate(lines) if line.startswith("Published "))
    said = [re.sub(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d  ", "", line) for line in lines[:summary]]
    for step in ("landing the exports", "dbt build (models and tests)", "scoring the KPIs", "publishing",
                 "the KPI report", "alerting"):
        assert f"{step} …" in said and any(s.startswith(f"{step} done in ") for s in said), (step, said)
        assert said.index(f"{step} …") < next(i for i, s in enumerate(said) if s.startswith(f"{step} done in "))
    order = [said.index(f"{s} …") for s in ("landing the exports", "dbt build (models and tests)", "publishing")]
    assert order == sorted(order)
    # dbt's nodes are counted as they finish: a line at every quarter of them, the last one all of them.
    counted = [s for s in said if s.startswith("dbt build, nodes done: ")]
    done, total = zip(*(map(int, re.findall(r"(\d+) of (\d+)", s)[0]) for s in counted))
    assert len(counted) == 4 and len(set(total)) == 1 and done[-1] == total[0] > 50 and list(done) == sorted(done)
    # They came while the run went on, not all at the end: dbt's start arrived well before the summary.
    at = dict((line, t) for t, line in arrived)
    dbt_started = next(t for t, line in arrived if line.endswith("dbt build (models and tests) …"))
    assert at[lines[summary]] - dbt_started > 1.0


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_count_updates_one_line_on_a_terminal_and_is_said_every_quarter_elsewhere():
    from pipelines.night.step_timings import Announcer

    log, tty = io.StringIO(), Terminal()
    for stream in (log, tty):
        announcer = Announcer(stream)
        for done in range(1, 9):
            announcer.count("nodes", done, 8)
        announcer.say("next step …")
    lines = [line.split("  ", 1)[1] for line in log.getvalue().splitlines()]
    assert lines == ["nodes: 2 of 8", "nodes: 4 of 8", "nodes: 6 of 8", "nodes: 8 of 8", "next step …"]
    screen = tty.getvalue()
    assert screen.count("\r") == 8 and screen.count("\n") == 2  # one line rewritten in place, then the next step
    assert screen.split("\n")[0].endswith("  nodes: 8 of 8") and screen.split("\n")[1].endswith("  next step …")


def test_a_kind_that_last_night_read_and_tonight_lacks_is_a_warning(tmp_path):
    """Last night's file landed leads and sessions from files (and ad spend from an API); tonight's folder has
    sessions only: leads are named, ad spend (pulled, not a file) and kinds never seen are not."""
    import duckdb

    from pipelines.orchestration.nightly import preflight
    from pipelines.settings import Settings

    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "sessions.csv").write_text("session_id,started_at\ns1,2026-10-01\n", encoding="utf-8")
    warehouse = tmp_path / "w.duckdb"
    con = duckdb.connect(str(warehouse))
    con.execute("CREATE SCHEMA landing")
    con.execute("""CREATE TABLE landing.landed_files AS SELECT * FROM (VALUES
        ('leads', '/old/leads.csv'), ('sessions', '/old/sessions.csv'), ('ad_spend', 'meta API'))
        AS t(kind, file)""")
    con.close()
    warnings = preflight(Settings.from_env(source_dir=folder, warehouse=warehouse))
    absent = [w for w in warnings if w.startswith("no ")]
    assert absent == [f"no leads files in {folder} tonight, though last night read some: its tables will be empty"]

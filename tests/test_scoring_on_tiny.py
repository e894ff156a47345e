"""Scoring inside the real nightly run, on the tiny organisation: inputs read from the marts by SQL."""

import shutil

from pytest import approx

from tests.conftest import TINY_CONFIG, TINY_ORG, rows, run_mkpi


def test_content_operator_october_scorecard(tiny):
    # E1 authored c1 (206 reads / 1030 followers = 0.2, original) and c2 (101 / 1010 = 0.1, repost) in October.
    kpis = dict(rows(tiny, """SELECT kpi, actual FROM marts.kpi_scores WHERE period = '2026-10' AND employee_id = 'E1'"""))
    assert kpis["read_rate"] == approx(0.15)
    assert kpis["original_share"] == approx(0.5)
    assert kpis["interaction_rate"] == approx(21 / 307)  # (10 + 5 + 5 + 1) / (206 + 101)
    assert kpis["content_output"] == approx(2 / (31 / 7))
    assert kpis["initiative"] is None  # no manual score: left out, weights re-normalized over 90%
    points = 30 * 1.0 + 20 * (0.5 / 0.7) + 20 * 1.2 + 20 * (2 / (31 / 7)) / 5
    (total, grade, note) = rows(tiny, """SELECT total, grade, note FROM marts.employee_scorecards
                                        WHERE period = '2026-10' AND employee_id = 'E1'""")[0]
    assert total == approx(points * 100 / 90) and grade == "fail"
    assert note == "weights re-normalized over 90%: left out initiative (no data)"


def test_nobody_is_scored_without_data(tiny):
    # E2 (SEM) owns nothing in the fixture and has no manual scores.
    assert rows(tiny, "SELECT DISTINCT status FROM marts.employee_scorecards WHERE employee_id = 'E2'") == [("no_data",)]


def test_explain_shows_each_kpi_and_its_formula(tiny_warehouse):
    result = run_mkpi("explain", "--person", "E1", "--period", "2026-10", "--warehouse", str(tiny_warehouse))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Li Na (E1), content_operations, team growth — 2026-10"
    assert lines[1].startswith("Total ") and "grade fail" in lines[1]
    assert "read_rate (result, weight 30%, linear, higher is better): scored" in lines
    assert "  read_rate = average read rate of 2 item(s) by author E1 in 2026-10 (marts.fct_content_items)" in lines
    assert "initiative (behaviour, weight 10%, linear, higher is better): no_data" in lines
    missing = run_mkpi("explain", "--person", "E1", "--period", "2031-01", "--warehouse", str(tiny_warehouse))
    assert missing.returncode == 1 and "Periods scored: 2026-10, 2026-11." in missing.stdout  # September is not fully covered


def test_unknown_role_in_the_roster_stops_the_run_with_one_line(tmp_path):
    exports = tmp_path / "exports"
    shutil.copytree(TINY_ORG, exports)
    (exports / "roster.csv").write_text("employee_id,name,role,team\nE1,Li Na,content_operations,growth\n"
                                        "E2,Wang Wei,growth_hacker,growth\n")
    warehouse = tmp_path / "w.duckdb"
    result = run_mkpi("run", "--source-dir", str(exports), "--warehouse", str(warehouse), "--config", str(TINY_CONFIG))
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1
    assert errors[0].startswith(f"error: score_kpis failed: {exports / 'roster.csv'}, line 3, column 'role': "
                                "'growth_hacker' of E2 is not a role in ")
    assert not warehouse.exists()  # nothing scored, nothing published

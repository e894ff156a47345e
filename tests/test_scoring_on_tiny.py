"""Scoring inside the real nightly run, on the tiny organisation: inputs read from the marts by SQL."""

import shutil

import duckdb

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
    assert "  read_rate = average read rate of 2 item(s) by author E1 in 2026-10 (marts.fct_author_monthly)" in lines
    assert "initiative (behaviour, weight 10%, linear, higher is better): no_data" in lines
    missing = run_mkpi("explain", "--person", "E1", "--period", "2031-01", "--warehouse", str(tiny_warehouse))
    assert missing.returncode == 1 and "Periods scored: 2026-10, 2026-11." in missing.stdout  # September is not fully covered


def test_an_unknown_role_is_named_before_the_build_and_does_not_withhold_the_marts(tmp_path):
    exports = tmp_path / "exports"
    shutil.copytree(TINY_ORG, exports)
    (exports / "roster.csv").write_text("employee_id,name,role,team\nE1,Li Na,content_operations,growth\n"
                                        "E2,Wang Wei,growth_hacker,growth\n")
    warehouse = tmp_path / "w.duckdb"
    result = run_mkpi("run", "--source-dir", str(exports), "--warehouse", str(warehouse), "--config", str(TINY_CONFIG))
    where = f"{exports / 'roster.csv'}, line 3, column 'role': 'growth_hacker' of E2 is not a role in "
    # Pre-flight names it before anything is built …
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert any(w.startswith(f"warning: {where}") and w.endswith("scoring will fail tonight and the marketing marts "
                                                                 "will be published without scorecards") for w in warnings)
    # … the run still fails, once, with the same line, after publishing the marketing marts.
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1
    assert errors[0].startswith("error: kpi_report failed: scoring failed, no KPI report tonight (the marketing marts "
                                f"were published): {where}")
    assert f"The marketing marts were published to {warehouse}" in result.stderr
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert rows(con, "SELECT count(*) FROM marts.fct_channel_daily")[0][0] > 0
        status, message = rows(con, "SELECT status, message FROM marts.scoring_status")[0]
        assert status == "failed" and message.startswith(where)
        # No stale or partial scores: every scoring table is there and empty.
        for table in ("kpi_scores", "employee_scorecards", "scorecard_flags", "incentive_bonus_pool"):
            assert rows(con, f"SELECT count(*) FROM marts.{table}") == [(0,)]


def test_ended_months_past_their_close_date_are_published_final(tiny):
    # As of 2026-12-15 both close dates (5 November, 5 December) have passed, but the exports stop on
    # 5 November (the last order): October closes; November stays provisional until data reaches 30 November.
    assert rows(tiny, """SELECT period, status, close_date::VARCHAR, closed_by FROM marts.scoring_periods
                         WHERE period_type = 'month' ORDER BY period""") == [
        ("2026-10", "final", "2026-11-05", "close date"), ("2026-11", "provisional", "2026-12-05", None)]
    assert rows(tiny, "SELECT period, as_of_date::VARCHAR, data_through::VARCHAR FROM marts.scoring_period_events") == [
        ("2026-10", "2026-12-15", "2026-11-05")]
    assert rows(tiny, "SELECT DISTINCT period_status FROM marts.employee_scorecards WHERE period = '2026-10'") == [
        ("final",)]


def test_close_and_reopen_from_the_command_line(tiny_warehouse):
    # This test's own state folder (MKPI_STATE_DIR) has no closed periods yet.
    def mkpi(*args):
        return run_mkpi(*args, "--warehouse", str(tiny_warehouse))

    closed = mkpi("close", "2026-11", "--reason", "ratings in")
    assert closed.returncode == 0, closed.stderr
    assert closed.stdout.startswith("2026-11 is final: 2 scorecard(s) frozen as published")
    again = mkpi("close", "2026-11")
    assert again.returncode == 1 and again.stderr.strip() == (
        "error: 2026-11 is already final; reopen it first (mkpi reopen 2026-11 --reason ...)")
    no_reason = mkpi("reopen", "2026-11", "--reason", "  ")
    assert no_reason.returncode == 2 and "needs a reason that stays on record" in no_reason.stderr
    reopened = mkpi("reopen", "2026-11", "--reason", "late CRM import")
    assert reopened.returncode == 0 and reopened.stdout.startswith("2026-11 is provisional again (late CRM import)")
    not_final = mkpi("reopen", "2026-11", "--reason", "twice")
    assert not_final.returncode == 1 and "2026-11 is not closed" in not_final.stderr
    unknown = mkpi("close", "2027-01")
    assert unknown.returncode == 1 and "2027-01 has no scorecards in the published file" in unknown.stderr


def test_waive_from_the_command_line(tiny_warehouse):
    # This test's own state folder (MKPI_STATE_DIR): the waiver is on record there, for the next night.
    def mkpi(*args):
        return run_mkpi("waive", *args, "--warehouse", str(tiny_warehouse))

    waived = mkpi("2026-11", "--check", "sessions_drop", "--channel", "facebook", "--reason", "tags back the same day")
    assert waived.returncode == 0, waived.stderr
    assert waived.stdout.strip() == ("2026-11: sessions_drop on facebook no longer stops KPIs from the next run (tags "
                                     "back the same day); on record in marts.scoring_period_events.")
    assert "last night's file has no sessions_drop issue on facebook" in waived.stderr
    unknown = mkpi("2026-11", "--check", "session_drop", "--reason", "typo")
    assert unknown.returncode == 2 and unknown.stderr.startswith("error: 'session_drop' is not a tracking check (one of")
    blank = mkpi("2026-11", "--check", "sessions_drop", "--reason", " ")
    assert blank.returncode == 2 and "a waiver needs a reason that stays on record" in blank.stderr
    assert run_mkpi("close", "2026-10", "--warehouse", str(tiny_warehouse)).returncode == 0
    final = mkpi("2026-10", "--check", "sessions_drop", "--reason", "x")
    assert final.returncode == 1 and "2026-10 is final; reopen it first" in final.stderr


def test_scoring_reads_only_the_marts_its_asset_depends_on(tiny, tiny_warehouse, tmp_path):
    from pipelines.scoring.kpi_yml import load_kpi_config
    from pipelines.scoring.engine import score
    from pipelines.scoring.inputs import SCORING_MARTS, read_inputs
    from pipelines.settings import PROJECT_ROOT
    from pipelines.night.warehouse import relations

    copy = tmp_path / "marts_only.duckdb"
    shutil.copyfile(tiny_warehouse, copy)
    with duckdb.connect(str(copy)) as con:
        for name, kind in relations(con, "marts").items():
            if name not in SCORING_MARTS:
                con.execute(f'DROP {kind} marts."{name}"')
        for schema in ("landing", "staging", "intermediate", "reference"):
            con.execute(f"DROP SCHEMA {schema} CASCADE")
        _, cards, _ = score(read_inputs(con), load_kpi_config(PROJECT_ROOT / "kpi.yml"))
    published = dict(rows(tiny, "SELECT period || employee_id, total FROM marts.employee_scorecards"))
    assert cards and {c["period"] + c["employee_id"]: c["total"] for c in cards} == published


def test_a_model_a_kpi_names_is_read_from_the_attribution_mart(tiny):
    from pipelines.scoring.inputs import attributed_monthly, read_inputs

    def by_month(months: dict, measure: str) -> dict:
        return {m: float(r[measure]) for m, r in months.items()}

    assert attributed_monthly(tiny, ()) == {}  # no KPI names a model: nothing is read
    inputs = read_inputs(tiny)
    owned, team = attributed_monthly(tiny, ("linear",))["linear"]
    # Every lead of the tiny organisation has a one-touch path (test_dashboard's attribution panel), so linear
    # credits leads as the channel marts do; spend is never attributed.
    for measure in ("leads", "spend"):
        assert {e: by_month(m, measure) for e, m in owned.items()} == \
            {e: by_month(m, measure) for e, m in inputs.owned_monthly.items()}, measure
        assert by_month(team, measure) == by_month(inputs.team_monthly, measure), measure
    assert sum(by_month(team, "leads").values()) > 0

"""Scorecards over several periods, worked out by hand: rules, cap, CPL lower-is-better, re-normalization,
excusal, team coefficient, extra points, grades, ranks, over-time flags and effective-dated targets."""

from __future__ import annotations

import datetime as dt

import pytest
from pytest import approx

from pipelines.scoring.config import KpiConfigError
from pipelines.scoring.kpi_yml import load_kpi_config
from pipelines.scoring.engine import score
from pipelines.scoring.inputs import Employee, Inputs
from pipelines.scoring.metrics import MEASURES

CONFIG = """default_cap: 1.2
grades: {excellent: 108, good: 95, pass: 80, fail: 0}
pass_grade: pass
over_time: {warning_after_months_below_pass: 2, bonus_lost_after_months_below_pass: 3,
            outstanding_top_n: 1, outstanding_months: 3, promotion_top_share: 0.5, promotion_quarters: 2,
            promotion_min_team_size: 2}
team_coefficient: true
tracking_block_share: 0  # any day of an issue stops a KPI it touches: the tests below see which it touches
roles:
  sem:
    versions:
      - effective_from: 2026-01-01
        kpis:
          - {id: cpl, metric: cpl, scope: owned, target: 20, weight: 50, category: result}
          - {id: leads, metric: leads, scope: owned, target: 100, weight: 30, category: result}
          - {id: report, metric: manual.report_on_time, scope: self, target: 1, weight: 20, category: process, rule: threshold}
"""
LATER_VERSION = """      - effective_from: 2026-03-01
        kpis:
          - {id: cpl, metric: cpl, scope: owned, target: 16, weight: 50, category: result}
          - {id: leads, metric: leads, scope: owned, target: 100, weight: 30, category: result}
          - {id: report, metric: manual.report_on_time, scope: self, target: 1, weight: 20, category: process, rule: threshold}
"""
EXCUSAL = 'excusals:\n  - {kpi: leads, employee_id: B, period: 2026-02, reason: "ad account suspended by the platform"}\n'

JAN, FEB, MAR = dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)


def month_row(spend, leads):
    return {**{m: 0.0 for m in MEASURES}, "spend": spend, "leads": leads, "covered": "google/cpc"}


def inputs(as_of=dt.date(2026, 4, 5)) -> Inputs:
    manual = {
        ("2026-01", "A", "report_on_time"): [(1.0, None)], ("2026-01", "B", "report_on_time"): [(0.0, None)],
        ("2026-02", "A", "report_on_time"): [(1.0, None)], ("2026-02", "B", "report_on_time"): [(0.0, None)],
        ("2026-03", "A", "report_on_time"): [(1.0, None)],  # B has no report score in March: no data
        ("2026-02", "t", "okr_achievement"): [(0.9, None)],  # the team reached 90% of its OKRs in February
        ("2026-03", "A", "extra_points"): [(5.0, "industry award")],
    }
    return Inputs(
        as_of=as_of,
        employees=[Employee("A", "Ann", "sem", "t", "roster.csv", 2), Employee("B", "Bo", "sem", "t", "roster.csv", 3)],
        ownership={},
        owned_monthly={"A": {JAN: month_row(2000, 100), FEB: month_row(1800, 120), MAR: month_row(1600, 100)},
                       "B": {JAN: month_row(2000, 80), FEB: month_row(2000, 80), MAR: month_row(2000, 80)}},
        team_monthly={}, content=[], social=[], manual=manual, first_month=JAN,
    )


def scored(tmp_path, text=CONFIG + EXCUSAL, data=None):
    path = tmp_path / "kpi.yml"
    path.write_text(text)
    kpi_rows, cards, _ = score(data or inputs(), load_kpi_config(path))
    return {(c["period"], c["employee_id"]): c for c in cards}, kpi_rows


def test_january_every_rule(tmp_path):
    cards, rows = scored(tmp_path)
    # A: CPL 2000/100 = 20 on a 20 target → 50; leads 100/100 → 30; report on time → 20. Total 100, good.
    assert cards[("2026-01", "A")]["total"] == approx(100.0) and cards[("2026-01", "A")]["grade"] == "good"
    # B: CPL 25 (lower is better: 20/25 = 0.8) → 40; leads 0.8 → 24; report late → 0 (threshold). 64, fail.
    b = {r["kpi"]: r for r in rows if r["period"] == "2026-01" and r["employee_id"] == "B"}
    assert (b["cpl"]["actual"], b["cpl"]["achievement"], b["cpl"]["points"]) == (approx(25.0), approx(0.8), approx(40.0))
    assert b["report"]["points"] == 0.0
    assert cards[("2026-01", "B")]["total"] == approx(64.0) and cards[("2026-01", "B")]["grade"] == "fail"
    assert (cards[("2026-01", "A")]["rank_in_team"], cards[("2026-01", "B")]["rank_in_team"]) == (1, 2)


def test_february_cap_excusal_and_team_coefficient(tmp_path):
    cards, rows = scored(tmp_path)
    # A: CPL 15 → 20/15 = 1.33, capped 1.2 → 60; leads 1.2 → 36; report 20 → 116, × team coefficient 0.9 = 104.4.
    a = cards[("2026-02", "A")]
    assert (a["raw_total"], a["team_coefficient"], a["total"], a["grade"]) == (approx(116.0), 0.9, approx(104.4), "good")
    # B: leads excused; CPL 25 → 40 and report 0, re-normalized over 70%: 40 × 100 / 70 = 57.14, × 0.9 = 51.43.
    b = cards[("2026-02", "B")]
    assert b["total"] == approx(40 * 100 / 70 * 0.9)
    assert "re-normalized over 70%" in b["note"] and "leads (excused)" in b["note"]
    leads = next(r for r in rows if r["period"] == "2026-02" and r["employee_id"] == "B" and r["kpi"] == "leads")
    assert (leads["excused"], leads["excuse_reason"], leads["data_status"]) == (True, "ad account suspended by the platform", "excused")


def test_march_missing_data_extra_points_and_flags(tmp_path):
    cards, _ = scored(tmp_path)
    # A: 1600/100 = 16 on the 20 target → 1.2 cap → 60; leads 30; report 20 = 110, + 5 extra points = 115.
    a = cards[("2026-03", "A")]
    assert (a["total"], a["extra_points"], a["grade"]) == (approx(115.0), 5.0, "excellent")
    assert "extra points 5: industry award" in a["note"]
    # B: no report score → re-normalized over 80%: (40 + 24) × 100 / 80 = 80.0: exactly on the pass line.
    assert cards[("2026-03", "B")]["total"] == approx(80.0) and cards[("2026-03", "B")]["grade"] == "pass"
    # Flags: B below the pass line in January and February → warning in February; March passes, streak resets.
    assert [cards[(p, "B")]["months_below_pass"] for p in ("2026-01", "2026-02", "2026-03")] == [1, 2, 0]
    assert [cards[(p, "B")]["warning"] for p in ("2026-01", "2026-02", "2026-03")] == [False, True, False]
    assert not any(cards[(p, "B")]["bonus_eligibility_lost"] for p in ("2026-01", "2026-02", "2026-03"))
    # A is first in the team three months running but excellent (108+) only in March (100, 104.4, 115):
    # "outstanding employee" needs the excellent grade every month of the streak.
    assert not any(cards[(p, "A")]["outstanding_employee"] for p in ("2026-01", "2026-02", "2026-03"))


def test_three_months_below_pass_loses_the_bonus(tmp_path):
    data = inputs()
    data.manual[("2026-03", "B", "report_on_time")] = [(0.0, None)]  # B is late again in March
    cards, _ = scored(tmp_path, data=data)
    # B March: 40 + 24 + 0 = 64 → third month below 80.
    assert cards[("2026-03", "B")]["total"] == approx(64.0)
    assert cards[("2026-03", "B")]["months_below_pass"] == 3 and cards[("2026-03", "B")]["bonus_eligibility_lost"]


def test_quarter_is_scored_on_its_own_totals(tmp_path):
    cards, rows = scored(tmp_path)
    # Q1, A: CPL 5400 / 320 = 16.875 → 20 / 16.875 = 1.185 → 59.26; leads 320 / 100 → cap → 36; no quarterly
    # report entry, so the months' entries are averaged: (1 + 1 + 1) / 3 = 1 → on target → 20. 115.26.
    assert cards[("2026-Q1", "A")]["total"] == approx(50 * 20 / 16.875 + 36 + 20)
    # B: CPL 6000 / 240 = 25 → 40; leads 240 → 36 (the February excusal is for February only); report
    # (0 + 0) / 2 = 0 → 0. 76.
    assert cards[("2026-Q1", "B")]["total"] == approx(76.0)
    report = next(r for r in rows if r["period"] == "2026-Q1" and r["employee_id"] == "B" and r["kpi"] == "report")
    assert report["formula"] == "manual.report_on_time = 0 (manual_scores, average of 2 entry(ies) for the months of 2026-Q1)"


def test_a_later_target_never_rewrites_earlier_periods(tmp_path):
    (tmp_path / "before").mkdir()
    (tmp_path / "after").mkdir()
    before, _ = scored(tmp_path / "before")
    after, _ = scored(tmp_path / "after", text=CONFIG + LATER_VERSION + EXCUSAL)
    for key in [("2026-01", "A"), ("2026-01", "B"), ("2026-02", "A"), ("2026-02", "B"), ("2026-Q1", "A"), ("2026-Q1", "B")]:
        assert after[key]["total"] == before[key]["total"]
    # From March the CPL target is 16: A's CPL of 16 now earns 1.0 → 50 (was 60): 100 + 5 = 105.
    assert after[("2026-03", "A")]["total"] == approx(105.0) and after[("2026-03", "A")]["config_version"] == MAR


def test_promotion_needs_the_top_share_two_quarters_running(tmp_path):
    data = inputs(as_of=dt.date(2026, 7, 1))
    for m in (4, 5, 6):
        data.owned_monthly["A"][dt.date(2026, m, 1)] = month_row(2000, 100)
        data.owned_monthly["B"][dt.date(2026, m, 1)] = month_row(2000, 80)
    cards, _ = scored(tmp_path, data=data)
    # Top 50% of a team of two is rank 1: A is first in Q1 (115.26, excellent) and Q2 (CPL 20 → 50, leads
    # 300 → cap → 36, no report entries → re-normalized over 80%: 86 × 100 / 80 = 107.5, good: the minimum).
    assert (cards[("2026-Q1", "A")]["promotion_eligible"], cards[("2026-Q2", "A")]["promotion_eligible"]) == (False, True)
    assert not cards[("2026-Q2", "B")]["promotion_eligible"]


def test_unknown_role_in_the_roster_names_its_line(tmp_path):
    data = inputs()
    data.employees.append(Employee("C", "Cy", "sem_manager", "t", "/x/roster.csv", 4))
    with pytest.raises(KpiConfigError) as err:
        scored(tmp_path, data=data)
    assert str(err.value).startswith("/x/roster.csv, line 4, column 'role': 'sem_manager' of C is not a role in")


GOOGLE_DROP = {"check_name": "sessions_drop", "channel": "google", "medium": None, "campaign": None,
               "period_start": dt.date(2026, 2, 10), "period_end": dt.date(2026, 2, 11), "message": "google sessions fell"}


def owning(data: Inputs, channels: dict[str, str]) -> Inputs:
    """A owns google/cpc, B bing/cpc, every month of the quarter."""
    data.owned_keys = {e: [{"month": m, "channel": c, "medium": "cpc", "campaign": "brand"} for m in (JAN, FEB, MAR)]
                       for e, c in channels.items()}
    return data


# Grade a card on whatever scored, however little: to see per-KPI blocking alone.
ANY_SHARE = CONFIG.replace("team_coefficient: true", "team_coefficient: true\nmin_scored_share: 0") + EXCUSAL


def test_an_error_tracking_issue_blocks_only_the_kpis_whose_numbers_it_touches(tmp_path):
    data = owning(inputs(), {"A": "google", "B": "bing"})
    data.error_issues = [GOOGLE_DROP]
    cards, rows = scored(tmp_path, text=ANY_SHARE, data=data)
    status = {(r["period"], r["employee_id"], r["kpi"]): r["data_status"] for r in rows}
    # A owns google: CPL and leads are blocked in February and Q1 (the issue's days fall in February);
    # the manual report KPI does not read tracked traffic and scores.
    assert [status[("2026-02", "A", k)] for k in ("cpl", "leads", "report")] == ["blocked", "blocked", "scored"]
    assert [status[("2026-Q1", "A", k)] for k in ("cpl", "leads", "report")] == ["blocked", "blocked", "scored"]
    assert status[("2026-01", "A", "cpl")] == status[("2026-03", "A", "cpl")] == "scored"
    # A's February: report on time 20 points, re-normalized over its 20% weight → 100, × team coefficient 0.9.
    feb = cards[("2026-02", "A")]
    assert (feb["status"], feb["total"]) == ("scored", approx(90.0))
    assert "cpl (not scored: sessions_drop on google, 2026-02-10..2026-02-11 (google sessions fell))" in feb["note"]
    # B owns bing only: untouched, the same 51.43 as without the issue (test_february_cap_excusal_and_team_coefficient).
    assert cards[("2026-02", "B")]["total"] == approx(40 * 100 / 70 * 0.9)


def test_an_issue_without_a_channel_touches_every_channel_kpi(tmp_path):
    data = owning(inputs(), {"A": "google", "B": "bing"})
    data.error_issues = [{**GOOGLE_DROP, "channel": None, "check_name": "unattributed_lead_share"}]
    cards, rows = scored(tmp_path, text=ANY_SHARE, data=data)
    blocked = {(r["employee_id"], r["kpi"]) for r in rows if r["period"] == "2026-02" and r["data_status"] == "blocked"}
    assert blocked == {("A", "cpl"), ("A", "leads"), ("B", "cpl")}  # B's leads KPI is excused in February
    # B's February: report late (0 points) is all that is left → 0; a card is blocked only when every KPI is.
    assert cards[("2026-02", "B")]["total"] == approx(0.0)


MATERIAL = CONFIG.replace("tracking_block_share: 0 ", "tracking_block_share: 0.1 ") + EXCUSAL


def test_an_issue_stops_a_kpi_only_over_a_material_share_of_the_period(tmp_path):
    data = owning(inputs(), {"A": "google", "B": "bing"})
    three_days = {**GOOGLE_DROP, "period_end": dt.date(2026, 2, 12)}
    data.error_issues = [GOOGLE_DROP, {**three_days, "campaign": "brand", "check_name": "leads_drop"}]
    cards, rows = scored(tmp_path, text=MATERIAL, data=data)
    kpi = {(r["period"], r["employee_id"], r["kpi"]): r for r in rows}
    # February has 28 days; 10% is 2.8. The two-day sessions drop (2 < 2.8) does not stop A's CPL; the three-day
    # leads drop on A's brand campaign (3 ≥ 2.8) does.
    feb = kpi[("2026-02", "A", "cpl")]
    assert feb["data_status"] == "blocked" and feb["formula"].startswith("not scored: leads_drop on google/brand")
    # Q1 has 90 days (10% = 9): neither stops it; each is a note on how it was computed.
    q1 = kpi[("2026-Q1", "A", "cpl")]
    assert q1["data_status"] == "scored"
    assert q1["formula"].endswith("; sessions_drop on google touches 2 of 90 days, under the 10% that stops a KPI "
                                  "(kpi.yml tracking_block_share); leads_drop on google/brand touches 3 of 90 days, "
                                  "under the 10% that stops a KPI (kpi.yml tracking_block_share)")
    # With only the two-day drop, A's February CPL scores: 1,800 / 120 = 15 against 20 → 50 × 20 / 15, capped.
    data.error_issues = [GOOGLE_DROP]
    _, rows = scored(tmp_path, text=MATERIAL, data=data)
    feb = next(r for r in rows if (r["period"], r["employee_id"], r["kpi"]) == ("2026-02", "A", "cpl"))
    assert feb["data_status"] == "scored" and feb["actual"] == approx(15.0)
    assert "touches 2 of 28 days, under the 10% that stops a KPI" in feb["formula"]


def test_a_waived_issue_no_longer_stops_the_periods_kpis(tmp_path):
    from pipelines.scoring.closing import Waiver

    data = owning(inputs(), {"A": "google", "B": "bing"})
    data.error_issues = [GOOGLE_DROP]
    path = tmp_path / "kpi.yml"
    path.write_text(ANY_SHARE)
    waived = {"2026-02": [Waiver("sessions_drop", "google", None, "tags fixed the same day; the lead checked CRM")]}
    kpi_rows, _, _ = score(data, load_kpi_config(path), waivers=waived)
    status = {(r["period"], r["employee_id"], r["kpi"]): r for r in kpi_rows}
    feb = status[("2026-02", "A", "cpl")]
    assert feb["data_status"] == "scored" and feb["formula"].endswith(
        "; sessions_drop on google waived for 2026-02: tags fixed the same day; the lead checked CRM")
    assert status[("2026-Q1", "A", "cpl")]["data_status"] == "blocked"  # a waiver is for its period only
    other = {"2026-02": [Waiver("sessions_drop", "bing", None, "bing only")]}
    kpi_rows, _, _ = score(data, load_kpi_config(path), waivers=other)
    assert next(r for r in kpi_rows if (r["period"], r["employee_id"], r["kpi"]) == ("2026-02", "A", "cpl"))[
        "data_status"] == "blocked"


def test_a_team_kpi_reads_the_whole_team_and_says_so_in_both_languages(tmp_path):
    text = CONFIG.replace("          - {id: report, metric: manual.report_on_time, scope: self, target: 1, weight: 20, "
                          "category: process, rule: threshold}\n",
                          "          - {id: team_leads, metric: leads, scope: team, target: 200, weight: 20, category: result}\n", 1)
    data = inputs()
    data.team_monthly = {JAN: month_row(5000, 300)}
    cards, rows = scored(tmp_path, text=text, data=data)
    team = next(r for r in rows if (r["period"], r["employee_id"], r["kpi"]) == ("2026-01", "A", "team_leads"))
    # 300 team leads against 200 → 1.5, capped 1.2 → 24 points; A's CPL 50 and leads 30 as in January → 104.
    assert (team["actual"], team["points"], cards[("2026-01", "A")]["total"]) == (300.0, approx(24.0), approx(104.0))
    assert team["formula"] == "leads: sum of leads = 300.00 over the whole team in 2026-01 (marts.fct_channel_monthly)"
    assert team["formula_zh"] == "线索数：leads 合计 = 300.00，范围：全团队，2026-01（marts.fct_channel_monthly）"


def test_the_month_to_date_is_scored_on_pace(tmp_path):
    from pipelines.scoring.engine import score_to_date

    path = tmp_path / "kpi.yml"
    path.write_text(CONFIG + EXCUSAL)
    period, rows, cards = score_to_date(inputs(as_of=dt.date(2026, 3, 11)), load_kpi_config(path))
    # 1-10 March, 10 of 31 days: the leads target (a count) is 100 × 10/31 = 32.26; CPL (a ratio) keeps its 20.
    assert (period.label, period.start, period.end) == ("2026-03", MAR, dt.date(2026, 3, 10))
    kpi = {(r["employee_id"], r["kpi"]): r for r in rows}
    assert kpi[("B", "leads")]["target"] == approx(100 * 10 / 31) and kpi[("B", "cpl")]["target"] == 20
    # B: leads 80 against 32.26 → capped 1.2 → 36; CPL 2000 / 80 = 25 → 20/25 = 0.8 → 40; no report yet →
    # re-normalized over 80%: 76 × 100 / 80 = 95 (good). A: CPL 16 → capped 60, leads 36, report 20, + 5 extra = 121.
    by_person = {c["employee_id"]: c for c in cards}
    assert (by_person["B"]["total"], by_person["B"]["grade"]) == (approx(95.0), "good")
    assert by_person["A"]["total"] == approx(121.0) and by_person["A"]["rank_in_team"] == 1
    assert score_to_date(inputs(as_of=dt.date(2026, 3, 1)), load_kpi_config(path)) == (None, [], [])


def test_a_card_with_less_than_half_its_due_weight_scored_is_not_graded(tmp_path):
    data = owning(inputs(), {"A": "google", "B": "bing"})
    data.error_issues = [GOOGLE_DROP]
    cards, _ = scored(tmp_path, data=data)  # the default min_scored_share: 0.5
    # A's February: CPL (50) and leads (30) blocked, only the report's 20 of 100 due scored: not graded.
    feb = cards[("2026-02", "A")]
    assert (feb["status"], feb["total"], feb["grade"]) == ("blocked", None, None)
    assert feb["note"].startswith("not graded: only 20% of the 100% due could be scored (kpi.yml min_scored_share "
                                  "50%); left out cpl (not scored: sessions_drop on google")
    # B's February: leads excused (not due from B), CPL 50 and report 20 scored: 70 of 70 due → graded.
    assert cards[("2026-02", "B")]["status"] == "scored"


def test_a_card_whose_every_kpi_is_touched_is_blocked(tmp_path):
    text = CONFIG.replace("          - {id: report, metric: manual.report_on_time, scope: self, target: 1, weight: 20, "
                          "category: process, rule: threshold}\n", "", 1)
    text = text.replace("weight: 50", "weight: 60").replace("weight: 30", "weight: 40")
    data = owning(inputs(), {"A": "google", "B": "bing"})
    data.error_issues = [GOOGLE_DROP]
    cards, _ = scored(tmp_path, text=text, data=data)
    assert cards[("2026-02", "A")]["status"] == "blocked" and cards[("2026-02", "A")]["total"] is None
    assert cards[("2026-02", "A")]["note"].startswith("every KPI is touched by an error-level tracking issue; not scored:")
    assert cards[("2026-02", "B")]["status"] == "scored"


def test_a_targets_file_sets_a_persons_target_from_a_date(tmp_path):
    from pipelines.scoring.config import TargetOverride

    data = inputs()
    data.targets = (TargetOverride("B", "leads", 80.0, FEB, "/x/targets.csv, line 2"),)
    cards, rows = scored(tmp_path, data=data)
    # January keeps the role's 100: B's 80 leads → 0.8 → 24 points, total 64 as before.
    assert cards[("2026-01", "B")]["total"] == approx(64.0)
    # From February the target is 80: March's 80 leads → 1.0 → 30; CPL 40; no report → (40 + 30) × 100 / 80.
    march = next(r for r in rows if r["period"] == "2026-03" and r["employee_id"] == "B" and r["kpi"] == "leads")
    assert (march["target"], march["points"]) == (80.0, approx(30.0))
    assert cards[("2026-03", "B")]["total"] == approx(87.5)


@pytest.mark.parametrize("target, message", [
    (("B", "lead", 80.0), "/x/targets.csv, line 2, column 'kpi': 'lead' is not a KPI of B's role sem (cpl, leads, report)"),
    (("Z", "leads", 80.0), "/x/targets.csv, line 2, column 'employee_id': 'Z' is not in the roster"),
])
def test_a_target_for_an_unknown_kpi_or_person_names_its_file_and_line(tmp_path, target, message):
    from pipelines.scoring.config import TargetOverride

    data = inputs()
    data.targets = (TargetOverride(*target, FEB, "/x/targets.csv, line 2"),)
    with pytest.raises(KpiConfigError) as err:
        scored(tmp_path, data=data)
    assert str(err.value) == message


ATTRIBUTED_CONFIG = CONFIG.replace(
    "{id: cpl, metric: cpl, scope: owned, target: 20, weight: 50, category: result}",
    "{id: cpl, metric: cpl, scope: owned, target: 20, weight: 50, category: result, attribution: linear}")


def test_a_kpi_naming_an_attribution_model_is_scored_on_its_credited_leads(tmp_path):
    data = inputs()
    # Under `linear`, A's owned rows in January are credited 125 leads (journeys that other channels
    # closed gave A's channels part of their credit): CPL 2000 / 125 = 16 on a target of 20 → 1.25, capped 1.2.
    data.by_model = {"linear": ({"A": {JAN: month_row(2000, 125)}, "B": {JAN: month_row(2000, 50)}}, {})}
    _, rows = scored(tmp_path, ATTRIBUTED_CONFIG, data)
    jan = {(r["employee_id"], r["kpi"]): r for r in rows if r["period"] == "2026-01"}
    assert (jan[("A", "cpl")]["actual"], jan[("A", "cpl")]["achievement"]) == (approx(16.0), approx(1.2))
    assert jan[("B", "cpl")]["actual"] == approx(40.0)  # 2000 / 50
    assert jan[("A", "leads")]["actual"] == approx(100.0)  # the leads KPI names no model: lead_source
    assert "credited by the linear attribution model" in jan[("A", "cpl")]["formula"]
    assert "按 linear 归因模型计入" in jan[("A", "cpl")]["formula_zh"]


@pytest.mark.parametrize("kpi, expected", [
    ("{id: x, metric: cpl, scope: owned, target: 20, weight: 50, category: result, attribution: markov}",
     "'markov' is not an attribution model (one of lead_source, first_touch"),
    ("{id: x, metric: lead_to_customer_rate, scope: owned, target: 0.1, weight: 50, category: result, attribution: linear}",
     "an attribution model applies to one channel metric that reads leads, revenue or new customers"),
    ("{id: x, metric: manual.report_on_time, scope: self, target: 1, weight: 50, category: result, attribution: linear}",
     "not 'manual.report_on_time'"),
])
def test_an_attribution_model_is_checked_when_kpi_yml_is_read(tmp_path, kpi, expected):
    text = CONFIG.replace("{id: cpl, metric: cpl, scope: owned, target: 20, weight: 50, category: result}", kpi)
    path = tmp_path / "kpi.yml"
    path.write_text(text)
    with pytest.raises(KpiConfigError, match=expected.replace("(", r"\(")):
        load_kpi_config(path)


PROFILE_CONFIG = """grades: {excellent: 108, good: 95, pass: 80, fail: 0}
pass_grade: pass
roles:
  content:
    versions:
      - effective_from: 2026-01-01
        kpis:
          - {id: growth, metric: follower_growth_rate, scope: accounts, target: 0.1, weight: 40, period: quarter, category: result}
          - {id: reads, metric: read_rate, scope: authored, target: 0.2, weight: 30, period: quarter, category: result}
          - {id: output, metric: content_output_per_week, scope: authored, target: 1, weight: 30, period: quarter, category: result}
"""


def test_content_and_social_kpis_over_a_quarter_sum_the_marts_parts(tmp_path):
    """The marts' monthly parts summed over the quarter; followers at the start are the first month's."""
    def social(month, account, start, new, lost):
        return {"month": month, "account": account, "followers_at_start": start, "new_followers": new,
                "lost_followers": lost}

    def content(month, items, rated, rate_sum):
        return {"month": month, "author": "A", "items": items, "rated_items": rated, "read_rate_sum": rate_sum}

    data = Inputs(
        as_of=dt.date(2026, 4, 5), employees=[Employee("A", "Ann", "content", "t", "roster.csv", 2)],
        ownership={"A": {"account": {"acc1", "acc2"}}}, owned_monthly={}, team_monthly={},
        content=[content(JAN, 4, 4, 0.8), content(MAR, 9, 6, 1.8)],
        social=[social(JAN, "acc1", 1000, 100, 20), social(FEB, "acc1", 1080, 50, 10),
                social(FEB, "acc2", 500, 30, 0)],  # acc2's first month is February: not in the quarter's start
        manual={}, first_month=JAN)
    _, rows = scored(tmp_path, PROFILE_CONFIG, data)
    q1 = {r["kpi"]: r["actual"] for r in rows if r["period"] == "2026-Q1"}
    assert q1["growth"] == approx((100 + 50 + 30 - 20 - 10 - 0) / 1000)  # 0.15
    assert q1["reads"] == approx((0.8 + 1.8) / (4 + 6))  # the items' read rates averaged: 0.26
    assert q1["output"] == approx((4 + 9) / (90 / 7))  # 13 items over Q1's 90 days

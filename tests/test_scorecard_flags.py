"""The flags HR acts on, worked out by hand over several months: a three-person team, a failing person
who is always in the top 3, a tie for first, a one-person team, and promotion over three quarters.

Every KPI here is one manual score with target 100, weight 100 and the default 1.2 cap, so a
person's total is the score entered (at most 120): the totals below are the entries."""

from __future__ import annotations

import datetime as dt

import pytest

from pipelines.scoring.config import KpiConfigError
from pipelines.scoring.kpi_yml import load_kpi_config
from pipelines.scoring.engine import score
from pipelines.scoring.flags import FLAGS, NAMES
from pipelines.scoring.inputs import Employee, Inputs
from tests.conftest import one_manual_kpi

CONFIG = one_manual_kpi("over_time: {reward_amount: 200, penalty_amount: 50}\n")

# Monthly totals. Team t: A, B, C; team u: D alone. April: A enters 130 (capped to 120) and ties B.
MONTHLY = {
    "A": ("t", [110, 112, 109, 130]),
    "B": ("t", [115, 100, 111, 120]),
    "C": ("t", [60, 85, 70, 64]),
    "D": ("u", [109, 109, 109, 109]),
}
MONTHS = ["2026-01", "2026-02", "2026-03", "2026-04"]


def run(tmp_path, entries: dict, people: dict, as_of: dt.date, config: str = CONFIG):
    path = tmp_path / "kpi.yml"
    path.write_text(config)
    data = Inputs(
        as_of=as_of,
        employees=[Employee(e, e, "rep", team, "roster.csv", i + 2) for i, (e, team) in enumerate(people.items())],
        ownership={}, owned_monthly={}, team_monthly={}, content=[], social=[],
        manual={key: [(float(value), None)] for key, value in entries.items()},
        first_month=dt.date(2026, 1, 1),
    )
    _, cards, raised = score(data, load_kpi_config(path))
    return {(c["period"], c["employee_id"]): c for c in cards}, raised


def monthly(tmp_path):
    entries = {(m, e, "score"): v for e, (_, values) in MONTHLY.items() for m, v in zip(MONTHS, values)}
    return run(tmp_path, entries, {e: team for e, (team, _) in MONTHLY.items()}, dt.date(2026, 5, 5))


def flagged(cards, person, flag) -> list[bool]:
    return [cards[(m, person)][flag] for m in MONTHS]


def test_totals_and_ranks_are_the_entries(tmp_path):
    cards, _ = monthly(tmp_path)
    assert [cards[(m, "A")]["total"] for m in MONTHS] == pytest.approx([110, 112, 109, 120])
    # Team t ranks: Jan B, A, C; Feb A, B, C; Mar B, A, C; Apr A and B tie for first, C third.
    assert [(cards[(m, "A")]["rank_in_team"], cards[(m, "B")]["rank_in_team"], cards[(m, "C")]["rank_in_team"])
            for m in MONTHS] == [(2, 1, 3), (1, 2, 3), (2, 1, 3), (1, 1, 3)]


def test_outstanding_needs_the_top_three_with_an_excellent_grade_three_months_running(tmp_path):
    cards, raised = monthly(tmp_path)
    # A: top 3 and >= 108 in Jan, Feb, Mar → outstanding in March; still so in April (Feb-Apr).
    assert flagged(cards, "A", "outstanding_employee") == [False, False, True, True]
    # B: 100 in February (good, not excellent) breaks the run; Mar and Apr make only two.
    assert not any(flagged(cards, "B", "outstanding_employee"))
    # C is in the top 3 of a team of three every month but never excellent: never outstanding.
    assert not any(flagged(cards, "C", "outstanding_employee"))
    rows = [(r["period"], r["earned_in"]) for r in raised if r["employee_id"] == "A" and r["flag"] == "outstanding_employee"]
    assert rows == [("2026-03", "2026-01, 2026-02, 2026-03"), ("2026-04", "2026-02, 2026-03, 2026-04")]


def test_below_the_pass_line_and_below_90(tmp_path):
    cards, raised = monthly(tmp_path)
    # C: 60 (below 80), 85 (passes: the run resets), 70, 64 → warning (2 in a row) in April only.
    assert [cards[(m, "C")]["months_below_pass"] for m in MONTHS] == [1, 0, 1, 2]
    assert flagged(cards, "C", "warning") == [False, False, False, True]
    assert not any(flagged(cards, "C", "bonus_eligibility_lost"))  # never 3 in a row below 80
    # Below 90 all four months: dismissal review from the third (March), then again in April.
    assert flagged(cards, "C", "dismissal_review") == [False, False, True, True]
    assert [r["earned_in"] for r in raised if r["flag"] == "dismissal_review"] == [
        "2026-01, 2026-02, 2026-03", "2026-02, 2026-03, 2026-04"]
    assert not any(any(flagged(cards, p, f)) for p in "ABD" for f in ("warning", "dismissal_review"))


def test_monthly_reward_penalty_and_cash_prize_with_amounts(tmp_path):
    cards, raised = monthly(tmp_path)
    # Reward above 108 (200 each, kpi.yml): A every month; B in Jan (115), Mar (111), Apr (120), not Feb (100);
    # D's 109 every month.
    assert flagged(cards, "A", "reward") == [True] * 4
    assert flagged(cards, "B", "reward") == [True, False, True, True]
    assert flagged(cards, "D", "reward") == [True] * 4
    # Penalty below 65 (50 each): C's 60 in January and 64 in April; 70 in March is not below 65.
    assert flagged(cards, "C", "penalty") == [True, False, False, True]
    # Cash prize for the team's #1: B, A, B, then A and B tied in April; D is alone in team u: none.
    assert flagged(cards, "A", "cash_prize") == [False, True, False, True]
    assert flagged(cards, "B", "cash_prize") == [True, False, True, True]
    assert not any(flagged(cards, "D", "cash_prize"))
    money = {}
    for r in raised:
        if r["amount"] is not None:
            money[r["flag"]] = money.get(r["flag"], 0) + r["amount"]
    # Rewards: 4 (A) + 3 (B) + 4 (D) = 11 × 200; penalties 2 × 50; cash prizes 5 × 100 (the default).
    assert money == {"reward": 2200.0, "penalty": 100.0, "cash_prize": 500.0}
    assert {r["earned_in"] for r in raised if r["flag"] in ("reward", "penalty", "cash_prize")} == set(MONTHS)


def test_the_card_flags_and_the_flag_rows_agree(tmp_path):
    cards, raised = monthly(tmp_path)
    on_cards = {(c["period"], c["employee_id"], f) for c in cards.values() for f in NAMES if c[f]}
    assert on_cards == {(r["period"], r["employee_id"], r["flag"]) for r in raised}
    assert set(NAMES) == {f.name for f in FLAGS} and len(NAMES) == len(set(NAMES))


QUARTERS = ["2026-Q1", "2026-Q2", "2026-Q3"]
# Team big (5 people): P1 first every quarter (tied with P2 in Q2); team small (2): S1 first with 118.
QUARTERLY = {
    "P1": ("big", [112, 105, 96]), "P2": ("big", [100, 105, 90]), "P3": ("big", [90, 80, 85]),
    "P4": ("big", [85, 70, 80]), "P5": ("big", [70, 60, 75]),
    "S1": ("small", [118, 118, 118]), "S2": ("small", [90, 90, 90]),
}


def quarterly(tmp_path, settings: str = ""):
    config = CONFIG.replace("over_time: {", "over_time: {" + settings)
    entries = {(q, e, "score"): v for e, (_, values) in QUARTERLY.items() for q, v in zip(QUARTERS, values)}
    cards, _ = run(tmp_path, entries, {e: team for e, (team, _) in QUARTERLY.items()}, dt.date(2026, 10, 5), config)
    return {e: [cards[(q, e)]["promotion_eligible"] for q in QUARTERS] for e in QUARTERLY}


def test_promotion_needs_the_top_fifth_of_a_big_enough_team_with_a_good_grade(tmp_path):
    # Top 20% of 5 = ceil(1.0) = rank 1. P1: rank 1 in Q1 (112), Q2 (105, tied with P2), Q3 (96 >= 95 good)
    # → eligible in Q3. P2 is rank 2 in Q1: no. S1 is first in a team of two (below the minimum of 5): no.
    eligible = quarterly(tmp_path)
    assert eligible["P1"] == [False, False, True]
    assert not any(any(v) for e, v in eligible.items() if e != "P1")


def test_promotion_settings_change_who_is_eligible(tmp_path):
    # A team minimum of 2 lets S1 in (top 20% of 2 = rank 1, 118 each quarter).
    assert quarterly(tmp_path, "promotion_min_team_size: 2, ")["S1"] == [False, False, True]
    # An excellent minimum keeps P1 out: 96 in Q3 is only good.
    assert not any(quarterly(tmp_path, "promotion_min_grade: excellent, ")["P1"])


@pytest.mark.parametrize("setting, message", [
    ("promotion_min_grade: superb", "over_time.promotion_min_grade: 'superb' is not one of the grades"),
    ("outstanding_months: 2.5", "over_time.outstanding_months: 2.5 is not a whole number of 1 or more"),
    ("promotion_top_share: 20", "over_time.promotion_top_share: 20 is not a share between 0 and 1"),
    ("cash_prize_amount: -5", "over_time.cash_prize_amount: -5 is negative"),
    ("reward_above: high", "over_time.reward_above: 'high' is not a number"),
])
def test_bad_over_time_settings_name_the_line_and_key(tmp_path, setting, message):
    path = tmp_path / "kpi.yml"
    path.write_text(CONFIG.replace("over_time: {", "over_time: {" + setting + ", "))
    with pytest.raises(KpiConfigError) as err:
        load_kpi_config(path)
    assert str(err.value).startswith(f"{path}, line 3,") and message in str(err.value)

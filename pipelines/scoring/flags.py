"""Rules over time: the flags HR acts on, which periods earned each, and what a flag pays or costs.

One registry: the scorecard's flag columns, the `scorecard_flags` rows, the report's labels, `mkpi
explain` and the docs all read `FLAGS`. A flag holds when the person's last `streak` scored periods of
its type in a row each qualify; unscored periods (blocked, no data) neither break nor extend a streak.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Callable

COUNT, NUMBER, SHARE, AMOUNT, GRADE = "count", "number", "share", "amount", "grade"

# kpi.yml `over_time`: setting → (default, kind). Defaults from the team's assessment documents.
SETTINGS = {
    "warning_after_months_below_pass": (2, COUNT),
    "bonus_lost_after_months_below_pass": (3, COUNT),
    "dismissal_review_below": (90, NUMBER),
    "dismissal_review_after_months": (3, COUNT),
    "reward_above": (108, NUMBER),
    "reward_amount": (100, AMOUNT),  # the documents: 50-200 a month, the lead's choice
    "penalty_below": (65, NUMBER),
    "penalty_amount": (100, AMOUNT),
    "cash_prize_amount": (100, AMOUNT),
    "cash_prize_min_team_size": (2, COUNT),
    "outstanding_top_n": (3, COUNT),
    "outstanding_months": (3, COUNT),
    "outstanding_min_grade": ("excellent", GRADE),
    "promotion_top_share": (0.2, SHARE),
    "promotion_quarters": (3, COUNT),
    "promotion_min_grade": ("good", GRADE),
    "promotion_min_team_size": (5, COUNT),
}
DEFAULTS = {name: default for name, (default, _) in SETTINGS.items()}


@dataclass(frozen=True)
class Context:
    """What a rule sees of one scored card: the card, its team's scored size, the config's settings and grades."""
    card: dict
    team_size: int
    settings: dict
    grade_minimum: Callable[[str], float]
    pass_line: float


@dataclass(frozen=True)
class Flag:
    name: str  # the scorecard column and `scorecard_flags.flag`
    period_type: str  # month | quarter
    label_en: str
    label_zh: str
    meaning: str  # with the settings' names, for yml and docs
    qualifies: Callable[[Context], bool]
    streak: Callable[[dict], int]
    amount_setting: str | None = None
    deducted: bool = False  # the amount is taken from the person (a penalty), not paid


def _below(setting: str) -> Callable[[Context], bool]:
    return lambda x: x.card["total"] < x.settings[setting]


def _below_pass(x: Context) -> bool:
    return x.card["total"] < x.pass_line


def _top_with_grade(x: Context) -> bool:
    return (x.card["rank_in_team"] <= x.settings["outstanding_top_n"]
            and x.card["total"] >= x.grade_minimum(x.settings["outstanding_min_grade"]))


def _promotion(x: Context) -> bool:
    cutoff = math.ceil(x.settings["promotion_top_share"] * x.team_size)
    return (x.team_size >= x.settings["promotion_min_team_size"] and x.card["rank_in_team"] <= cutoff
            and x.card["total"] >= x.grade_minimum(x.settings["promotion_min_grade"]))


def _one(_: dict) -> int:
    return 1


FLAGS: tuple[Flag, ...] = (
    Flag("warning", "month", "warning", "预警",
         "Below the pass line for warning_after_months_below_pass months in a row.",
         _below_pass, lambda s: s["warning_after_months_below_pass"]),
    Flag("bonus_eligibility_lost", "month", "year-end bonus eligibility lost", "取消年终奖资格",
         "Below the pass line for bonus_lost_after_months_below_pass months in a row.",
         _below_pass, lambda s: s["bonus_lost_after_months_below_pass"]),
    Flag("dismissal_review", "month", "dismissal review", "解聘评估",
         "Below dismissal_review_below for dismissal_review_after_months months in a row.",
         _below("dismissal_review_below"), lambda s: s["dismissal_review_after_months"]),
    Flag("reward", "month", "monthly reward", "月度奖励",
         "The month's total is above reward_above; pays reward_amount.",
         lambda x: x.card["total"] > x.settings["reward_above"], _one, "reward_amount"),
    Flag("penalty", "month", "monthly penalty", "月度惩处",
         "The month's total is below penalty_below; costs penalty_amount.",
         _below("penalty_below"), _one, "penalty_amount", deducted=True),
    Flag("cash_prize", "month", "team's #1 of the month", "月度第一名奖金",
         "First in the team for the month (ties share it), in a team of at least cash_prize_min_team_size "
         "scored people; pays cash_prize_amount.",
         lambda x: x.card["rank_in_team"] == 1 and x.team_size >= x.settings["cash_prize_min_team_size"],
         _one, "cash_prize_amount"),
    Flag("outstanding_employee", "month", "outstanding employee", "优秀员工",
         "In the team's top outstanding_top_n with at least grade outstanding_min_grade for outstanding_months "
         "months in a row.",
         _top_with_grade, lambda s: s["outstanding_months"]),
    Flag("promotion_eligible", "quarter", "promotion or training eligible", "晋升/培训资格",
         "In the team's top promotion_top_share (of at least promotion_min_team_size scored people) with at least "
         "grade promotion_min_grade for promotion_quarters quarters in a row.",
         _promotion, lambda s: s["promotion_quarters"]),
)
NAMES = tuple(f.name for f in FLAGS)


def apply(cards: list[dict], settings: dict, grade_minimum: Callable[[str], float], pass_line: float) -> list[dict]:
    """Set every card's flag columns and `months_below_pass`; return one row per flag raised, naming
    the periods that earned it."""
    team_sizes = defaultdict(int)
    for c in cards:
        c.update({name: False for name in NAMES}, months_below_pass=0)
        if c["total"] is not None:
            team_sizes[(c["period"], c["team"])] += 1
    history = defaultdict(list)
    for c in sorted(cards, key=lambda c: c["period_start"]):
        history[(c["employee_id"], c["period_type"])].append(c)
    raised = []
    for (_, period_type), person_cards in history.items():
        contexts = [Context(c, team_sizes[(c["period"], c["team"])], settings, grade_minimum, pass_line)
                    for c in person_cards if c["total"] is not None]
        for flag in (f for f in FLAGS if f.period_type == period_type):
            raised += _streaks(flag, contexts, settings)
        if period_type == "month":
            below = 0
            for x in contexts:
                below = below + 1 if _below_pass(x) else 0
                x.card["months_below_pass"] = below
    return raised


def _streaks(flag: Flag, contexts: list[Context], settings: dict) -> list[dict]:
    """`contexts`: one person's scored cards of the flag's period type, oldest first."""
    needed, run, raised = flag.streak(settings), [], []
    for context in contexts:
        run = run + [context.card["period"]] if flag.qualifies(context) else []
        if len(run) >= needed:
            context.card[flag.name] = True
            raised.append(_row(flag, context.card, run[-needed:], settings))
    return raised


def _row(flag: Flag, card: dict, earned_in: list[str], settings: dict) -> dict:
    return {
        "period": card["period"], "period_type": card["period_type"], "period_start": card["period_start"],
        "period_status": card.get("period_status"), "employee_id": card["employee_id"], "name": card["name"], "role": card["role"], "team": card["team"],
        "flag": flag.name, "earned_in": ", ".join(earned_in),
        "amount": float(settings[flag.amount_setting]) if flag.amount_setting else None, "rule": flag.meaning,
    }

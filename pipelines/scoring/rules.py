"""The arithmetic of a scorecard, as pure functions: achievement, points, re-normalization, grades.

Weights are percentages (30 = 30% of the score). With every KPI on target a person scores 100;
the default cap of 1.2 on achievement makes 120 the ceiling.
"""

from __future__ import annotations

from dataclasses import dataclass

HIGHER, LOWER = "higher", "lower"
LINEAR, THRESHOLD, BANDS = "linear", "threshold", "bands"


@dataclass(frozen=True)
class Band:
    min_achievement: float
    share: float  # of the KPI's weight earned at or above min_achievement


def achievement(actual: float, target: float, direction: str, cap: float) -> float:
    """actual / target when higher is better, target / actual when lower is better; 0 … cap."""
    if direction == HIGHER:
        ratio = actual / target if target else cap
    elif actual <= 0:  # lower is better and nothing was spent per lead: as good as it gets
        ratio = cap
    else:
        ratio = target / actual
    return max(0.0, min(cap, ratio))


def target_met(actual: float, target: float, direction: str) -> bool:
    return actual >= target if direction == HIGHER else actual <= target


def points(rule: str, weight: float, actual: float, target: float, direction: str, cap: float,
           bands: tuple[Band, ...] = ()) -> tuple[float, float]:
    """(achievement, points) of one KPI with data."""
    ach = achievement(actual, target, direction, cap)
    return ach, scaled(rule, weight, ach, target_met(actual, target, direction), bands)


def scaled(rule: str, weight: float, ach: float, met: bool, bands: tuple[Band, ...] = ()) -> float:
    """Points from an achievement: weight × achievement (linear), all or nothing on `met` (threshold),
    or weight × the share of the highest band reached (bands)."""
    if rule == LINEAR:
        return weight * ach
    if rule == THRESHOLD:
        return weight if met else 0.0
    return weight * max((b.share for b in bands if ach >= b.min_achievement), default=0.0)


def renormalized(points_by_kpi: dict[str, float], weights: dict[str, float], scored: set[str]) -> dict[str, float]:
    """Points of the KPIs that were scored, scaled so their weights count as the whole 100%.

    KPIs without data, excused or not due this period drop out; the rest keep their relative weight.
    """
    available = sum(weights[k] for k in scored)
    if available == 0:
        return {}
    return {k: points_by_kpi[k] * 100.0 / available for k in scored}


def grade(total: float, bands: list[tuple[float, str]]) -> str:
    """The first band (highest minimum first) whose minimum the total reaches."""
    for minimum, name in sorted(bands, reverse=True):
        if total >= minimum:
            return name
    return sorted(bands)[0][1]

"""Scoring arithmetic on numbers worked out by hand."""

import pytest
from pytest import approx

from pipelines.scoring.rules import BANDS, HIGHER, LINEAR, LOWER, THRESHOLD, Band, achievement, grade, points, renormalized

GRADES = [(108, "excellent"), (95, "good"), (80, "pass"), (0, "fail")]


def test_linear_higher_is_better():
    # read rate 12% against a 15% target, weight 30: achievement 0.8, 24 points
    assert points(LINEAR, 30, 0.12, 0.15, HIGHER, 1.2) == (approx(0.8), approx(24.0))


def test_linear_is_capped():
    # 30% against 15%: achievement 2.0, capped at 1.2 → 36 of 30 points
    assert points(LINEAR, 30, 0.30, 0.15, HIGHER, 1.2) == (approx(1.2), approx(36.0))
    assert points(LINEAR, 30, 0.30, 0.15, HIGHER, 1.0) == (approx(1.0), approx(30.0))


def test_linear_lower_is_better_cpl():
    # CPL 6.25 against a target of 5: achievement 5 / 6.25 = 0.8 → 0.8 × 25 = 20 points
    assert points(LINEAR, 25, 6.25, 5.0, LOWER, 1.2) == (approx(0.8), approx(20.0))
    # CPL 4 against 5: 1.25, capped at 1.2 → 30 points
    assert points(LINEAR, 25, 4.0, 5.0, LOWER, 1.2) == (approx(1.2), approx(30.0))
    assert achievement(0.0, 5.0, LOWER, 1.2) == 1.2  # no cost at all


def test_threshold_is_all_or_nothing():
    assert points(THRESHOLD, 20, 1.0, 1.0, HIGHER, 1.2)[1] == 20  # report on time 100%
    assert points(THRESHOLD, 20, 0.99, 1.0, HIGHER, 1.2)[1] == 0
    assert points(THRESHOLD, 20, 5.0, 5.0, LOWER, 1.2)[1] == 20
    assert points(THRESHOLD, 20, 5.01, 5.0, LOWER, 1.2)[1] == 0


def test_bands_are_steps_of_the_weight():
    bands = (Band(1.0, 1.0), Band(0.8, 0.6), Band(0.5, 0.3))
    assert points(BANDS, 20, 2, 3, HIGHER, 1.2, bands)[1] == approx(20 * 0.3)  # 2 of 3 proposals: 0.667
    assert points(BANDS, 20, 2.5, 3, HIGHER, 1.2, bands)[1] == approx(20 * 0.6)  # 0.833
    assert points(BANDS, 20, 3, 3, HIGHER, 1.2, bands)[1] == approx(20.0)
    assert points(BANDS, 20, 1, 3, HIGHER, 1.2, bands)[1] == 0.0  # 0.333: below every band


def test_renormalization_when_a_kpi_has_no_data():
    # Weights 30/20/50; the 50-point KPI has no data. 24 + 20 = 44 points of 50 available → 88.
    scored = renormalized({"a": 24.0, "b": 20.0}, {"a": 30, "b": 20, "c": 50}, {"a", "b"})
    assert scored == {"a": approx(48.0), "b": approx(40.0)}
    assert sum(scored.values()) == approx(88.0)
    assert renormalized({}, {"a": 100}, set()) == {}


def test_grade_bands():
    assert [grade(t, GRADES) for t in (120, 108, 107.99, 95, 80, 79.9, 0)] == [
        "excellent", "excellent", "good", "good", "pass", "fail", "fail"]


def test_period_labels():
    import datetime as dt

    from pipelines.scoring.periods import parse

    october, q4 = parse("2026-10"), parse("2026-Q4")
    assert (october.start, october.end, october.type) == (dt.date(2026, 10, 1), dt.date(2026, 10, 31), "month")
    assert (q4.start, q4.end, q4.label) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31), "2026-Q4")
    year = parse("2026")
    assert (year.start, year.end, year.type, len(year.months)) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31), "year", 12)
    for bad in ("2026-13", "2026-Q5", "26-10", "2026-10); DROP TABLE x"):
        with pytest.raises(ValueError, match="is not a period like 2026-10, 2026-Q4 or 2026"):
            parse(bad)

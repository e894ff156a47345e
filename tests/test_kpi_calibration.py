"""Calibration worked out by hand: a mixed KPI (the online-marketing specialist's "advertising" block of CTR,
CPL and ROI), a lead's KPI swap for one person and one month, a person's own weights, a yearly capability
KPI, and the one-line errors for each when kpi.yml is wrong."""

from __future__ import annotations

import datetime as dt

import pytest
from pytest import approx

from pipelines.scoring.config import KpiConfigError
from pipelines.scoring.kpi_yml import load_kpi_config
from pipelines.scoring.engine import score
from pipelines.scoring.inputs import Employee, Inputs
from pipelines.scoring.metrics import MEASURES
from tests.conftest import role_yml

ROLE = role_yml("online_marketing", """          - {id: sales, metric: revenue, scope: owned, target: 1000, weight: 50, category: result}
          - id: advertising
            scope: owned
            weight: 30
            category: result
            metrics:
              - {metric: ctr, target: 0.02}
              - {metric: cpl, target: 20}
              - {metric: roi, target: 1, share: 2}
          - {id: care, metric: manual.care, scope: self, target: 5, weight: 20, category: process}
""")
SWAP = """kpi_swaps:
  - employee_id: A
    period: 2026-01
    replace: care
    with: {id: events, metric: manual.events, scope: self, target: 2}
    reason: no customers to follow up during the system migration
"""
OWN_WEIGHTS = """weight_overrides:
  - employee_id: B
    effective_from: 2026-01-01
    weights: {sales: 30, advertising: 30, care: 40}
    reason: B also runs customer care for the team
"""
JAN, FEB = dt.date(2026, 1, 1), dt.date(2026, 2, 1)


def month(**values) -> dict:
    return {**{m: 0.0 for m in MEASURES}, **values, "covered": "google/cpc"}


# January: CTR 300 / 10000 = 0.03, CPL 1000 / 40 = 25, ROI (1500 - 1000) / 1000 = 0.5, revenue 1500.
# February: no impressions (CTR has no data), CPL 1000 / 50 = 20, ROI (2000 - 1000) / 1000 = 1, revenue 2000.
OWNED = {JAN: month(spend=1000, impressions=10000, clicks=300, leads=40, revenue=1500),
         FEB: month(spend=1000, leads=50, revenue=2000)}


def scored(tmp_path, text: str, as_of=dt.date(2026, 3, 1)):
    path = tmp_path / "kpi.yml"
    path.write_text(text)
    manual = {("2026-01", e, "care"): [(4.0, None)] for e in "AB"}
    manual |= {("2026-02", e, "care"): [(5.0, None)] for e in "AB"}
    manual[("2026-01", "A", "events")] = [(3.0, None)]
    data = Inputs(as_of=as_of, employees=[Employee(e, e, "online_marketing", "t", "roster.csv", 2) for e in "AB"],
                  ownership={}, owned_monthly={"A": OWNED, "B": OWNED}, team_monthly={}, content=[], social=[],
                  manual=manual, first_month=JAN)
    kpi_rows, cards, _ = score(data, load_kpi_config(path))
    return ({(c["period"], c["employee_id"]): c for c in cards},
            {(r["period"], r["employee_id"], r["kpi"]): r for r in kpi_rows})


def test_a_mixed_kpi_averages_its_parts_achievements_by_share(tmp_path):
    cards, rows = scored(tmp_path, ROLE)
    ad = rows[("2026-01", "A", "advertising")]
    # CTR 0.03 / 0.02 = 1.5 → cap 1.2; CPL lower is better: 20 / 25 = 0.8; ROI 0.5 / 1 = 0.5 with share 2:
    # (1.2 + 0.8 + 2 × 0.5) / 4 = 0.75 → 30 × 0.75 = 22.5 points.
    assert (ad["metric"], ad["target"], ad["actual"]) == ("ctr + cpl + roi", None, None)
    assert (ad["achievement"], ad["points"]) == (approx(0.75), approx(22.5))
    # Sales 1500 / 1000 → cap 1.2 → 60; care 4 / 5 → 16. Total 60 + 22.5 + 16 = 98.5.
    assert cards[("2026-01", "A")]["total"] == approx(98.5)
    # February: CTR has no data and drops out of the average: (1 × 1.0 + 2 × 1.0) / 3 = 1.0 → 30.
    feb = rows[("2026-02", "A", "advertising")]
    assert (feb["achievement"], feb["points"]) == (approx(1.0), approx(30.0)) and "ctr: no data" in feb["formula"]


def test_a_swap_measures_one_person_by_another_kpi_for_one_period(tmp_path):
    cards, rows = scored(tmp_path, ROLE + SWAP)
    events = rows[("2026-01", "A", "events")]
    # Events 3 / 2 → cap 1.2, at care's weight 20 → 24; A's January: 60 + 22.5 + 24 = 106.5.
    assert (events["weight"], events["category"], events["points"]) == (20.0, "process", approx(24.0))
    assert (events["calibration"], events["calibration_reason"]) == (
        "swapped", "no customers to follow up during the system migration (in place of care)")
    assert ("2026-01", "A", "care") not in rows and cards[("2026-01", "A")]["total"] == approx(106.5)
    # Only A, only January.
    assert rows[("2026-02", "A", "care")]["calibration"] is None and ("2026-01", "B", "care") in rows


def test_own_weights_change_how_much_each_kpi_counts(tmp_path):
    cards, rows = scored(tmp_path, ROLE + OWN_WEIGHTS)
    # B's January with 30 / 30 / 40: sales 30 × 1.2 = 36, advertising 30 × 0.75 = 22.5, care 40 × 0.8 = 32: 90.5.
    assert cards[("2026-01", "B")]["total"] == approx(90.5)
    assert (rows[("2026-01", "B", "care")]["calibration"], rows[("2026-01", "B", "care")]["calibration_reason"]) == (
        "own_weights", "B also runs customer care for the team")
    assert cards[("2026-01", "A")]["total"] == approx(98.5)  # A keeps the role's weights


def test_own_weights_that_no_longer_match_the_role_name_their_line(tmp_path):
    later = ROLE + """      - effective_from: 2026-02-01
        kpis:
          - {id: sales, metric: revenue, scope: owned, target: 1000, weight: 80, category: result}
          - {id: care, metric: manual.care, scope: self, target: 5, weight: 20, category: process}
"""
    with pytest.raises(KpiConfigError) as err:
        scored(tmp_path, later + OWN_WEIGHTS)
    assert str(err.value).startswith(f"{tmp_path / 'kpi.yml'}, line 23, weight_overrides[0]: weights for B name "
                                     "advertising, care, sales, but the role's KPIs for 2026-02 are care, sales")


YEARLY = role_yml("analyst", """          - {id: report, metric: manual.report, scope: self, target: 1, weight: 70, category: process, rule: threshold}
          - {id: capability, metric: manual.capability, scope: self, target: 5, weight: 30, category: capability, period: year}
""")


def test_a_yearly_capability_kpi_is_scored_in_the_year_card_only(tmp_path):
    path = tmp_path / "kpi.yml"
    path.write_text(YEARLY)
    manual = {(f"2026-{m:02d}", "A", "report"): [(1.0, None)] for m in range(1, 13)}
    manual[("2026", "A", "capability")] = [(4.0, None)]
    data = Inputs(as_of=dt.date(2027, 1, 6), employees=[Employee("A", "A", "analyst", "t", "roster.csv", 2)],
                  ownership={}, owned_monthly={}, team_monthly={}, content=[], social=[], manual=manual,
                  first_month=JAN)
    kpi_rows, cards, _ = score(data, load_kpi_config(path))
    status = {(r["period"], r["kpi"]): r["data_status"] for r in kpi_rows}
    assert status[("2026-03", "capability")] == status[("2026-Q1", "capability")] == "not_due"
    year = next(c for c in cards if c["period"] == "2026")
    # Report on time every month: the year's average entry 1 meets the target → 70; capability 4 / 5 → 30 × 0.8
    # = 24. 94: pass. The months and quarters score the report alone, re-normalized: 100.
    assert (year["period_type"], year["total"], year["grade"]) == ("year", approx(94.0), "pass")
    assert all(c["total"] == approx(100.0) for c in cards if c["period_type"] != "year")


@pytest.mark.parametrize("extra, line, message", [
    ("kpi_swaps:\n  - {employee_id: A, period: 2026-01, replace: care, reason: x,\n"
     "     with: {id: e, metric: manual.e, scope: self, target: 2, weight: 50}}\n",
     20, "a swapped-in KPI keeps the weight of the KPI it replaces"),
    ("kpi_swaps:\n  - {employee_id: A, period: 2026-01, replace: care, with: {id: e, metric: manual.e, scope: self, "
     "target: 2}}\n", 19, "a calibration needs a reason, which stays on record"),
    ("kpi_swaps:\n  - {employee_id: A, period: January, replace: care, reason: x, with: {id: e, metric: manual.e, "
     "scope: self, target: 2}}\n", 19, "'January' is not a period like 2026-10, 2026-Q4 or 2026"),
    ("weight_overrides:\n  - {employee_id: B, effective_from: 2026-01-01, reason: x,\n"
     "     weights: {sales: 30, advertising: 30, care: 30}}\n", 20, "the weights add up to 90%, not 100%"),
    ("weight_overrides:\n  - {employee_id: B, effective_from: 2026-01-01, reason: x,\n"
     "     weights: {sale: 30, advertising: 30, care: 40}}\n", 20, "'sale' is not a KPI of any role"),
])
def test_bad_calibrations_name_file_line_and_key(tmp_path, extra, line, message):
    path = tmp_path / "kpi.yml"
    path.write_text(ROLE + extra)
    with pytest.raises(KpiConfigError) as err:
        load_kpi_config(path)
    assert str(err.value).startswith(f"{path}, line {line},") and message in str(err.value), str(err.value)


@pytest.mark.parametrize("part, message", [
    ("metrics: [{metric: ctr, target: 0.02}]", "a mixed KPI needs two metrics or more"),
    ("metrics: [{metric: ctr, target: 0.02}, {metric: clickthrough, target: 1}]", "unknown metric 'clickthrough'"),
    ("metrics: [{metric: ctr, target: 0.02}, {metric: read_rate, target: 1}]", "scope 'owned' does not fit metric 'read_rate'"),
    ("metrics: [{metric: ctr, target: 0.02}, {metric: roi, target: 1, share: 0}]", "share 0 must be above 0"),
    ("metric: roi\n            metrics: [{metric: ctr, target: 0.02}, {metric: roi, target: 1}]",
     "a mixed KPI has 'metrics' (each with its target), not 'metric'"),
])
def test_bad_mixed_kpis_name_their_line(tmp_path, part, message):
    path = tmp_path / "kpi.yml"
    text = ROLE.replace("""            metrics:
              - {metric: ctr, target: 0.02}
              - {metric: cpl, target: 20}
              - {metric: roi, target: 1, share: 2}""", "            " + part)
    path.write_text(text)
    with pytest.raises(KpiConfigError) as err:
        load_kpi_config(path)
    assert str(err.value).startswith(f"{path}, line ") and message in str(err.value), str(err.value)

"""Incentive tables on numbers worked out by hand."""

import datetime as dt

from pytest import approx

from pipelines.scoring.config import Incentives
from pipelines.scoring.incentives import bonus_pool, budget_suggestions, profit_share
from pipelines.scoring.inputs import MEASURES, Inputs

OCT, NOV = dt.date(2026, 10, 1), dt.date(2026, 11, 1)


def sums(spend, leads, revenue=0.0):
    return {**{m: 0.0 for m in MEASURES}, "spend": spend, "leads": leads, "revenue": revenue}


def inputs():
    return Inputs(as_of=dt.date(2027, 1, 2), employees=[], ownership={}, owned_monthly={},
                  team_monthly={OCT: sums(1500, 100, 9000), NOV: sums(2500, 100, 12000)},
                  content=[], social=[], manual={}, first_month=OCT,
                  channel_monthly={"google": {OCT: sums(1000, 50)}, "baidu": {OCT: sums(500, 50)}, "email": {OCT: sums(0, 10)}})


def test_bonus_pool_is_a_fifth_of_positive_savings():
    rows = {r["period"]: r for r in bonus_pool(inputs(), Incentives(target_cpl=20, bonus_pool_share=0.2))}
    # October: CPL 15 on a 20 target, 100 leads → 500 saved → pool 100. November: CPL 25 → no savings, no pool.
    assert (rows["2026-10"]["savings"], rows["2026-10"]["bonus_pool"]) == (approx(500.0), approx(100.0))
    assert (rows["2026-11"]["savings"], rows["2026-11"]["bonus_pool"]) == (0.0, 0.0)


def test_profit_share_above_the_annual_target():
    (row,) = profit_share(inputs(), Incentives(profit_share=0.1, annual_profit_targets={"2026": 15000}))
    # Revenue 21000 − spend 4000 = 17000 profit; 2000 above the 15000 target → 10% = 200; the year is over.
    assert (row["profit"], row["above_target"], row["profit_share"], row["status"]) == (17000, 2000, approx(200.0), "to approve")


def test_cheaper_leads_get_a_bigger_budget_share():
    rows = {r["channel"]: r for r in budget_suggestions(inputs(), inputs().channel_monthly) if r["period"] == "2026-10"}
    # google CPL 20, baidu CPL 10: shares ∝ 1/20 and 1/10 → 1/3 and 2/3. Email has no spend: not budgeted.
    assert set(rows) == {"google", "baidu"}
    assert rows["google"]["suggested_share"] == approx(1 / 3) and rows["baidu"]["suggested_share"] == approx(2 / 3)
    assert rows["google"]["current_share"] == approx(2 / 3)

"""Incentive tables on numbers worked out by hand."""

import datetime as dt

from pytest import approx

from pipelines.scoring.config import Incentives
from pipelines.scoring.incentives import bonus_pool, budget_suggestions, profit_share
from pipelines.scoring.inputs import Inputs
from pipelines.scoring.metrics import MEASURES

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


def test_team_commission_holds_half_back_and_tiers_the_profit_above_target():
    from pipelines.scoring.config import Tier
    from pipelines.scoring.incentives import team_commission

    data = inputs()
    data.first_month = dt.date(2026, 1, 1)
    data.team_monthly = {dt.date(2026, m, 1): sums(1000, 10, 1000) for m in range(1, 13)}  # no profit
    data.team_monthly[OCT] = sums(1500, 100, 9000)  # net profit 7500
    data.team_monthly[NOV] = sums(2500, 100, 15500)  # net profit 13000
    data.team_monthly[dt.date(2026, 12, 1)] = sums(3000, 10, 1000)  # a loss: no commission, nothing negative
    tiers = (Tier(1.0, 0.02), Tier(1.5, 0.05))
    rows = {r["period"]: r for r in team_commission(data, Incentives(commission_share=0.05, commission_hold_back=0.5,
                                                                   monthly_profit_target=6000, commission_tiers=tiers))}
    # October: 5% of 7500 = 375; tiers: 2% of (7500 - 6000) = 30 (the 1.5× tier starts at 9000) → 405,
    # half paid with the month (202.50), half held (202.50).
    october = rows["2026-10"]
    assert (october["base_commission"], october["tier_commission"], october["commission"]) == (
        approx(375.0), approx(30.0), approx(405.0))
    assert (october["paid_with_month"], october["held_for_year_end"], october["held_to_date"]) == (
        approx(202.5), approx(202.5), approx(202.5))
    # November: 5% of 13000 = 650; 2% of (9000 - 6000) = 60 + 5% of (13000 - 9000) = 200 → 910; held 455,
    # 657.50 held so far this year.
    november = rows["2026-11"]
    assert (november["commission"], november["held_for_year_end"], november["held_to_date"]) == (
        approx(910.0), approx(455.0), approx(657.5))
    assert (rows["2026-12"]["net_profit"], rows["2026-12"]["commission"]) == (approx(-2000.0), 0.0)
    assert rows["2026-01"]["commission"] == 0.0
    # The year (ended by 2027-01-02): 1315 of commission, 657.50 paid monthly, 657.50 to pay out now.
    year = rows["2026"]
    assert (year["period_type"], year["commission"], year["held_for_year_end"]) == ("year", approx(1315.0), approx(657.5))
    assert "2026-Q4" not in rows

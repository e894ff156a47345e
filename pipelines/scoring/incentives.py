"""Incentives for the lead to approve: bonus pool from lead-cost savings, profit share, team commission,
budget suggestions."""

from __future__ import annotations

from pipelines.scoring.config import Incentives
from pipelines.scoring.inputs import Inputs
from pipelines.scoring.periods import Period

BONUS_POOL = {"period": "VARCHAR", "period_type": "VARCHAR", "leads": "DOUBLE", "spend": "DOUBLE",
              "actual_cpl": "DOUBLE", "target_cpl": "DOUBLE", "savings": "DOUBLE", "pool_share": "DOUBLE",
              "bonus_pool": "DOUBLE", "status": "VARCHAR"}
PROFIT_SHARE = {"year": "VARCHAR", "revenue": "DOUBLE", "spend": "DOUBLE", "profit": "DOUBLE",
                "profit_target": "DOUBLE", "above_target": "DOUBLE", "share": "DOUBLE", "profit_share": "DOUBLE",
                "status": "VARCHAR"}
BUDGET = {"period": "VARCHAR", "period_type": "VARCHAR", "channel": "VARCHAR", "spend": "DOUBLE", "leads": "DOUBLE",
          "cpl": "DOUBLE", "current_share": "DOUBLE", "suggested_share": "DOUBLE", "status": "VARCHAR"}
COMMISSION = {"period": "VARCHAR", "period_type": "VARCHAR", "revenue": "DOUBLE", "spend": "DOUBLE",
              "net_profit": "DOUBLE", "commission_share": "DOUBLE", "base_commission": "DOUBLE",
              "profit_target": "DOUBLE", "tier_commission": "DOUBLE", "commission": "DOUBLE",
              "paid_with_month": "DOUBLE", "held_for_year_end": "DOUBLE", "held_to_date": "DOUBLE", "status": "VARCHAR"}
_SUMMED = ("revenue", "spend", "net_profit", "base_commission", "tier_commission", "commission", "paid_with_month",
           "held_for_year_end")
TO_APPROVE = "to approve"


def _sums(monthly: dict, period: Period) -> dict:
    months = [monthly[m] for m in period.months if m in monthly]
    return {k: sum(float(m[k] or 0) for m in months) for k in ("spend", "leads", "revenue")}


def bonus_pool(inputs: Inputs, incentives: Incentives) -> list[dict]:
    rows = []
    for period in inputs.periods():
        s = _sums(inputs.team_monthly, period)
        cpl = s["spend"] / s["leads"] if s["leads"] else None
        savings = max(0.0, (incentives.target_cpl - cpl) * s["leads"]) if cpl is not None else 0.0
        rows.append({"period": period.label, "period_type": period.type, "leads": s["leads"], "spend": s["spend"],
                     "actual_cpl": cpl, "target_cpl": incentives.target_cpl, "savings": savings,
                     "pool_share": incentives.bonus_pool_share, "bonus_pool": savings * incentives.bonus_pool_share,
                     "status": TO_APPROVE})
    return rows


def profit_share(inputs: Inputs, incentives: Incentives) -> list[dict]:
    rows = []
    for year, target in sorted(incentives.annual_profit_targets.items()):
        months = [m for y, m in ((m.year, m) for m in inputs.team_monthly) if str(y) == year]
        revenue = sum(float(inputs.team_monthly[m]["revenue"] or 0) for m in months)
        spend = sum(float(inputs.team_monthly[m]["spend"] or 0) for m in months)
        above = max(0.0, revenue - spend - target)
        status = TO_APPROVE if inputs.as_of.year > int(year) else "year in progress"
        rows.append({"year": year, "revenue": revenue, "spend": spend, "profit": revenue - spend,
                     "profit_target": target, "above_target": above, "share": incentives.profit_share,
                     "profit_share": above * incentives.profit_share, "status": status})
    return rows


def team_commission(inputs: Inputs, incentives: Incentives) -> list[dict]:
    """Per month: commission_share of the positive net profit (revenue − ad spend) plus the tiers above the
    monthly profit target; commission_hold_back of it is held for the year-end payout. Per ended year: the sums,
    with the held amount to pay out."""
    rows, held = [], {}
    for period in inputs.periods():
        if period.type == "quarter":
            continue
        if period.type == "year":
            months = [r for r in rows if r["period_type"] == "month" and r["period"].startswith(period.label)]
            sums = {k: sum(r[k] for r in months) for k in _SUMMED}
            rows.append({"period": period.label, "period_type": "year", **sums, "commission_share":
                         incentives.commission_share, "held_to_date": sums["held_for_year_end"],
                         "status": f"{TO_APPROVE}: pay out held_for_year_end"})
            continue
        s = _sums(inputs.team_monthly, period)
        net = s["revenue"] - s["spend"]
        base = incentives.commission_share * max(net, 0.0)
        tier = _tiered(net, incentives.monthly_profit_target, incentives.commission_tiers)
        commission = base + tier
        kept = commission * incentives.commission_hold_back
        held[period.start.year] = held.get(period.start.year, 0.0) + kept
        rows.append({"period": period.label, "period_type": "month", "revenue": s["revenue"], "spend": s["spend"],
                     "net_profit": net, "commission_share": incentives.commission_share, "base_commission": base,
                     "profit_target": incentives.monthly_profit_target, "tier_commission": tier,
                     "commission": commission, "paid_with_month": commission - kept, "held_for_year_end": kept,
                     "held_to_date": held[period.start.year], "status": TO_APPROVE})
    return rows


def _tiered(net: float, target: float | None, tiers) -> float:
    """Progressive, like tax brackets: each tier's rate applies to the profit between its start
    (above × target) and the next tier's start."""
    if not target or not tiers:
        return 0.0
    starts = [t.above * target for t in tiers] + [float("inf")]
    return sum(t.rate * max(0.0, min(net, starts[i + 1]) - starts[i]) for i, t in enumerate(tiers))


def budget_suggestions(inputs: Inputs, channel_monthly: dict[str, dict]) -> list[dict]:
    """Budget shares proportional to 1 / CPL: the cheaper a channel's leads, the larger its suggested share."""
    rows = []
    for period in inputs.periods():
        sums = {c: _sums(monthly, period) for c, monthly in channel_monthly.items()}
        paid = {c: s for c, s in sums.items() if s["spend"] > 0 and s["leads"] > 0}
        total_spend = sum(s["spend"] for s in paid.values())
        inverse = {c: s["leads"] / s["spend"] for c, s in sorted(paid.items())}  # one summing order, every night
        for channel, s in sorted(paid.items()):
            rows.append({"period": period.label, "period_type": period.type, "channel": channel, "spend": s["spend"],
                         "leads": s["leads"], "cpl": s["spend"] / s["leads"], "current_share": s["spend"] / total_spend,
                         "suggested_share": inverse[channel] / sum(inverse.values()), "status": TO_APPROVE})
    return rows

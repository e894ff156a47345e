"""Incentives for the lead to approve: bonus pool from lead-cost savings, profit share, budget suggestions."""

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

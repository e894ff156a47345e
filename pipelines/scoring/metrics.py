"""The metrics a KPI can name, where each comes from, and which way is better."""

from __future__ import annotations

from dataclasses import dataclass

CHANNEL, CONTENT, SOCIAL, MANUAL = "channel", "content", "social", "manual"


@dataclass(frozen=True)
class Metric:
    source: str  # channel (marts.fct_channel_monthly), content, social, manual
    direction: str = "higher"
    description: str = ""


_ADDITIVE = ["spend", "impressions", "clicks", "sessions", "leads", "online_leads", "converted_leads", "orders",
             "new_customers", "revenue", "returning_revenue"]
# ratio → (numerator, denominator) of additive measures, recomputed over the person's scope and period
RATIOS = {
    "ctr": ("clicks", "impressions"), "cpc": ("spend", "clicks"), "cpl": ("spend", "leads"),
    "cac": ("spend", "new_customers"), "session_to_lead_rate": ("leads", "sessions"),
    "lead_to_customer_rate": ("converted_leads", "leads"), "roas": ("revenue", "spend"),
    "roi": ("revenue - spend", "spend"), "returning_revenue_share": ("returning_revenue", "revenue"),
    "online_lead_share": ("online_leads", "leads"),
}
LOWER_IS_BETTER = {"cpc", "cpl", "cac", "spend"}

METRICS: dict[str, Metric] = {
    **{m: Metric(CHANNEL, "lower" if m in LOWER_IS_BETTER else "higher", f"sum of {m} in marts.fct_channel_monthly")
       for m in _ADDITIVE},
    **{m: Metric(CHANNEL, "lower" if m in LOWER_IS_BETTER else "higher", f"{n} / {d} over the scope")
       for m, (n, d) in RATIOS.items()},
    "read_rate": Metric(CONTENT, description="average read rate of the person's items (marts.fct_content_items)"),
    "original_share": Metric(CONTENT, description="original items / items published"),
    "content_output_per_week": Metric(CONTENT, description="items published / weeks in the period"),
    "interaction_rate": Metric(CONTENT, description="(likes + comments + shares) / reads"),
    "follower_growth_rate": Metric(SOCIAL, description="net new followers / followers at the period start"),
    "new_followers": Metric(SOCIAL, description="followers gained in the period"),
}


def metric(name: str) -> Metric | None:
    """A catalogue metric, or any `manual.<name>` entered in manual_scores."""
    if name.startswith("manual.") and len(name) > len("manual."):
        return Metric(MANUAL, description=f"manual score '{name[7:]}' from manual_scores")
    return METRICS.get(name)

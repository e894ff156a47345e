"""The metrics a KPI can name, where each comes from, and which way is better."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from pipelines.registry import dbt_vars

CHANNEL, CONTENT, SOCIAL, MANUAL = "channel", "content", "social", "manual"
# How a value reads: MONEY in the reporting currency, PERCENT for shares and rates, COUNT whole, NUMBER as is.
MONEY, PERCENT, COUNT, NUMBER = "money", "percent", "count", "number"


@dataclass(frozen=True)
class Metric:
    source: str  # channel (marts.fct_channel_monthly), content, social, manual
    direction: str = "higher"
    description: str = ""
    unit: str = NUMBER
    name_zh: str = ""


@dataclass(frozen=True)
class Ratio:
    """numerator (− minus) / denominator, over additive measures summed to the scope and period."""
    numerator: str
    denominator: str
    minus: str | None = None
    unit: str = PERCENT
    null_when_zero: str | None = None  # a cost ratio: NULL where this measure (spend) is 0, as in the marts

    @property
    def text(self) -> str:
        return f"{self.numerator} - {self.minus}" if self.minus else self.numerator

    def of(self, sums: dict) -> float | None:
        den = sums.get(self.denominator) or 0
        if den == 0 or (self.null_when_zero and not sums.get(self.null_when_zero)):
            return None
        return float((sums.get(self.numerator) or 0) - (sums.get(self.minus) or 0 if self.minus else 0)) / float(den)


# The registry of dbt_project.yml (vars: mkpi_measures, mkpi_ratios), which the marts are built from;
# read on first use of MEASURE_TYPES, MEASURES, RATIOS, UNITS or METRICS, not at import.
LOWER_IS_BETTER = {"cpc", "cpl", "cac", "spend"}
NAMES_ZH = {
    "spend": "花费", "impressions": "展示量", "clicks": "点击量", "sessions": "访问量", "leads": "线索数",
    "online_leads": "线上线索数", "converted_leads": "转化线索数", "orders": "订单数", "new_customers": "新客户数",
    "revenue": "销售额", "returning_revenue": "复购销售额", "ctr": "点击率", "cpc": "单次点击成本", "cpl": "线索成本",
    "cac": "获客成本", "session_to_lead_rate": "访问转线索率", "lead_to_customer_rate": "线索成交率", "roas": "广告支出回报率",
    "roi": "投资回报率", "returning_revenue_share": "复购销售额占比", "online_lead_share": "线上线索占比",
    "read_rate": "阅读率", "original_share": "原创占比", "content_output_per_week": "每周内容产出",
    "interaction_rate": "互动率", "follower_growth_rate": "粉丝增长率", "new_followers": "新增粉丝",
}


@functools.cache
def _catalogue() -> dict:
    measure_types: dict[str, str] = dbt_vars()["mkpi_measures"]  # additive measure → money | count
    ratios = {name: Ratio(r["numerator"], r["denominator"], r.get("minus"), r["unit"], r.get("null_when_zero"))
              for name, r in dbt_vars()["mkpi_ratios"].items()}
    units = {**{m: MONEY if t == "money" else COUNT for m, t in measure_types.items()},
             **{name: r.unit for name, r in ratios.items()}}

    def channel(name: str, description: str) -> Metric:
        return Metric(CHANNEL, "lower" if name in LOWER_IS_BETTER else "higher", description, units[name], NAMES_ZH[name])

    metrics = {
        **{m: channel(m, f"sum of {m} in marts.fct_channel_monthly") for m in measure_types},
        **{m: channel(m, f"({r.text}) / {r.denominator} over the scope") for m, r in ratios.items()},
        "read_rate": Metric(CONTENT, description="average read rate of the person's items (marts.fct_content_items)",
                            unit=PERCENT, name_zh=NAMES_ZH["read_rate"]),
        "original_share": Metric(CONTENT, description="original items / items published", unit=PERCENT,
                                 name_zh=NAMES_ZH["original_share"]),
        "content_output_per_week": Metric(CONTENT, description="items published / weeks in the period",
                                          name_zh=NAMES_ZH["content_output_per_week"]),
        "interaction_rate": Metric(CONTENT, description="(likes + comments + shares) / reads", unit=PERCENT,
                                   name_zh=NAMES_ZH["interaction_rate"]),
        "follower_growth_rate": Metric(SOCIAL, description="net new followers / followers at the period start",
                                       unit=PERCENT, name_zh=NAMES_ZH["follower_growth_rate"]),
        "new_followers": Metric(SOCIAL, description="followers gained in the period", unit=COUNT,
                                name_zh=NAMES_ZH["new_followers"]),
    }
    return dict(zip(_FROM_REGISTRY, (measure_types, list(measure_types), ratios, units, metrics)))


_FROM_REGISTRY = ("MEASURE_TYPES", "MEASURES", "RATIOS", "UNITS", "METRICS")


def __getattr__(name: str):
    if name in _FROM_REGISTRY:
        return _catalogue()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# A KPI that names an attribution model (kpi.yml `attribution:`) reads these measures from
# marts.fct_channel_attribution instead of the channel marts; the others stay as they are.
ATTRIBUTED = {"leads": "attributed_leads", "revenue": "attributed_revenue", "new_customers": "attributed_customers"}
NOT_ATTRIBUTABLE = {"online_leads", "converted_leads", "orders", "returning_revenue"}  # counted per lead_source only


def measures_of(name: str) -> set[str]:
    """The additive measures a channel metric is computed from."""
    ratio = __getattr__("RATIOS").get(name)
    return {m for m in (ratio.numerator, ratio.denominator, ratio.minus) if m} if ratio else {name}


def attributable(name: str) -> bool:
    """Whether a channel metric can be scored under an attribution model: it reads leads, revenue or new
    customers, and none of the measures only the lead_source rule counts."""
    used = measures_of(name)
    return bool(used & set(ATTRIBUTED)) and not used & NOT_ATTRIBUTABLE


def metric(name: str) -> Metric | None:
    """A catalogue metric, or any `manual.<name>` entered in manual_scores."""
    if name.startswith("manual.") and len(name) > len("manual."):
        return Metric(MANUAL, description=f"manual score '{name[7:]}' from manual_scores")
    return _catalogue()["METRICS"].get(name)

"""The metrics a KPI can name, where each comes from, and which way is better."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from pipelines.configuration.dbt_registry import dbt_vars

CHANNEL, CONTENT, SOCIAL, MANUAL = "channel", "content", "social", "manual"
# How a value reads: MONEY in the reporting currency, PERCENT for shares and rates, COUNT whole, NUMBER as is.
MONEY, PERCENT, COUNT, NUMBER = "money", "percent", "count", "number"
WEEKS = "weeks"  # in a content formula: the period's length in weeks (a month's in the mart), not a summed part


@dataclass(frozen=True)
class Metric:
    source: str  # channel (marts.fct_channel_monthly), content, social, manual
    direction: str = "higher"
    description: str = ""
    unit: str = NUMBER
    name_zh: str = ""
    name_en: str = ""
    formula: Ratio | str | None = None  # content and social: a Ratio of the mart's parts, or the part summed
    table: str | None = None  # content and social: the monthly mart holding the parts

    @property
    def parts(self) -> list[str]:
        """Content and social: the mart's columns (and WEEKS) its formula reads."""
        return self.formula.parts if isinstance(self.formula, Ratio) else [self.formula]


@dataclass(frozen=True)
class Ratio:
    """numerator (− minus) / denominator, over additive measures summed to the scope and period."""
    numerator: str
    denominator: str
    minus: str | None = None
    unit: str = PERCENT
    null_when_zero: str | None = None  # a cost ratio: NULL where this measure (spend) is 0, as in the marts
    first_month: str | None = None  # a part taken from the period's first month, not summed (followers_at_start)

    @property
    def parts(self) -> list[str]:
        return [m for m in (self.numerator, self.minus, self.denominator) if m]

    @property
    def text(self) -> str:
        return f"{self.numerator} - {self.minus}" if self.minus else self.numerator

    def of(self, sums: dict) -> float | None:
        den = sums.get(self.denominator) or 0
        if den == 0 or (self.null_when_zero and not sums.get(self.null_when_zero)):
            return None
        return float((sums.get(self.numerator) or 0) - (sums.get(self.minus) or 0 if self.minus else 0)) / float(den)


# The registry of dbt_project.yml (vars: mkpi_measures, mkpi_ratios, mkpi_profile_metrics), which the marts
# are built from and every page names metrics by; read on first use of MEASURE_TYPES, MEASURES, RATIOS, UNITS
# or METRICS, not at import.
@functools.cache
def _catalogue() -> dict:
    measures, ratio_specs = dbt_vars()["mkpi_measures"], dbt_vars()["mkpi_ratios"]
    measure_types = {m: spec["type"] for m, spec in measures.items()}  # additive measure → money | count
    ratios = {name: Ratio(r["numerator"], r["denominator"], r.get("minus"), r["unit"], r.get("null_when_zero"))
              for name, r in ratio_specs.items()}
    units = {**{m: MONEY if t == "money" else COUNT for m, t in measure_types.items()},
             **{name: r.unit for name, r in ratios.items()}}

    def channel(name: str, spec: dict, description: str) -> Metric:
        return Metric(CHANNEL, spec.get("better", "higher"), description, units[name], spec["zh"], spec["en"])

    metrics = {
        **{m: channel(m, spec, f"sum of {m} in marts.fct_channel_monthly") for m, spec in measures.items()},
        **{m: channel(m, ratio_specs[m], f"({r.text}) / {r.denominator} over the scope") for m, r in ratios.items()},
        **{m: Metric(spec["source"], spec.get("better", "higher"), spec["description"], spec["unit"], spec["zh"],
                     spec["en"], _profile_formula(spec), spec["table"])
           for m, spec in dbt_vars()["mkpi_profile_metrics"].items()},
    }
    return dict(zip(_FROM_REGISTRY, (measure_types, list(measure_types), ratios, units, metrics)))


def _profile_formula(spec: dict) -> Ratio | str:
    if spec.get("measure"):
        return spec["measure"]
    return Ratio(spec["numerator"], spec["denominator"], spec.get("minus"), spec["unit"],
                 first_month=spec.get("first_month"))


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


def label(name: str, lang: str) -> str:
    """A metric's name in the language (en, zh) from the registry; "" for a name it does not hold."""
    found = metric(name)
    return (found.name_zh if lang == "zh" else found.name_en) if found else ""

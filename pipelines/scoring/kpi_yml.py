"""kpi.yml, checked the way every configuration file is (pipelines/configuration/yaml_files.py): the file's shape
as pydantic models, every check located at its key, then built into the dataclasses scoring reads
(scoring/config.py). Nothing is scored until the configuration is right.

Over 300 lines because each section of kpi.yml has its model and its checks here, next to each
other, so that every message is located and worded the same way."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, PlainValidator, field_validator, model_validator

from pipelines.configuration.yaml_files import At, Section, load, read_once_per_version
from pipelines.scoring import flags
from pipelines.scoring.config import (SCOPES, UNITS, Excusal, Incentives, Kpi, KpiConfig, KpiConfigError, Part, Role,
                                      RoleVersion, Swap, TargetOverride, Tier, WeightOverride)
from pipelines.configuration.dbt_registry import dbt_vars
from pipelines.scoring.metrics import PERCENT, attributable, metric
from pipelines.scoring.periods import PATTERN as PERIOD_PATTERN
from pipelines.scoring.periods import PERIOD_TYPES
from pipelines.scoring.rules import BANDS, HIGHER, LINEAR, LOWER, THRESHOLD, Band


def _text(value) -> str:
    """An id as text, whether YAML read it as text (E01) or a number (1001)."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValueError(f"{value!r} is not text")
    return str(value)


def _period(value) -> str:
    if not PERIOD_PATTERN.fullmatch(str(value)):
        raise ValueError(f"'{value}' is not a period like 2026-10, 2026-Q4 or 2026")
    return str(value)


def _between(low: float, high: float | None, words: str):
    def check(value) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < low or (high and value > high):
            raise ValueError(f"{value!r} {words}")
        return float(value)
    return check


def _close_day(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 28:
        raise ValueError(f"{value!r} is not a day of the month from 1 to 28")
    return value


Text = Annotated[str, PlainValidator(_text)]
Period = Annotated[str, PlainValidator(_period)]
Amount = Annotated[float, PlainValidator(_between(0, None, "is out of range"))]
Share = Annotated[float, PlainValidator(_between(0, 1, "is out of range"))]
REASON = "a calibration needs a reason, which stays on record"


class Entry(Section):
    """A list item of kpi.yml: a section whose reason, when it has one, is required."""

    @staticmethod
    def reason_of(reason) -> str:
        if not reason or not str(reason).strip():
            raise ValueError(REASON)
        return str(reason).strip()


class BandSpec(Section):
    min: float
    share: float


class PartSpec(Section):
    metric: str
    target: float
    share: float = 1.0
    direction: str | None = None


class KpiSpec(Section):
    id: str
    scope: str
    metric: str | None = None
    metrics: list[PartSpec] | None = None
    target: float | None = None
    weight: float | None = None  # required in a role's version; a swapped-in KPI keeps the replaced one's
    category: str | None = None
    direction: str | None = None
    period: str = "month"
    rule: str = LINEAR
    bands: list[BandSpec] = []
    unit: str | None = None
    name_zh: str = ""
    cap: float | None = None
    attribution: str | None = None

    @model_validator(mode="after")
    def _consistent(self):
        k = f"KPI '{self.id}'"
        if self.attribution is not None:
            self._attributable(k)
        if self.metrics is not None:
            if self.metric is not None or self.target is not None:
                raise ValueError(f"{k}: a mixed KPI has 'metrics' (each with its target), not 'metric'")
            for i, part in enumerate(self.metrics):
                self._fits(part.metric, ("metrics", i))
                if part.share <= 0:
                    raise At(("metrics", i, "share"), f"{k}: share {part.share:g} must be above 0")
                if part.direction not in (None, HIGHER, LOWER):
                    raise At(("metrics", i, "direction"), f"{k}: direction '{part.direction}' is not one of higher, lower")
                if part.target < 0:
                    raise At(("metrics", i, "target"), f"{k}: target {part.target:g} is negative")
            if len(self.metrics) < 2:
                raise At("metrics", f"{k}: a mixed KPI needs two metrics or more")
        else:
            for key in ("metric", "target"):
                if getattr(self, key) is None:
                    raise ValueError(f"'{key}' is required")
            self._fits(self.metric, ())
            if self.target < 0:
                raise At("target", f"{k}: target {self.target:g} is negative")
        if self.weight is not None and self.weight <= 0:
            raise At("weight", f"{k}: weight {self.weight:g} must be above 0")
        for key, allowed in (("direction", (HIGHER, LOWER)), ("period", PERIOD_TYPES),
                             ("rule", (LINEAR, THRESHOLD, BANDS)), ("unit", UNITS)):
            value = getattr(self, key)
            if value is not None and value not in allowed:
                raise At(key, f"{k}: {key} '{value}' is not one of {', '.join(allowed)}")
        if self.rule == BANDS and not self.bands:
            raise At("rule", f"{k}: rule 'bands' needs a bands list of {{min, share}}")
        return self

    def _attributable(self, k: str) -> None:
        models = dbt_vars()["mkpi_attribution_models"]
        if self.attribution not in models:
            raise At("attribution", f"{k}: '{self.attribution}' is not an attribution model (one of {', '.join(models)})")
        if self.metrics is not None or not attributable(self.metric or ""):
            raise At("attribution", f"{k}: an attribution model applies to one channel metric that reads leads, "
                                    "revenue or new customers (cpl, cac, roas, roi, leads, revenue, …), not "
                                    f"'{self.metric or 'a mixed KPI'}'")

    def _fits(self, name: str, at: tuple) -> None:
        found = metric(name)
        if found is None:
            raise At(at + ("metric",), f"KPI '{self.id}': unknown metric '{name}' "
                                       "(see docs/kpi-configuration.md for the list, or use manual.<name>)")
        if self.scope not in SCOPES[found.source]:
            raise At(at + ("scope",), f"KPI '{self.id}': scope '{self.scope}' does not fit metric '{name}' "
                                      f"(use {' or '.join(sorted(SCOPES[found.source]))})")

    def build(self, cap: float, weight: float | None = None) -> Kpi:
        parts = tuple(Part(p.metric, p.target, p.share, p.direction or metric(p.metric).direction)
                      for p in self.metrics or ())
        found = metric(parts[0].metric if parts else self.metric)
        return Kpi(self.id, " + ".join(p.metric for p in parts) or self.metric, self.scope,
                   None if parts else self.target, float(self.weight if weight is None else weight),
                   self.category or "", self.direction or found.direction, self.period, self.rule,
                   self.cap if self.cap is not None else cap, tuple(Band(b.min, b.share) for b in self.bands), parts,
                   name_zh=self.name_zh, unit=self.unit or (PERCENT if parts else found.unit),
                   attribution=self.attribution)


class VersionSpec(Section):
    effective_from: dt.date
    kpis: list[KpiSpec]

    @model_validator(mode="after")
    def _complete(self):
        for i, kpi in enumerate(self.kpis):
            for key in ("weight", "category"):
                if getattr(kpi, key) is None:
                    raise At(("kpis", i), f"'{key}' is required")
        ids = [k.id for k in self.kpis]
        for i, kpi_id in enumerate(ids):
            if ids.index(kpi_id) != i:
                raise At(("kpis", i, "id"), f"KPI '{kpi_id}' appears twice in this version")
        return self


class RoleSpec(Section):
    name_zh: Text | None = None
    category_weights: dict[str, float] | None = None
    versions: list[VersionSpec]

    @model_validator(mode="after")
    def _versions_and_categories(self):
        if not self.versions:
            raise At("versions", "a role needs at least one version with its KPIs")
        for i, version in enumerate(self.versions):
            if self.category_weights:
                _check_categories(self.category_weights, version.kpis, ("versions", i))
        return self


def _check_categories(category_weights: dict, kpis: list[KpiSpec], at: tuple) -> None:
    if abs(sum(category_weights.values()) - 100) > 1e-9:
        raise At("category_weights", f"category weights add up to {sum(category_weights.values()):g}%, not 100%")
    for category, weight in category_weights.items():
        got = sum(k.weight for k in kpis if k.category == category)
        if abs(got - weight) > 1e-9:
            raise At(at + ("kpis",), f"KPIs of category '{category}' weigh {got:g}%, "
                                     f"but category_weights gives it {weight:g}%")
    for i, k in enumerate(kpis):
        if k.category not in category_weights:
            raise At(at + ("kpis", i, "category"),
                     f"'{k.category}' is not in category_weights ({', '.join(category_weights)})")


class TierSpec(Section):
    above: float
    rate: float

    @model_validator(mode="before")
    @classmethod
    def _shape(cls, value):
        if not isinstance(value, dict) or set(value) != {"above", "rate"}:
            raise ValueError("a tier is {above: multiple of the monthly target, rate: share of the profit}")
        return value


class IncentivesSpec(Section):
    target_cpl: Amount | None = None
    bonus_pool_share: Share | None = None
    profit_share: Share | None = None
    commission_share: Share | None = None
    commission_hold_back: Share | None = None
    monthly_profit_target: Amount | None = None
    commission_tiers: list[TierSpec] = []
    annual_profit_targets: dict[Any, Any] = {}

    @model_validator(mode="after")
    def _tiers_and_years(self):
        for i, tier in enumerate(self.commission_tiers):
            previous = self.commission_tiers[i - 1].above if i else None
            if tier.above < 1 or not 0 <= tier.rate <= 1 or (previous is not None and tier.above <= previous):
                raise At(("commission_tiers", i), f"{{above: {tier.above}, rate: {tier.rate}}}: 'above' starts at 1 "
                         "(the target) and grows tier by tier; 'rate' is between 0 and 1")
        if self.commission_tiers and self.monthly_profit_target is None:
            raise At("commission_tiers", "commission tiers need incentives.monthly_profit_target")
        for year, target in self.annual_profit_targets.items():
            if not re.fullmatch(r"\d{4}", str(year)) or isinstance(target, bool) or not isinstance(target, (int, float)):
                raise At(("annual_profit_targets", year), "expected 'YEAR: amount', like 2026: 50000")
        return self

    def build(self) -> Incentives:
        set_here = self.model_dump(exclude_unset=True, exclude={"commission_tiers", "annual_profit_targets"})
        return Incentives(**set_here, commission_tiers=tuple(Tier(t.above, t.rate) for t in self.commission_tiers),
                          annual_profit_targets={str(y): float(t) for y, t in self.annual_profit_targets.items()})


class ClosingSpec(Section):
    close_day: Annotated[int, PlainValidator(_close_day)] = 5


class TargetOverrideSpec(Section):
    employee_id: Text
    kpi: str
    target: float
    effective_from: dt.date

    @field_validator("target")
    @classmethod
    def _not_negative(cls, value):
        if value < 0:
            raise ValueError(f"target {value:g} is negative")
        return value


class ExcusalSpec(Entry):
    kpi: str
    period: Period
    reason: Any = None
    employee_id: Text | None = None
    team: Text | None = None

    @model_validator(mode="after")
    def _one_of(self):
        self.reason_of(self.reason)
        if bool(self.employee_id) == bool(self.team):
            raise ValueError("an excusal names either employee_id or team")
        return self


class SwapSpec(Entry):
    employee_id: Text
    period: Period
    replace: str
    with_: KpiSpec = Field(alias="with")
    reason: Any = None

    @model_validator(mode="after")
    def _keeps_the_weight(self):
        if self.with_.weight is not None:
            raise At(("with", "weight"), "a swapped-in KPI keeps the weight of the KPI it replaces; "
                                         "change weights with weight_overrides")
        self.reason_of(self.reason)
        return self


class WeightOverrideSpec(Entry):
    employee_id: Text
    effective_from: dt.date
    weights: dict[str, Any]
    reason: Any = None

    @model_validator(mode="after")
    def _weights(self):
        for kpi_id, weight in self.weights.items():
            if isinstance(weight, bool) or not isinstance(weight, (int, float)) or weight <= 0:
                raise At(("weights", kpi_id), f"{weight!r} is not a weight above 0")
        if abs(sum(self.weights.values()) - 100) > 1e-9:
            raise At("weights", f"the weights add up to {sum(self.weights.values()):g}%, not 100%")
        self.reason_of(self.reason)
        return self


def _over_time(spec: dict) -> dict:
    if not isinstance(spec, dict):
        raise ValueError("expected 'key: value' lines here")
    for key, value in spec.items():
        if key not in flags.SETTINGS:
            raise At(key, f"unknown setting (allowed here: {', '.join(flags.SETTINGS)})")
        kind = flags.SETTINGS[key][1]
        if kind == flags.GRADE:
            continue  # checked against the grades once they are read
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise At(key, f"{value!r} is not a number")
        if kind == flags.COUNT and (value != int(value) or value < 1):
            raise At(key, f"{value!r} is not a whole number of 1 or more")
        if kind == flags.SHARE and not 0 < value <= 1:
            raise At(key, f"{value!r} is not a share between 0 and 1 (0.2 = 20%)")
        if value < 0:
            raise At(key, f"{value!r} is negative")
    return spec


class KpiYml(Section):
    default_cap: float = 1.2
    grades: dict[str, Annotated[float, PlainValidator(_between(0, None, "is not a minimum total of 0 or more"))]]
    pass_grade: str
    over_time: Annotated[dict, PlainValidator(_over_time)] = {}
    team_coefficient: bool = False
    roles: dict[str, RoleSpec]
    target_overrides: list[TargetOverrideSpec] = []
    excusals: list[ExcusalSpec] = []
    incentives: IncentivesSpec = IncentivesSpec()
    closing: ClosingSpec = ClosingSpec()
    kpi_swaps: list[SwapSpec] = []
    weight_overrides: list[WeightOverrideSpec] = []
    min_scored_share: Annotated[float, PlainValidator(
        _between(0, 1, "is not a share between 0 and 1 (0.5 = 50%)"))] = 0.5
    tracking_block_share: Annotated[float, PlainValidator(
        _between(0, 1, "is not a share between 0 and 1 (0.1 = 10%)"))] = 0.1

    @model_validator(mode="after")
    def _across_sections(self):
        if self.default_cap < 1:
            raise At("default_cap", f"{self.default_cap} is below 1: nobody could reach 100")
        if not any(minimum == 0 for minimum in self.grades.values()):
            raise At("grades", "the lowest grade must start at 0 so every total gets one")
        if self.pass_grade not in self.grades:
            raise At("pass_grade", f"'{self.pass_grade}' is not one of the grades")
        for key, value in self.over_time.items():
            if flags.SETTINGS[key][1] == flags.GRADE and value not in self.grades:
                raise At(("over_time", key), f"{value!r} is not one of the grades ({', '.join(sorted(self.grades))})")
        for name, role in self.roles.items():
            for i, version in enumerate(role.versions):
                total = sum(k.weight for k in version.kpis)
                if abs(total - 100) > 1e-9:
                    raise At(("roles", name, "versions", i, "kpis"), f"the weights of role '{name}' add up to "
                             f"{total:g}%, not 100% ({', '.join(f'{k.id} {k.weight:g}' for k in version.kpis)})")
        known = {k.id for role in self.roles.values() for v in role.versions for k in v.kpis}
        for i, override in enumerate(self.weight_overrides):
            for kpi_id in override.weights:
                if kpi_id not in known:
                    raise At(("weight_overrides", i, "weights", kpi_id), f"'{kpi_id}' is not a KPI of any role")
        return self

    def build(self, doc) -> KpiConfig:
        cap = self.default_cap
        return KpiConfig(
            path=doc.path,
            roles={name: Role(name, role.name_zh or name, tuple(sorted(
                (RoleVersion(v.effective_from, tuple(k.build(cap) for k in v.kpis)) for v in role.versions),
                key=lambda v: v.effective_from))) for name, role in self.roles.items()},
            grades=sorted(((minimum, name) for name, minimum in self.grades.items()), reverse=True),
            pass_grade=self.pass_grade,
            over_time={**flags.DEFAULTS, **self.over_time},
            team_coefficient=self.team_coefficient,
            target_overrides=tuple(TargetOverride(o.employee_id, o.kpi, o.target, o.effective_from)
                                   for o in self.target_overrides),
            excusals=tuple(Excusal(e.kpi, e.period, Entry.reason_of(e.reason), e.employee_id, e.team)
                           for e in self.excusals),
            incentives=self.incentives.build(),
            close_day=self.closing.close_day,
            min_scored_share=self.min_scored_share,
            tracking_block_share=self.tracking_block_share,
            swaps=tuple(Swap(s.employee_id, s.period, s.replace, s.with_.build(cap, weight=1), Entry.reason_of(s.reason))
                        for s in self.kpi_swaps),
            weight_overrides=tuple(WeightOverride(o.employee_id, o.effective_from, dict(o.weights),
                                                  Entry.reason_of(o.reason), doc.where(("weight_overrides", i)))
                                   for i, o in enumerate(self.weight_overrides)),
        )


@read_once_per_version
def load_kpi_config(path: Path) -> KpiConfig:
    doc, yml = load(path, KpiYml, KpiConfigError)
    return yml.build(doc)

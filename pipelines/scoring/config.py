"""What kpi.yml says, as the scoring reads it: roles and their dated versions of weighted KPIs, grades,
rules over time, closing, targets, excusals, calibrations and incentives. `kpi_yml.load_kpi_config`
builds it from the file and validates every value."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path

from pipelines.configuration.yaml_files import ConfigFileError
from pipelines.scoring.metrics import CHANNEL, CONTENT, COUNT, MANUAL, MONEY, NUMBER, PERCENT, SOCIAL
from pipelines.scoring.metrics import label as metric_label
from pipelines.scoring.rules import HIGHER, LINEAR, Band

UNITS = (MONEY, PERCENT, COUNT, NUMBER)
SWAPPED, OWN_WEIGHTS = "swapped", "own_weights"
SCOPES = {CHANNEL: {"owned", "team"}, CONTENT: {"authored", "team"}, SOCIAL: {"accounts", "team"}, MANUAL: {"self"}}


class KpiConfigError(ConfigFileError):
    """One line: file, line, place, what is wrong."""


@dataclass(frozen=True)
class Part:
    """One metric of a mixed KPI (the documents' "advertising: CTR, conversion and ROI")."""
    metric: str
    target: float
    share: float  # of the KPI's achievement, relative to the other parts
    direction: str = HIGHER


@dataclass(frozen=True)
class Kpi:
    id: str
    metric: str  # a mixed KPI: its parts' metrics joined with " + "
    scope: str
    target: float | None  # None for a mixed KPI: each part has its own
    weight: float
    category: str
    direction: str = HIGHER
    period: str = "month"
    rule: str = LINEAR
    cap: float = 1.2
    bands: tuple[Band, ...] = ()
    parts: tuple[Part, ...] = ()
    calibration: str | None = None  # SWAPPED or OWN_WEIGHTS: this person's KPI differs from the role's …
    calibration_reason: str | None = None  # … for this reason, on record
    name_zh: str = ""  # the Chinese report's label; default: the metric's Chinese name
    unit: str = NUMBER  # how the report shows target and actual
    attribution: str | None = None  # scored on this attribution model's leads, revenue and customers

    def label(self, lang: str) -> str:
        if lang == "zh":
            return self.name_zh or metric_label(self.metric, "zh") or self.id
        return self.id.replace("_", " ")


@dataclass(frozen=True)
class RoleVersion:
    effective_from: dt.date
    kpis: tuple[Kpi, ...]


@dataclass(frozen=True)
class Role:
    name: str
    name_zh: str
    versions: tuple[RoleVersion, ...]  # oldest first

    def version_on(self, day: dt.date) -> RoleVersion | None:
        """The version in effect on `day` (the start of a period): later versions never rewrite earlier periods."""
        current = None
        for version in self.versions:
            if version.effective_from <= day:
                current = version
        return current


@dataclass(frozen=True)
class TargetOverride:
    employee_id: str
    kpi: str
    target: float
    effective_from: dt.date
    where: str = ""  # a targets file's "file, line n" (kpi.yml overrides: empty)


@dataclass(frozen=True)
class Excusal:
    kpi: str
    period: str
    reason: str
    employee_id: str | None = None
    team: str | None = None


@dataclass(frozen=True)
class Swap:
    """For one person and one period, a KPI measured by another (same weight), with the reason on record."""
    employee_id: str
    period: str
    replace: str
    kpi: Kpi
    reason: str


@dataclass(frozen=True)
class WeightOverride:
    """A person's own weights for their role's KPIs from a date, with the reason on record."""
    employee_id: str
    effective_from: dt.date
    weights: dict
    reason: str
    where: str  # file, line: for the error when the role's KPIs no longer match


@dataclass(frozen=True)
class Tier:
    above: float  # a multiple of the monthly profit target: 1.0 = the target itself
    rate: float  # of the net profit between this tier's start and the next one's


@dataclass(frozen=True)
class Incentives:
    target_cpl: float = 20.0  # reporting currency per lead
    bonus_pool_share: float = 0.2  # of lead-cost savings
    profit_share: float = 0.1  # of annual profit above target
    annual_profit_targets: dict = field(default_factory=dict)  # year → profit target
    commission_share: float = 0.05  # of the month's positive net profit: the team commission
    commission_hold_back: float = 0.5  # of the commission, kept for the year-end payout (the documents: half)
    monthly_profit_target: float | None = None  # the tiers' reference; no tiers without it
    commission_tiers: tuple[Tier, ...] = ()


@dataclass(frozen=True)
class KpiConfig:
    path: Path
    roles: dict[str, Role]
    grades: list[tuple[float, str]]
    pass_grade: str
    over_time: dict
    team_coefficient: bool = False
    target_overrides: tuple[TargetOverride, ...] = ()
    excusals: tuple[Excusal, ...] = ()
    incentives: Incentives = Incentives()
    close_day: int = 5  # a period is final from this day of the month after it ends
    min_scored_share: float = 0.5  # of the due weight a card must score to be graded
    tracking_block_share: float = 0.1  # of a period's days an error-level issue must cover to stop a KPI
    swaps: tuple[Swap, ...] = ()
    weight_overrides: tuple[WeightOverride, ...] = ()

    @property
    def attribution_models(self) -> tuple[str, ...]:
        """The attribution models some KPI names (kpi.yml `attribution:`): the only ones scoring reads."""
        kpis = [k for role in self.roles.values() for v in role.versions for k in v.kpis] + [s.kpi for s in self.swaps]
        return tuple(sorted({k.attribution for k in kpis if k.attribution}))

    @property
    def pass_line(self) -> float:
        return self.grade_minimum(self.pass_grade)

    def grade_minimum(self, name: str) -> float:
        return next(minimum for minimum, grade in self.grades if grade == name)

    def target_for(self, kpi: Kpi, employee_id: str, day: dt.date, sheet: tuple = ()) -> float:
        """The person's target in force on `day`: the latest override from kpi.yml or the targets file
        (`sheet`; on the same date the file wins), else the role's."""
        overrides = [(o.effective_from, i, o) for i, o in enumerate(self.target_overrides + tuple(sheet))
                     if o.employee_id == employee_id and o.kpi == kpi.id and o.effective_from <= day]
        return max(overrides, key=lambda x: x[:2])[2].target if overrides else kpi.target

    def kpis_for(self, kpis: tuple[Kpi, ...], employee_id: str, period: str, day: dt.date) -> tuple[Kpi, ...]:
        """The role's KPIs as this person is measured in this period: their own weights, then any swap."""
        override = max((o for o in self.weight_overrides if o.employee_id == employee_id and o.effective_from <= day),
                       key=lambda o: o.effective_from, default=None)
        if override:
            if set(override.weights) != {k.id for k in kpis}:
                raise KpiConfigError(f"{override.where}: weights for {employee_id} name {', '.join(sorted(override.weights))}"
                                     f", but the role's KPIs for {period} are {', '.join(sorted(k.id for k in kpis))}; "
                                     "add a weight_overrides entry for the role's new version")
            kpis = tuple(replace(k, weight=float(override.weights[k.id]), calibration=OWN_WEIGHTS,
                                 calibration_reason=override.reason) for k in kpis)
        for swap in self.swaps:
            if swap.employee_id == employee_id and swap.period == period:
                kpis = tuple(replace(swap.kpi, weight=k.weight, category=swap.kpi.category or k.category,
                                     calibration=SWAPPED, calibration_reason=f"{swap.reason} (in place of {k.id})")
                             if k.id == swap.replace else k
                             for k in kpis)
        return kpis

    def excusal_for(self, kpi: str, employee_id: str, team: str | None, period: str) -> Excusal | None:
        return next((e for e in self.excusals if e.kpi == kpi and e.period == period
                     and (e.employee_id == employee_id or (e.team is not None and e.team == team))), None)

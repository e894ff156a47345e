"""kpi.yml, validated on load: every error is one line naming the file, the line and the place (role,
version, KPI), and nothing is scored until the configuration is right.

Over 300 lines because every section of kpi.yml has its method in one parser, so that every message
is located and worded the same way."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from pipelines.scoring import flags
from pipelines.scoring.config import (SCOPES, UNITS, Excusal, Incentives, Kpi, KpiConfig, KpiConfigError, Part, Role,
                                      RoleVersion, Swap, TargetOverride, Tier, WeightOverride)
from pipelines.scoring.metrics import PERCENT, metric
from pipelines.scoring.periods import PATTERN as PERIOD_PATTERN
from pipelines.scoring.periods import PERIOD_TYPES
from pipelines.scoring.rules import BANDS, HIGHER, LINEAR, LOWER, THRESHOLD, Band
from pipelines.yaml_lines import LocatedYaml


def load_kpi_config(path: Path) -> KpiConfig:
    try:
        doc = LocatedYaml(path)
    except ValueError as err:
        raise KpiConfigError(str(err)) from None
    return _Parser(doc).config()


class _Parser:
    def __init__(self, doc: LocatedYaml):
        self.doc = doc

    def fail(self, path: tuple, message: str):
        raise KpiConfigError(f"{self.doc.where(path)}: {message}")

    def get(self, data: dict, key: str, path: tuple, kind, required=True, default=None):
        if key not in data:
            if required:
                self.fail(path, f"'{key}' is required")
            return default
        value = data[key]
        if kind is float and (isinstance(value, bool) or not isinstance(value, (int, float))):
            self.fail(path + (key,), f"{value!r} is not a number")
        if kind is str and not isinstance(value, str):
            self.fail(path + (key,), f"{value!r} is not text")
        if kind is dt.date and not isinstance(value, dt.date):
            self.fail(path + (key,), f"{value!r} is not a date written as YYYY-MM-DD")
        return value

    def config(self) -> KpiConfig:
        data = self.doc.data
        if not isinstance(data, dict):
            self.fail((), "expected settings as 'key: value' lines")
        known = {"default_cap", "grades", "pass_grade", "over_time", "team_coefficient", "roles",
                 "target_overrides", "excusals", "incentives", "closing", "kpi_swaps", "weight_overrides",
                 "min_scored_share"}
        for key in data:
            if key not in known:
                self.fail((key,), f"unknown setting (known: {', '.join(sorted(known))})")
        cap = self.get(data, "default_cap", (), float, required=False, default=1.2)
        if cap < 1:
            self.fail(("default_cap",), f"{cap} is below 1: nobody could reach 100")
        grades = self.grades(data)
        pass_grade = self.get(data, "pass_grade", (), str)
        if pass_grade not in {name for _, name in grades}:
            self.fail(("pass_grade",), f"'{pass_grade}' is not one of the grades")
        roles = self.get(data, "roles", (), dict)
        return KpiConfig(
            path=self.doc.path,
            roles={name: self.role(name, spec, cap) for name, spec in roles.items()},
            grades=grades,
            pass_grade=pass_grade,
            over_time=self.over_time(data.get("over_time") or {}, {name for _, name in grades}),
            team_coefficient=bool(data.get("team_coefficient", False)),
            target_overrides=tuple(self.override(i, o) for i, o in enumerate(data.get("target_overrides") or [])),
            excusals=tuple(self.excusal(i, e) for i, e in enumerate(data.get("excusals") or [])),
            incentives=self.incentives(data.get("incentives") or {}),
            close_day=self.close_day(data.get("closing") or {}),
            min_scored_share=self.share(data, "min_scored_share", 0.5),
            swaps=tuple(self.swap(i, spec, cap) for i, spec in enumerate(data.get("kpi_swaps") or [])),
            weight_overrides=tuple(self.weight_override(i, spec, roles) for i, spec
                                   in enumerate(data.get("weight_overrides") or [])),
        )

    def share(self, data: dict, key: str, default: float) -> float:
        value = self.get(data, key, (), float, required=False, default=default)
        if not 0 <= value <= 1:
            self.fail((key,), f"{value!r} is not a share between 0 and 1 (0.5 = 50%)")
        return float(value)

    def close_day(self, spec: dict) -> int:
        for key in spec:
            if key != "close_day":
                self.fail(("closing", key), "unknown setting (known: close_day)")
        day = spec.get("close_day", 5)
        if isinstance(day, bool) or not isinstance(day, int) or not 1 <= day <= 28:
            self.fail(("closing", "close_day"), f"{day!r} is not a day of the month from 1 to 28")
        return day

    def incentives(self, spec: dict) -> Incentives:
        path = ("incentives",)
        for key in spec:
            if key not in Incentives.__dataclass_fields__:
                self.fail(path + (key,), f"unknown setting (known: {', '.join(Incentives.__dataclass_fields__)})")
        values = {}
        for key in ("target_cpl", "bonus_pool_share", "profit_share", "commission_share", "commission_hold_back",
                    "monthly_profit_target"):
            if spec.get(key) is not None:
                value = self.get(spec, key, path, float)
                if value < 0 or (key not in ("target_cpl", "monthly_profit_target") and value > 1):
                    self.fail(path + (key,), f"{value!r} is out of range")
                values[key] = float(value)
        values["commission_tiers"] = self.tiers(spec.get("commission_tiers") or [], "monthly_profit_target" in values)
        targets = spec.get("annual_profit_targets") or {}
        for year, target in targets.items():
            if not re.fullmatch(r"\d{4}", str(year)) or isinstance(target, bool) or not isinstance(target, (int, float)):
                self.fail(path + ("annual_profit_targets", year), "expected 'YEAR: amount', like 2026: 50000")
        return Incentives(**values, annual_profit_targets={str(y): float(t) for y, t in targets.items()})

    def tiers(self, specs: list, has_target: bool) -> tuple[Tier, ...]:
        path = ("incentives", "commission_tiers")
        tiers = []
        for i, spec in enumerate(specs):
            if not isinstance(spec, dict) or set(spec) != {"above", "rate"}:
                self.fail(path + (i,), "a tier is {above: multiple of the monthly target, rate: share of the profit}")
            above, rate = self.get(spec, "above", path + (i,), float), self.get(spec, "rate", path + (i,), float)
            if above < 1 or not 0 <= rate <= 1 or (tiers and above <= tiers[-1].above):
                self.fail(path + (i,), f"{{above: {above}, rate: {rate}}}: 'above' starts at 1 (the target) and "
                          "grows tier by tier; 'rate' is between 0 and 1")
            tiers.append(Tier(float(above), float(rate)))
        if tiers and not has_target:
            self.fail(path, "commission tiers need incentives.monthly_profit_target")
        return tuple(tiers)

    def grades(self, data) -> list[tuple[float, str]]:
        spec = self.get(data, "grades", (), dict)
        out = []
        for name, minimum in spec.items():
            if isinstance(minimum, bool) or not isinstance(minimum, (int, float)) or minimum < 0:
                self.fail(("grades", name), f"{minimum!r} is not a minimum total of 0 or more")
            out.append((float(minimum), name))
        if not any(minimum == 0 for minimum, _ in out):
            self.fail(("grades",), "the lowest grade must start at 0 so every total gets one")
        return sorted(out, reverse=True)

    def over_time(self, spec: dict, grade_names: set[str]) -> dict:
        for key, value in spec.items():
            path = ("over_time", key)
            if key not in flags.SETTINGS:
                self.fail(path, f"unknown setting (known: {', '.join(flags.SETTINGS)})")
            kind = flags.SETTINGS[key][1]
            if kind == flags.GRADE:
                if value not in grade_names:
                    self.fail(path, f"{value!r} is not one of the grades ({', '.join(sorted(grade_names))})")
            elif isinstance(value, bool) or not isinstance(value, (int, float)):
                self.fail(path, f"{value!r} is not a number")
            elif kind == flags.COUNT and (value != int(value) or value < 1):
                self.fail(path, f"{value!r} is not a whole number of 1 or more")
            elif kind == flags.SHARE and not 0 < value <= 1:
                self.fail(path, f"{value!r} is not a share between 0 and 1 (0.2 = 20%)")
            elif value < 0:
                self.fail(path, f"{value!r} is negative")
        return {**flags.DEFAULTS, **spec}

    def role(self, name: str, spec: dict, cap: float) -> Role:
        path = ("roles", name)
        versions = self.get(spec, "versions", path, list)
        if not versions:
            self.fail(path + ("versions",), "a role needs at least one version with its KPIs")
        parsed = [self.version(path + ("versions", i), v, spec.get("category_weights"), cap)
                  for i, v in enumerate(versions)]
        parsed.sort(key=lambda v: v.effective_from)
        return Role(name, str(spec.get("name_zh", name)), tuple(parsed))

    def version(self, path: tuple, spec: dict, category_weights: dict | None, cap: float) -> RoleVersion:
        effective = self.get(spec, "effective_from", path, dt.date)
        kpis = [self.kpi(path + ("kpis", i), k, cap) for i, k in enumerate(self.get(spec, "kpis", path, list))]
        ids = [k.id for k in kpis]
        for i, kpi_id in enumerate(ids):
            if ids.index(kpi_id) != i:
                self.fail(path + ("kpis", i, "id"), f"KPI '{kpi_id}' appears twice in this version")
        total = sum(k.weight for k in kpis)
        if abs(total - 100) > 1e-9:
            self.fail(path + ("kpis",), f"the weights of role '{path[1]}' add up to {total:g}%, not 100% "
                      f"({', '.join(f'{k.id} {k.weight:g}' for k in kpis)})")
        if category_weights:
            self.check_categories(path, kpis, category_weights)
        return RoleVersion(effective, tuple(kpis))

    def check_categories(self, path, kpis, category_weights):
        role_path = path[:2] + ("category_weights",)
        if abs(sum(category_weights.values()) - 100) > 1e-9:
            self.fail(role_path, f"category weights add up to {sum(category_weights.values()):g}%, not 100%")
        for category, weight in category_weights.items():
            got = sum(k.weight for k in kpis if k.category == category)
            if abs(got - weight) > 1e-9:
                self.fail(path + ("kpis",), f"KPIs of category '{category}' weigh {got:g}%, "
                          f"but category_weights gives it {weight:g}%")
        for i, k in enumerate(kpis):
            if k.category not in category_weights:
                self.fail(path + ("kpis", i, "category"),
                          f"'{k.category}' is not in category_weights ({', '.join(category_weights)})")

    def kpi(self, path: tuple, spec: dict, cap: float) -> Kpi:
        kpi_id = self.get(spec, "id", path, str)
        scope = self.get(spec, "scope", path, str)
        if "metrics" in spec:
            if "metric" in spec or "target" in spec:
                self.fail(path, f"KPI '{kpi_id}': a mixed KPI has 'metrics' (each with its target), not 'metric'")
            parts = tuple(self.part(path + ("metrics", i), kpi_id, scope, p)
                          for i, p in enumerate(self.get(spec, "metrics", path, list)))
            if len(parts) < 2:
                self.fail(path + ("metrics",), f"KPI '{kpi_id}': a mixed KPI needs two metrics or more")
            name, target, found = " + ".join(p.metric for p in parts), None, metric(parts[0].metric)
        else:
            name, parts = self.get(spec, "metric", path, str), ()
            found = self.metric_for(path, kpi_id, scope, name)
            target = self.target(path, kpi_id, spec)
        weight = self.get(spec, "weight", path, float)
        if weight <= 0:
            self.fail(path + ("weight",), f"KPI '{kpi_id}': weight {weight:g} must be above 0")
        direction = spec.get("direction", found.direction)
        period = spec.get("period", "month")
        rule = spec.get("rule", LINEAR)
        for key, value, allowed in (("direction", direction, (HIGHER, LOWER)), ("period", period, PERIOD_TYPES),
                                    ("rule", rule, (LINEAR, THRESHOLD, BANDS))):
            if value not in allowed:
                self.fail(path + (key,), f"KPI '{kpi_id}': {key} '{value}' is not one of {', '.join(allowed)}")
        bands = tuple(Band(float(b["min"]), float(b["share"])) for b in spec.get("bands") or [])
        if rule == BANDS and not bands:
            self.fail(path + ("rule",), f"KPI '{kpi_id}': rule 'bands' needs a bands list of {{min, share}}")
        unit = spec.get("unit", found.unit if not parts else PERCENT)
        if unit not in UNITS:
            self.fail(path + ("unit",), f"KPI '{kpi_id}': unit '{unit}' is not one of {', '.join(UNITS)}")
        name_zh = spec.get("name_zh", "")
        if not isinstance(name_zh, str):
            self.fail(path + ("name_zh",), f"KPI '{kpi_id}': name_zh {name_zh!r} is not text")
        return Kpi(kpi_id, name, scope, target, float(weight), self.get(spec, "category", path, str),
                   direction, period, rule, float(spec.get("cap", cap)), bands, parts, name_zh=name_zh, unit=unit)

    def metric_for(self, path: tuple, kpi_id: str, scope: str, name: str):
        found = metric(name)
        if found is None:
            self.fail(path + ("metric",), f"KPI '{kpi_id}': unknown metric '{name}' "
                      "(see docs/kpi-configuration.md for the list, or use manual.<name>)")
        if scope not in SCOPES[found.source]:
            self.fail(path + ("scope",), f"KPI '{kpi_id}': scope '{scope}' does not fit metric '{name}' "
                      f"(use {' or '.join(sorted(SCOPES[found.source]))})")
        return found

    def target(self, path: tuple, kpi_id: str, spec: dict) -> float:
        target = self.get(spec, "target", path, float)
        if target < 0:
            self.fail(path + ("target",), f"KPI '{kpi_id}': target {target:g} is negative")
        return float(target)

    def part(self, path: tuple, kpi_id: str, scope: str, spec: dict) -> Part:
        if not isinstance(spec, dict):
            self.fail(path, f"KPI '{kpi_id}': each of 'metrics' is {{metric, target, share}}")
        name = self.get(spec, "metric", path, str)
        found = self.metric_for(path, kpi_id, scope, name)
        share = self.get(spec, "share", path, float, required=False, default=1)
        if share <= 0:
            self.fail(path + ("share",), f"KPI '{kpi_id}': share {share:g} must be above 0")
        direction = spec.get("direction", found.direction)
        if direction not in (HIGHER, LOWER):
            self.fail(path + ("direction",), f"KPI '{kpi_id}': direction '{direction}' is not one of higher, lower")
        return Part(name, self.target(path, kpi_id, spec), float(share), direction)

    def swap(self, i: int, spec: dict, cap: float) -> Swap:
        path = ("kpi_swaps", i)
        period = str(self.get(spec, "period", path, None))
        if not PERIOD_PATTERN.fullmatch(period):
            self.fail(path + ("period",), f"'{period}' is not a period like 2026-10, 2026-Q4 or 2026")
        new = self.get(spec, "with", path, dict)
        if "weight" in new:
            self.fail(path + ("with", "weight"), "a swapped-in KPI keeps the weight of the KPI it replaces; "
                      "change weights with weight_overrides")
        kpi = self.kpi(path + ("with",), {"category": "", **new, "weight": 1}, cap)
        return Swap(str(self.get(spec, "employee_id", path, None)), period, self.get(spec, "replace", path, str), kpi,
                    self.reason(path, spec))

    def weight_override(self, i: int, spec: dict, roles: dict) -> WeightOverride:
        path = ("weight_overrides", i)
        weights = self.get(spec, "weights", path, dict)
        known = {k.get("id") for role in roles.values() if isinstance(role, dict)
                 for v in role.get("versions") or [] for k in v.get("kpis") or []}
        for kpi_id, weight in weights.items():
            if kpi_id not in known:
                self.fail(path + ("weights", kpi_id), f"'{kpi_id}' is not a KPI of any role")
            if isinstance(weight, bool) or not isinstance(weight, (int, float)) or weight <= 0:
                self.fail(path + ("weights", kpi_id), f"{weight!r} is not a weight above 0")
        if abs(sum(weights.values()) - 100) > 1e-9:
            self.fail(path + ("weights",), f"the weights add up to {sum(weights.values()):g}%, not 100%")
        return WeightOverride(str(self.get(spec, "employee_id", path, None)),
                              self.get(spec, "effective_from", path, dt.date), dict(weights),
                              self.reason(path, spec), self.doc.where(path))

    def reason(self, path: tuple, spec: dict) -> str:
        reason = spec.get("reason")
        if not reason or not str(reason).strip():
            self.fail(path, "a calibration needs a reason, which stays on record")
        return str(reason).strip()

    def override(self, i: int, spec: dict) -> TargetOverride:
        path = ("target_overrides", i)
        target = self.get(spec, "target", path, float)
        if target < 0:
            self.fail(path + ("target",), f"target {target:g} is negative")
        return TargetOverride(str(self.get(spec, "employee_id", path, str)), self.get(spec, "kpi", path, str),
                              float(target), self.get(spec, "effective_from", path, dt.date))

    def excusal(self, i: int, spec: dict) -> Excusal:
        path = ("excusals", i)
        period = str(self.get(spec, "period", path, None))
        if not PERIOD_PATTERN.fullmatch(period):
            self.fail(path + ("period",), f"'{period}' is not a period like 2026-10, 2026-Q4 or 2026")
        reason = self.reason(path, spec)
        if bool(spec.get("employee_id")) == bool(spec.get("team")):
            self.fail(path, "an excusal names either employee_id or team")
        return Excusal(self.get(spec, "kpi", path, str), period, str(reason),
                       spec.get("employee_id"), spec.get("team"))

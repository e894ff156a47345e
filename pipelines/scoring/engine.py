"""Score every person for every ended month, quarter and year: KPI rows, scorecards, ranks and flags.

A little over 300 lines: the rows, the card and the resolvers of each metric source (channel,
content, social, manual, mixed) read one another's small helpers, and splitting them would scatter
one calculation over several files."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass, replace

from pipelines.scoring import flags, rules
from pipelines.scoring.closing import PROVISIONAL, Frozen, Waiver
from pipelines.scoring.config import KpiConfig, KpiConfigError, Kpi
from pipelines.scoring.formulas import PERIOD_TYPES_ZH, Both, Said, joined, said
from pipelines.scoring.inputs import Employee, Inputs
from pipelines.scoring import metrics
from pipelines.scoring.metrics import CHANNEL, CONTENT, SOCIAL, WEEKS, metric
from pipelines.scoring.periods import PERIOD_TYPES, Period, add_months, month as month_period

SCORED, NO_DATA, EXCUSED, NOT_DUE, BLOCKED = "scored", "no_data", "excused", "not_due", "blocked"


@dataclass
class Actual:
    value: float | None  # a mixed KPI: its combined achievement
    formula: Said
    met: bool = False  # a mixed KPI: every part with data met its target (the threshold rule)
    parts: tuple[dict, ...] = ()  # a mixed KPI: each part's metric, target, actual, achievement and share


def check_roster(inputs: Inputs, config: KpiConfig) -> None:
    for e in inputs.employees:
        if e.role not in config.roles:
            raise KpiConfigError(unknown_role(e, config))
    _check_targets(inputs, config)


def _check_targets(inputs: Inputs, config: KpiConfig) -> None:
    """A target in a targets file must name a person of the roster and a single-metric KPI of their role."""
    roles = {e.employee_id: e.role for e in inputs.employees}
    for t in inputs.targets:
        if t.employee_id not in roles:
            raise KpiConfigError(f"{t.where}, column 'employee_id': '{t.employee_id}' is not in the roster")
        kpis = {k.id: k for v in config.roles[roles[t.employee_id]].versions for k in v.kpis}
        if t.kpi not in kpis:
            raise KpiConfigError(f"{t.where}, column 'kpi': '{t.kpi}' is not a KPI of {t.employee_id}'s role "
                                 f"{roles[t.employee_id]} ({', '.join(sorted(kpis))})")
        if kpis[t.kpi].parts:
            raise KpiConfigError(f"{t.where}, column 'kpi': '{t.kpi}' is a mixed KPI; its parts' targets are set in "
                                 f"{config.path}")


def unknown_role(e: Employee, config: KpiConfig) -> str:
    return (f"{e.file}, line {e.line}, column 'role': '{e.role}' of {e.employee_id} is not a role in {config.path} "
            f"(roles: {', '.join(config.roles)})")


def score(inputs: Inputs, config: KpiConfig, frozen: Frozen | None = None,
          waivers: dict[str, list[Waiver]] | None = None) -> tuple[list[dict], list[dict], list[dict]]:
    """(kpi_scores rows, employee_scorecards rows, scorecard_flags rows). Final periods (`frozen`) are
    not recomputed: their rows come back as they were closed, and later periods' streaks count them.
    `waivers`: per period, the tracking issues a lead waived for scoring (mkpi waive)."""
    frozen, waivers = frozen or Frozen(), waivers or {}
    check_roster(inputs, config)
    kpi_rows, cards = [], []
    for period in (p for p in inputs.periods() if p.label not in frozen.periods):
        rows, period_cards = _score_period(inputs, config, period, waivers.get(period.label, []))
        kpi_rows, cards = kpi_rows + rows, cards + period_cards
    for row in kpi_rows + cards:
        row["period_status"] = PROVISIONAL
    _rank(cards)
    as_closed = [dict(c) for c in frozen.rows["employee_scorecards"]]  # copies: apply() rewrites their flags
    raised = flags.apply(cards + as_closed, config.over_time, config.grade_minimum, config.pass_line)
    raised = [r for r in raised if r["period"] not in frozen.periods]
    return (kpi_rows + frozen.rows["kpi_scores"], cards + frozen.rows["employee_scorecards"],
            raised + frozen.rows["scorecard_flags"])


def score_to_date(inputs: Inputs, config: KpiConfig, waivers: dict[str, list[Waiver]] | None = None
                  ) -> tuple[Period | None, list[dict], list[dict]]:
    """The month in progress, scored on pace for a provisional look (never stored, never closed, no
    flags): its days up to the day before the as-of date, with every target of a count or an amount
    (leads, revenue, clicks, new followers, …) pro-rated to the share of the month's days elapsed;
    ratios and rates keep their targets. None when the as-of date is the 1st (no day of the month yet)."""
    if inputs.as_of.day == 1:
        return None, [], []
    whole = month_period(inputs.as_of.replace(day=1))
    period = Period(whole.start, inputs.as_of - dt.timedelta(days=1), "month", whole.label)
    check_roster(inputs, config)
    rows, cards = _score_period(inputs, config, period, (waivers or {}).get(period.label, []),
                                pace=period.days / whole.days)
    _rank(cards)
    return period, rows, cards


def _score_period(inputs: Inputs, config: KpiConfig, period: Period, waivers: list[Waiver], pace: float = 1.0
                  ) -> tuple[list[dict], list[dict]]:
    """Every person's KPI rows and card for one period."""
    issues = [i for i in inputs.error_issues if i["period_start"] <= period.end and i["period_end"] >= period.start]
    kpi_rows, cards = [], []
    for employee in inputs.employees:
        version = config.roles[employee.role].version_on(period.start)
        if version is None:
            continue
        kpis = [_paced(kpi, pace) for kpi in config.kpis_for(version.kpis, employee.employee_id, period.label,
                                                             period.start)]
        rows = [_kpi_row(inputs, config, employee, period, kpi, issues, waivers, pace) for kpi in kpis]
        _apply_renormalization(rows)
        kpi_rows += rows
        cards.append(_card(inputs, config, employee, period, version.effective_from, rows))
    return kpi_rows, cards


def _additive(metric_name: str) -> bool:
    """A count or an amount that grows with the days (a month-to-date target is pro-rated), not a ratio."""
    return metric_name in metrics.MEASURES or metric_name == "new_followers"


def _paced(kpi: Kpi, pace: float) -> Kpi:
    """A mixed KPI's additive parts with targets pro-rated to `pace` (its own target: _kpi_row)."""
    if pace == 1.0 or not kpi.parts:
        return kpi
    return replace(kpi, parts=tuple(replace(p, target=p.target * pace) if _additive(p.metric) else p
                                    for p in kpi.parts))


def _kpi_row(inputs, config, employee: Employee, period: Period, kpi: Kpi, issues: list[dict],
             waivers: list[Waiver], pace: float = 1.0) -> dict:
    target = config.target_for(kpi, employee.employee_id, period.start, inputs.targets)
    if target is not None and pace != 1.0 and _additive(kpi.metric):
        target *= pace
    row = {
        "period": period.label, "period_type": period.type, "period_start": period.start,
        "employee_id": employee.employee_id, "name": employee.name, "role": employee.role, "team": employee.team,
        "kpi": kpi.id, "metric": kpi.metric, "scope": kpi.scope, "category": kpi.category, "rule": kpi.rule,
        "direction": kpi.direction, "weight": kpi.weight, "target": target, "actual": None, "achievement": None,
        "points": None, "weighted_points": None, "data_status": SCORED, "excused": False, "excuse_reason": None,
        "calibration": kpi.calibration, "calibration_reason": kpi.calibration_reason, "formula": "",
    }
    excusal = config.excusal_for(kpi.id, employee.employee_id, employee.team, period.label)
    issue, notes = _blocking_issue(inputs, employee, kpi, issues, period, config.tracking_block_share, waivers)
    if PERIOD_TYPES.index(kpi.period) > PERIOD_TYPES.index(period.type):
        row.update(data_status=NOT_DUE)
        how = [said("not_due", period_type=Both(kpi.period, PERIOD_TYPES_ZH[kpi.period]))]
    elif excusal:
        row.update(data_status=EXCUSED, excused=True, excuse_reason=excusal.reason)
        how = [said("excused", reason=excusal.reason)]
    elif issue:
        row.update(data_status=BLOCKED)
        how = [said("blocked", check=_check(issue), where=_where(issue), start=issue["period_start"],
                    end=issue["period_end"], message=Both(issue["message"], issue.get("message_zh") or issue["message"]))]
    else:
        actual = resolve(inputs, employee, period, kpi)
        how = [actual.formula, *notes]
        row["parts"] = json.dumps(list(actual.parts)) if actual.parts else None
        if actual.value is None:
            row["data_status"] = NO_DATA
        elif kpi.parts:
            row.update(achievement=actual.value,
                       points=rules.scaled(kpi.rule, kpi.weight, actual.value, actual.met, kpi.bands))
        else:
            ach, pts = rules.points(kpi.rule, kpi.weight, actual.value, target, kpi.direction, kpi.cap, kpi.bands)
            row.update(actual=actual.value, achievement=ach, points=pts)
    row.update(formula=joined(how, "en"), formula_zh=joined(how, "zh"))
    return row


def _blocking_issue(inputs: Inputs, employee: Employee, kpi: Kpi, issues: list[dict], period: Period,
                    block_share: float, waivers: list[Waiver]) -> tuple[dict | None, list[Said]]:
    """The first error-level tracking issue that stops this KPI, and notes on those that touch it without
    stopping it. An issue touches a channel metric over the team, or over a marketing row the person owns
    in a month the issue's days fall in (an issue without a channel, medium or campaign touches every one);
    content, social and manual KPIs do not read tracked traffic. It stops the KPI when its days (first to
    last) cover at least `block_share` of the period's, unless a lead waived it for the period."""
    if CHANNEL not in {metric(m).source for m in kpi.metric.split(" + ")}:
        return None, []
    notes = []
    for issue in issues:
        if not (kpi.scope == "team" or any(_touches(issue, row) for row in inputs.owned_keys.get(employee.employee_id, ()))):
            continue
        waiver = next((w for w in waivers if w.covers(issue)), None)
        days = (min(issue["period_end"], period.end) - max(issue["period_start"], period.start)).days + 1
        if waiver:
            notes.append(said("waived", check=_check(issue), where=_where(issue), period=period.label,
                              reason=waiver.reason))
        elif days >= block_share * period.days:
            return issue, notes
        else:
            notes.append(said("touches", check=_check(issue), where=_where(issue), days=days,
                              period_days=period.days, share=f"{block_share:.0%}"))
    return None, notes


def _where(issue: dict) -> str | Said:
    return "/".join(issue[k] for k in ("channel", "medium", "campaign") if issue[k]) or said("every_channel")


def _check(issue: dict) -> Both:
    """The check's id in English (as kpi.yml and mkpi waive name it), its title in Chinese."""
    return Both(issue["check_name"], issue.get("check_title_zh") or issue["check_name"])


def _metric(name: str) -> Both:
    return Both(name, metrics.label(name, "zh") or name)


def _touches(issue: dict, owned: dict) -> bool:
    month_end = add_months(owned["month"], 1) - dt.timedelta(days=1)
    return (issue["period_start"] <= month_end and issue["period_end"] >= owned["month"]
            and all(issue[k] is None or issue[k] == owned[k] for k in ("channel", "medium", "campaign")))


def _apply_renormalization(rows: list[dict]) -> None:
    scored = {r["kpi"] for r in rows if r["data_status"] == SCORED}
    weights = {r["kpi"]: r["weight"] for r in rows}
    weighted = rules.renormalized({r["kpi"]: r["points"] for r in rows if r["kpi"] in scored}, weights, scored)
    for r in rows:
        r["weighted_points"] = weighted.get(r["kpi"])


def resolve(inputs: Inputs, employee: Employee, period: Period, kpi: Kpi) -> Actual:
    if kpi.parts:
        return _mixed(inputs, employee, period, kpi)
    source = metric(kpi.metric).source
    if source == CHANNEL:
        return _channel(inputs, employee, period, kpi)
    if source in (CONTENT, SOCIAL):
        return _profile(inputs, employee, period, kpi)
    return _manual(inputs, employee, period, kpi.metric[len("manual."):])


def _mixed(inputs, employee, period, kpi) -> Actual:
    """A mixed KPI's value is (achievement, every part met): the parts' capped achievements averaged by
    share, over the parts with data (like weights over KPIs)."""
    scored, lines, parts = [], [], []
    for part in kpi.parts:
        actual = resolve(inputs, employee, period, replace(kpi, metric=part.metric, target=part.target, parts=()))
        shown = {"metric": part.metric, "target": part.target, "direction": part.direction, "share": part.share,
                 "actual": actual.value, "achievement": None}
        parts.append(shown)
        if actual.value is None:
            lines.append(said("part_no_data", metric=_metric(part.metric)))
            continue
        ach = shown["achievement"] = rules.achievement(actual.value, part.target, part.direction, kpi.cap)
        scored.append((part.share, ach, rules.target_met(actual.value, part.target, part.direction)))
        lines.append(said("part", metric=_metric(part.metric), actual=f"{actual.value:.4g}", target=f"{part.target:g}",
                          achievement=f"{ach:.3f}", share=f"{part.share:g}"))
    if not scored:
        return Actual(None, said("no_part", parts=lines), parts=tuple(parts))
    shares = sum(share for share, _, _ in scored)
    ach = sum(share * a for share, a, _ in scored) / shares
    return Actual(ach, said("mixed", achievement=f"{ach:.3f}", parts=lines),
                  met=all(met for _, _, met in scored), parts=tuple(parts))


def _manual(inputs, employee, period, name) -> Actual:
    """The period's own entry; for a quarter without one, the average of its months' entries."""
    values = inputs.manual.get((period.label, employee.employee_id, name))
    source = period.label
    if not values and period.type != "month":
        values = [v for m in period.months for v in inputs.manual.get((f"{m:%Y-%m}", employee.employee_id, name), [])]
        source = said("months_of", period=period.label)
    if not values:
        return Actual(None, said("no_manual", name=name, period=period.label))
    value = sum(v for v, _ in values) / len(values)
    return Actual(value, said("manual", name=name, value=f"{value:g}", n=len(values), source=source))


def _channel(inputs, employee, period, kpi) -> Actual:
    owned, team = inputs.by_model.get(kpi.attribution, ({}, {})) if kpi.attribution else (
        inputs.owned_monthly, inputs.team_monthly)
    monthly = team if kpi.scope == "team" else owned.get(employee.employee_id, {})
    months = [monthly[m] for m in period.months if m in monthly]
    if kpi.scope == "team":
        where = said("whole_team")
    else:  # the team's rows have no `covered`: they cover everything
        where = said("owned", rows=", ".join(sorted({m["covered"] for m in months})) or said("nothing"))
    if kpi.attribution:
        where = said("attributed", where=where, model=kpi.attribution)
    if not months:
        return Actual(None, said("no_rows", where=where, period=period.label))
    sums = {c: sum(float(m[c] or 0) for m in months) for c in metrics.MEASURES}
    if kpi.metric in metrics.RATIOS:
        r = metrics.RATIOS[kpi.metric]
        shown = " - ".join(f"{sums[m]:,.2f}" for m in (r.numerator, r.minus) if m)
        return Actual(r.of(sums), said("ratio", metric=_metric(kpi.metric), numerator=r.text, denominator=r.denominator,
                                       shown=shown, value=f"{sums[r.denominator]:,.2f}", where=where,
                                       period=period.label))
    return Actual(sums[kpi.metric], said("sum", metric=_metric(kpi.metric), measure=kpi.metric,
                                         value=f"{sums[kpi.metric]:,.2f}", where=where, period=period.label))


def _profile(inputs, employee, period, kpi) -> Actual:
    """A content or social metric: its registry formula over its mart's monthly parts."""
    m = metric(kpi.metric)
    key, rows = ("author", inputs.content) if m.source == CONTENT else ("account", inputs.social)
    owned = inputs.ownership.get(employee.employee_id, {}).get(key)
    members = (owned or {employee.employee_id}) if m.source == CONTENT else (owned or set())
    if not members and kpi.scope != "team":
        return Actual(None, said("no_accounts", period=period.label))
    rows = [r for r in rows if r["month"] in period.months and (kpi.scope == "team" or r[key] in members)]
    who = said("the_team") if kpi.scope == "team" else said(key, names=", ".join(sorted(members)))
    if not rows:
        return Actual(None, said(f"no_{key}_rows", who=who, period=period.label))
    parts = _period_parts(rows, m, period)
    value = m.formula.of(parts) if isinstance(m.formula, metrics.Ratio) else float(parts[m.formula])
    shown = {name: f"{v:,.2f}" if isinstance(v, float) else f"{v:,}" for name, v in parts.items()}
    return Actual(value, said("profile", metric=kpi.metric, detail=said(kpi.metric, **shown), who=who,
                              period=period.label, table=m.table))


def _period_parts(rows: list[dict], m: metrics.Metric, period) -> dict:
    """The formula's parts over the period: summed over its months and members, `weeks` the period's, and a
    ratio's `first_month` part from the first month that has rows."""
    parts = {n: sum(r[n] or 0 for r in rows) for n in m.parts if n != WEEKS}
    if WEEKS in m.parts:
        parts[WEEKS] = period.weeks
    first = getattr(m.formula, "first_month", None)
    if first:
        month = min(r["month"] for r in rows)
        parts[first] = sum(r[first] or 0 for r in rows if r["month"] == month)
    return parts


def _card(inputs, config, employee, period, effective_from, rows) -> dict:
    card = {
        "period": period.label, "period_type": period.type, "period_start": period.start,
        "employee_id": employee.employee_id, "name": employee.name, "role": employee.role, "team": employee.team,
        "config_version": effective_from, "status": SCORED, "kpis_scored": 0, "kpis_without_data": 0,
        "weight_scored": 0.0, "raw_total": None, "team_coefficient": 1.0, "extra_points": 0.0, "extra_reasons": None,
        "total": None,
        "grade": None, "rank_in_team": None, "rank_in_role": None, "note": "",
    }
    scored = [r for r in rows if r["data_status"] == SCORED]
    missing = [r["kpi"] for r in rows if r["data_status"] == NO_DATA]
    card.update(kpis_scored=len(scored), kpis_without_data=len(missing), weight_scored=sum(r["weight"] for r in scored))
    if not scored or card["weight_scored"] < config.min_scored_share * _weight_due(rows):
        card.update(status=BLOCKED if any(r["data_status"] == BLOCKED for r in rows) else NO_DATA,
                    note=_why_not_graded(rows, card["weight_scored"], config.min_scored_share))
        return card
    raw = sum(r["weighted_points"] for r in scored)
    coefficient = _team_coefficient(inputs, config, employee, period)
    extra = inputs.manual.get((period.label, employee.employee_id, "extra_points"), [])
    total = raw * coefficient + sum(v for v, _ in extra)
    notes = []
    if card["weight_scored"] < sum(r["weight"] for r in rows):
        left_out = [f"{r['kpi']} ({_why_left_out(r)})" for r in rows if r["data_status"] != SCORED]
        notes.append(f"weights re-normalized over {card['weight_scored']:g}%: left out {', '.join(left_out)}")
    notes += [f"extra points {v:g}: {reason}" for v, reason in extra]
    card.update(raw_total=raw, team_coefficient=coefficient, extra_points=sum(v for v, _ in extra),
                extra_reasons="; ".join(f"{v:g}: {reason}" for v, reason in extra) or None, total=total,
                grade=rules.grade(total, config.grades), note="; ".join(notes))
    return card


def _weight_due(rows: list[dict]) -> float:
    """The weight a card should have scored: excused and not-due KPIs are the lead's and the calendar's call."""
    return sum(r["weight"] for r in rows if r["data_status"] not in (EXCUSED, NOT_DUE))


def _why_not_graded(rows: list[dict], weight_scored: float, min_share: float) -> str:
    if rows and all(r["data_status"] == BLOCKED for r in rows):
        return f"every KPI is touched by an error-level tracking issue; {rows[0]['formula']}"
    if not weight_scored:
        return "no KPI has data for this period"
    left_out = [f"{r['kpi']} ({_why_left_out(r)})" for r in rows if r["data_status"] in (NO_DATA, BLOCKED)]
    return (f"not graded: only {weight_scored:g}% of the {_weight_due(rows):g}% due could be scored (kpi.yml "
            f"min_scored_share {min_share:.0%}); left out {', '.join(left_out)}")


def _why_left_out(row: dict) -> str:
    return row["formula"] if row["data_status"] == BLOCKED else row["data_status"].replace("_", " ")


def _team_coefficient(inputs, config, employee, period) -> float:
    if not config.team_coefficient:
        return 1.0
    values = inputs.manual.get((period.label, employee.team or "", "okr_achievement"))
    return sum(v for v, _ in values) / len(values) if values else 1.0


def _rank(cards: list[dict]) -> None:
    """Competition ranking (1, 2, 2, 4) by total within each period's team and role."""
    for field, key in (("rank_in_team", "team"), ("rank_in_role", "role")):
        groups = defaultdict(list)
        for c in cards:
            if c["total"] is not None:
                groups[(c["period"], c[key])].append(c)
        for group in groups.values():
            for c in group:
                c[field] = 1 + sum(1 for o in group if o["total"] > c["total"])

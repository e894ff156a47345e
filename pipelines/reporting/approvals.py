"""The KPI report's approvals: what HR and the lead decide for a period, each with its amount and what earned
it: the flags raised on scorecards (rewards, penalties, cash prizes, warnings, …) and the team incentives
(bonus pool, team commission, profit share), all from the scoring tables."""

from __future__ import annotations

from pipelines.night import warehouse
from pipelines.reporting.formatting import d, e, money
from pipelines.scoring.flags import FLAGS
from pipelines.scoring.periods import parse

BY_NAME = {f.name: f for f in FLAGS}


def approvals(con, page, period: str) -> list[str]:
    t = page.t
    note = e(t["approvals_note"]).replace("{kpi_yml}", '<code class="formula">kpi.yml</code>')
    out = [f"<h2>{e(t['approvals'])}</h2><p class=\"note\">{note}</p>"]
    out += _people(page, warehouse.records(con, """
        SELECT employee_id, name, flag, earned_in, amount FROM marts.scorecard_flags WHERE period = ?
        ORDER BY amount IS NULL, flag, name""", [period]))
    out += _team(page, con, period)
    return out


def _people(page, flags: list[dict]) -> list[str]:
    t = page.t
    if not flags:
        return [f"<h3>{e(t['approvals_people'])}</h3><p>{e(t['approvals_none'])}</p>"]
    out = [f"<h3>{e(t['approvals_people'])}</h3><table><tr>" + "".join(
        f"<th>{e(t[h])}</th>" for h in ("name", "decision", "earned_in", "amount")) + "</tr>"]
    for f in flags:
        flag = BY_NAME[f["flag"]]
        amount = "—" if f["amount"] is None else ("−" if flag.deducted else "") + money(f["amount"], page.currency)
        out.append(f"<tr><td>{d(f['name'])} ({d(f['employee_id'])})</td><td>{e(t[flag.name])}</td>"
                   f"<td>{e(f['earned_in'])}</td><td class=\"num\">{e(amount)}</td></tr>")
    return out + ["</table>"]


def _team(page, con, period: str) -> list[str]:
    """The incentives of the period, and the profit share of its year."""
    t, cur = page.t, page.currency
    rows = []
    for r in warehouse.records(con, "SELECT * FROM marts.incentive_bonus_pool WHERE period = ?", [period]):
        basis = t["basis_pool"].format(cpl=money(r["actual_cpl"], cur), target=money(r["target_cpl"], cur),
                                       leads=f"{r['leads']:,.0f}", savings=money(r["savings"], cur),
                                       share=f"{r['pool_share']:.0%}")
        rows.append((t["bonus_pool"], basis, r["bonus_pool"], r["status"]))
    for r in warehouse.records(con, "SELECT * FROM marts.incentive_team_commission WHERE period = ?", [period]):
        basis = t["basis_commission"].format(net=money(r["net_profit"], cur), share=f"{r['commission_share']:.0%}",
                                             tier=money(r["tier_commission"] or 0, cur),
                                             paid=money(r["paid_with_month"] or 0, cur),
                                             held=money(r["held_for_year_end"] or 0, cur))
        rows.append((t["team_commission"], basis, r["commission"], r["status"]))
    year = str(parse(period).start.year)
    for r in warehouse.records(con, "SELECT * FROM marts.incentive_profit_share WHERE year = ?", [year]):
        basis = t["basis_profit_share"].format(year=year, profit=money(r["profit"], cur),
                                               target=money(r["profit_target"], cur), share=f"{r['share']:.0%}")
        rows.append((t["profit_share"], basis, r["profit_share"], r["status"]))
    out = [f"<h3>{e(t['approvals_team'])}</h3>"]
    if not rows:
        return out + [f"<p>{e(t['approvals_none'])}</p>"]
    out.append("<table><tr>" + "".join(f"<th>{e(t[h])}</th>" for h in ("item", "basis", "amount", "status")) + "</tr>")
    for item, basis, amount, status in rows:
        out.append(f"<tr><td>{e(item)}</td><td>{e(basis)}</td><td class=\"num\">{e(money(amount, cur))}</td>"
                   f"<td>{e(page.value('approval_status', status))}</td></tr>")
    return out + ["</table>"]

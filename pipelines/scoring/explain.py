"""`mkpi explain`: how one person's score for one period was made, KPI by KPI, down to the rows."""

from __future__ import annotations

from pipelines.scoring.flags import FLAGS
from pipelines.scoring.periods import parse
from pipelines.night.warehouse import records

ROW_LIMIT = 12


def explain(con, employee_id: str, period: str) -> str:
    card = _one(con, "SELECT * FROM marts.employee_scorecards WHERE employee_id = ? AND period = ?", [employee_id, period])
    if card is None:
        known = [r[0] for r in con.execute("SELECT DISTINCT period FROM marts.employee_scorecards ORDER BY 1").fetchall()]
        return f"No scorecard for {employee_id} in {period}. Periods scored: {', '.join(known) or 'none'}."
    out = [f"{card['name']} ({employee_id}), {card['role']}, team {card['team']} — {period}",
           _headline(card)]
    if card["note"]:
        out.append(f"Note: {card['note']}")
    kpis = records(con, """SELECT * FROM marts.kpi_scores WHERE employee_id = ? AND period = ? ORDER BY weight DESC, kpi""",
                  [employee_id, period])
    for k in kpis:
        out.append("")
        out.append(f"{k['kpi']} ({k['category']}, weight {k['weight']:g}%, {k['rule']}, {k['direction']} is better): "
                   f"{k['data_status']}")
        if k["actual"] is not None:
            out.append(f"  actual {k['actual']:.4g} vs target {k['target']:g} → achievement {k['achievement']:.3f} "
                       f"→ {k['points']:.2f} points, {k['weighted_points']:.2f} after re-normalization")
        out.append(f"  {k['formula']}")
    if any(k["scope"] == "owned" and k["data_status"] == "scored" for k in kpis):
        out += ["", *_owned_rows(con, employee_id, period)]
    return "\n".join(out)


def _headline(card) -> str:
    if card["total"] is None:
        return f"Status: {card['status']}"
    raised = [f.label_en for f in FLAGS if card[f.name]]
    return (f"Total {card['total']:.1f} = {card['raw_total']:.1f} × team coefficient {card['team_coefficient']:g}"
            f" + {card['extra_points']:g} extra → grade {card['grade']}, rank {card['rank_in_team']} in team, "
            f"{card['rank_in_role']} in role" + (f"; flags: {', '.join(raised)}" if raised else ""))


def _owned_rows(con, employee_id, period) -> list[str]:
    """The marketing rows behind every `owned` KPI, with the person's share of each."""
    span = parse(period)
    rows = con.execute(
        """SELECT r.month, r.channel, r.medium, r.campaign, m.share, r.spend, r.clicks, r.sessions,
                  r.leads, r.new_customers, r.revenue
           FROM marts.fct_owned_channel_monthly AS m JOIN marts.fct_channel_monthly AS r USING (month, channel, medium, campaign)
           WHERE m.employee_id = ? AND r.month BETWEEN ? AND ? ORDER BY r.spend DESC, r.sessions DESC""",
        [employee_id, span.start, span.end]).fetchall()
    lines = ["Rows behind the owned KPIs (marts.fct_owned_channel_monthly × fct_channel_monthly; additive numbers "
             "count × share):",
             "  month    channel / medium / campaign: share | spend, clicks, sessions, leads, new customers, revenue"]
    lines += [f"  {m:%Y-%m}  {c} / {md} / {cp}: {float(sh):g} | {sp}, {cl}, {se}, {le}, {nc}, {rv}"
              for m, c, md, cp, sh, sp, cl, se, le, nc, rv in rows[:ROW_LIMIT]]
    if len(rows) > ROW_LIMIT:
        lines.append(f"  … and {len(rows) - ROW_LIMIT} more rows")
    return lines


def _one(con, sql, params):
    found = records(con, sql, params)
    return found[0] if found else None

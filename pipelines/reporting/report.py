"""`mkpi report`: a static HTML report of a period's scorecards, and a CSV of them. Every value is escaped."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

from pipelines.night import warehouse
from pipelines.reporting import charts
from pipelines.reporting.approvals import approvals
from pipelines.reporting.formatting import d, e, in_unit, money, number, percent
from pipelines.reporting.labels import metric_label, report_words, value_label
from pipelines.reporting.spreadsheets import write_spreadsheets
from pipelines.scoring import metrics
from pipelines.scoring import flags
from pipelines.scoring.periods import parse

STYLE = """
body{font-family:-apple-system,"Segoe UI","Noto Sans CJK SC","PingFang SC",sans-serif;margin:2em;color:#222;max-width:1100px}
h1{margin-bottom:0}h2{border-bottom:2px solid #2f5d8c;padding-bottom:4px;margin-top:2em}
table{border-collapse:collapse;margin:0.5em 0 1em;font-size:13px}th,td{border:1px solid #ccd;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#eef2f7}td.num{text-align:right;white-space:nowrap}td.short,th{word-break:keep-all}.grade-fail{color:#b00020;font-weight:bold}.grade-excellent{color:#1b7a33;font-weight:bold}
.card{border:1px solid #ccd;border-radius:6px;padding:0.5em 1.2em;margin:1.5em 0}.note{color:#555;font-size:13px}
.flags{color:#8a4b00}.next{background:#fff4d6;border-left:4px solid #e8c15a;padding:0.4em 0.8em}.formula{color:#555;font-size:12px}.charts{display:flex;flex-wrap:wrap;gap:2em}.chart text{font-family:inherit}
svg.chart{max-width:100%;height:auto}.scroll{max-width:100%;overflow-x:auto}
@media (max-width:700px){body{margin:0.8em}.charts>div{max-width:100%}}
@media print{body{margin:0;max-width:none}nav,.source{display:none}h2{break-after:avoid}
.card,.tile,.charts>div,table,svg{break-inside:avoid}.scroll{overflow:visible}}
"""


def page_start(lang: str, title: str, extra_style: str = "") -> str:
    """A page's head: its language, a phone-sized viewport, the shared style sheet, and the body's start."""
    return (f'<!DOCTYPE html><html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{e(title)}</title><style>{STYLE}{extra_style}</style></head><body>")


def latest_period(con, period_type: str = "month") -> str | None:
    return con.execute("SELECT max(period) FROM marts.employee_scorecards WHERE period_type = ?",
                       [period_type]).fetchall()[0][0]


@dataclass
class Page:
    """What every part of one report reads: the language, the currency and the names from kpi.yml."""
    lang: str
    currency: str
    labels: dict  # (role, kpi or None) → (label, unit)

    @property
    def t(self) -> dict:
        return report_words(self.lang)

    def role(self, role: str) -> str:
        return self.labels.get((role, None), (role, None))[0]

    def kpi(self, role: str, kpi: str) -> tuple[str, str | None]:
        return self.labels.get((role, kpi), (kpi, None))

    def value(self, column: str, value) -> str:
        return value_label(self.lang, column, value)


def build_report(con, period: str, lang: str = "en", to_date: bool = False) -> str:
    as_of, currency = con.execute("SELECT as_of_date, reporting_currency FROM marts.dim_run_settings").fetchall()[0]
    label_column = "label_zh" if lang == "zh" else "label_en"
    labels = {(r, k): (label, unit) for r, k, label, unit in
              con.execute(f"SELECT role, kpi, {label_column}, unit FROM marts.kpi_labels").fetchall()}
    page = Page(lang, currency, labels)
    t = page.t
    cards = warehouse.records(con, """SELECT * FROM marts.employee_scorecards WHERE period = ?
                           ORDER BY team NULLS LAST, rank_in_team NULLS LAST, employee_id""", [period])
    heading = f"{t['title']} — {period}" + (f" ({t['month_to_date']})" if to_date else "")
    html = [page_start(lang, heading),
            f"<h1>{e(heading)}</h1><p class=\"note\">{e(t['generated'])} {e(as_of)}"
            f"{_period_status(con, t, period)}</p>"]
    if not cards:
        html.append(f"<p>{e(t['no_cards'])}</p></body></html>")
        return "".join(html)
    period_type = cards[0]["period_type"]
    html += _overview(con, page, period, period_type, cards)
    if not to_date:  # a month in progress earns nothing to approve yet (docs/kpi-configuration.md)
        html += approvals(con, page, period)
    kpis = warehouse.records(con, "SELECT * FROM marts.kpi_scores WHERE period = ? ORDER BY employee_id, weight DESC, kpi", [period])
    trends = warehouse.records(con, """SELECT employee_id, period, total FROM marts.employee_scorecards
                            WHERE period_type = ? AND period <= ? AND total IS NOT NULL ORDER BY period""",
                    [period_type, period])
    for card in cards:
        html += _person(page, card, [k for k in kpis if k["employee_id"] == card["employee_id"]],
                        [(r["period"], r["total"]) for r in trends if r["employee_id"] == card["employee_id"]][-12:])
    html.append("</body></html>")
    return "".join(html)


def _period_status(con, t, period) -> str:
    found = con.execute("SELECT status, close_date, closed_at FROM marts.scoring_periods WHERE period = ?",
                        [period]).fetchall()
    if not found:
        return ""
    status, close_date, closed_at = found[0]
    when = closed_at.date() if status == "final" and closed_at else close_date
    return f" — <b>{e(t[status].format(date=when))}</b>"


def _flags(t, card) -> str:
    return ", ".join(t[f] for f in flags.NAMES if card[f])


def _grade_cell(page: Page, card) -> str:
    if card["status"] == "blocked":
        return e(page.t["card_blocked"])
    if card["status"] == "no_data":
        return e(page.t["card_no_data"])
    return e(page.value("grade", card["grade"]))


def _overview(con, page: Page, period, period_type, cards) -> list[str]:
    t = page.t
    counts = grade_counts(page, cards)
    trend = con.execute("""SELECT period, avg(total) FROM marts.employee_scorecards
                           WHERE period_type = ? AND period <= ? AND total IS NOT NULL
                           GROUP BY period ORDER BY period""", [period_type, period]).fetchall()[-12:]
    out = [f"<h2>{e(t['overview'])}</h2><div class=\"charts\"><div><h3>{e(t['grades'])}</h3>",
           charts.bars(list(counts.items()), digits=0), f"</div><div><h3>{e(t['trend'])}</h3>", charts.line(trend),
           "</div></div>"]
    teams = {}
    for c in cards:
        teams.setdefault(c["team"], []).append(c)
    for team, members in teams.items():  # ranks are within a team: one table per team
        name = d(team) if team else e(t["no_team"])
        out.append(f"<h3>{e(t['ranking'])} — {name}</h3><table><tr>" + "".join(
            f"<th>{e(t[h])}</th>" for h in ("rank", "name", "role", "total", "grade", "flags")) + "</tr>")
        for c in members:
            out.append(f"<tr><td class=\"num\">{e(c['rank_in_team'])}</td><td>{d(c['name'])} ({d(c['employee_id'])})</td>"
                       f"<td>{e(page.role(c['role']))}</td><td class=\"num\">{number(c['total'], 1)}</td>"
                       f"<td class=\"grade-{e(c['grade'])}\">{_grade_cell(page, c)}</td>"
                       f"<td class=\"flags\">{e(_flags(t, c))}</td></tr>")
        out.append("</table>")
    out += _campaigns(con, page, period)
    return out


def grade_counts(page: Page, cards: list[dict]) -> dict[str, int]:
    """Cards per grade, from the best grade down (a grade's cards total more than the next one's), then the
    cards that were not graded, per reason."""
    counts: dict[str, int] = {}
    for c in sorted(cards, key=lambda c: (c["grade"] is None, -(c["total"] or 0) if c["grade"] else 0)):
        key = page.value("grade", c["grade"]) if c["grade"] else page.value("data_status", c["status"])
        counts[key] = counts.get(key, 0) + 1
    return counts


def _campaigns(con, page: Page, period) -> list[str]:
    t = page.t
    span = parse(period)
    rows = con.execute("""SELECT campaign, channel, sum(spend), sum(leads), sum(spend) / nullif(sum(leads), 0)
                          FROM marts.fct_channel_monthly WHERE month BETWEEN ? AND ? AND spend > 0
                          GROUP BY campaign, channel ORDER BY sum(spend) DESC LIMIT 10""",
                       [span.start, span.end]).fetchall()
    out = [f"<h3>{e(t['campaigns'])}</h3><div class=\"scroll\"><table><tr>" + "".join(f"<th>{e(t[h])}</th>" for h in
           ("campaign", "channel", "spend", "leads", "cpl")) + "</tr>"]
    out += [f"<tr><td class=\"data\">{e(c)}</td><td class=\"data\">{e(ch)}</td>"
            f"<td class=\"num\">{e(money(s, page.currency))}</td><td class=\"num\">{number(l, 0)}</td>"
            f"<td class=\"num\">{e(money(cpl, page.currency))}</td></tr>" for c, ch, s, l, cpl in rows]
    out.append("</table></div>")  # a phone scrolls it sideways rather than the page
    return out


def _person(page: Page, card, kpis, trend) -> list[str]:
    t = page.t
    out = [f"<div class=\"card\" id=\"{e(card['employee_id'])}\"><h2>{e(t['person'])}: {d(card['name'])} "
           f"({d(card['employee_id'])}) — {e(page.role(card['role']))}</h2>",
           f"<p>{e(t['total'])}: <b>{number(card['total'], 1)}</b> — {e(t['grade'])}: "
           f"<b class=\"grade-{e(card['grade'])}\">{_grade_cell(page, card)}</b>"
           + (f" — {e(t['rank'])}: {e(card['rank_in_team'])}" if card["rank_in_team"] is not None else "")
           + f" <span class=\"flags\">{e(_flags(t, card))}</span></p>"]
    note = _note(page, card, kpis)
    if note:
        out.append(f"<p class=\"note\">{e(t['note'])}: {note}</p>")
    if card["status"] in ("blocked", "no_data"):
        out.append(f"<p class=\"next\">{_next_step(t, card)}</p>")
    out.append("<div class=\"scroll\"><table><tr>" + "".join(f"<th>{e(t[h])}</th>" for h in
               ("kpi", "category", "weight", "target", "actual", "achievement", "points", "status", "how")) + "</tr>")
    for k in kpis:
        label, unit = page.kpi(card["role"], k["kpi"])
        target, actual = (_parts(page, k["parts"]) if k.get("parts") else
                          (e(in_unit(k["target"], unit, page.currency)), e(in_unit(k["actual"], unit, page.currency))))
        out.append(f"<tr><td>{e(label)}</td><td class=\"short\">{e(page.value('category', k['category']))}</td>"
                   f"<td class=\"num\">{k['weight']:g}%</td><td class=\"num\">{target}</td>"
                   f"<td class=\"num\">{actual}</td>"
                   f"<td class=\"num\">{percent(k['achievement'])}</td><td class=\"num\">{number(k['weighted_points'], 1)}</td>"
                   f"<td class=\"short\">{_status(page, k)}</td>{_how(page, k)}</tr>")
    scored = [k for k in kpis if k["data_status"] == "scored"]  # an excused KPI is not a zero bar
    out.append("</table></div><div class=\"charts\">")
    if scored:
        out.append(f"<div><h3>{e(t['points_vs_weight'])}</h3>" + charts.paired_bars(
            [(page.kpi(card["role"], k["kpi"])[0], k["weighted_points"], k["weight"]) for k in scored]) + "</div>")
    out.append(f"<div><h3>{e(t['own_trend'])}</h3>{charts.line(trend)}</div></div></div>")
    return out


def _how(page: Page, k: dict) -> str:
    """How the score was made, in the page's language; a row frozen before the Chinese text existed keeps
    its English, marked as such."""
    if page.lang == "zh" and k.get("formula_zh"):
        return f'<td class="formula">{e(k["formula_zh"])}</td>'
    marked = ' lang="en"' if page.lang != "en" else ""
    return f'<td class="formula"{marked}>{e(k["formula"])}</td>'


def _parts(page: Page, parts_json: str) -> tuple[str, str]:
    """A mixed KPI's target and actual cells: one line per part, its metric named, in its unit; the actual
    with the part's achievement."""
    targets, actuals = [], []
    for part in json.loads(parts_json):
        name = metric_label(page.lang, part["metric"])
        unit = metrics.UNITS.get(part["metric"])
        sign = "≤ " if part["direction"] == "lower" else "≥ "
        targets.append(f"{e(name)} {sign}{e(in_unit(part['target'], unit, page.currency))}")
        shown = "—" if part["actual"] is None else in_unit(part["actual"], unit, page.currency)
        done = "" if part["achievement"] is None else f" ({percent(part['achievement'], 0)})"
        actuals.append(f"{e(name)} {e(shown)}{e(done)}")
    return "<br>".join(targets), "<br>".join(actuals)


def _next_step(t: dict, card) -> str:
    """What HR and the lead do with a card that could not be graded; commands and files as typed."""
    period = card["period"]
    code = {"waive": f"mkpi waive {period} --check CHECK --reason ...", "reopen": f"mkpi reopen {period} --reason ...",
            "ownership": "ownership.csv", "manual": "manual_scores.csv"}
    text = e(t["next_" + card["status"]]).replace("{period}", e(period))
    for key, typed in code.items():
        text = text.replace("{" + key + "}", f'<code class="formula">{e(typed)}</code>')
    return text


def _status(page: Page, k) -> str:
    text = e(page.value("data_status", k["data_status"]))
    if k["excused"] and k["excuse_reason"]:
        text += f": {d(k['excuse_reason'])}"
    if k["calibration"]:
        text += f"; {e(page.t[k['calibration']])}: {d(k['calibration_reason'])}"
    return text


def _note(page: Page, card, kpis) -> str:
    """The card's note in the page's language, from the KPI rows (the table's `note` is English)."""
    t, parts = page.t, []
    left_out = [k for k in kpis if k["data_status"] != "scored"]
    if left_out:
        lead = t["renormalized"] if card["total"] is not None else t["not_graded"]
        parts.append(e(lead.format(weight=card["weight_scored"])) + ", ".join(
            f"{e(page.kpi(card['role'], k['kpi'])[0])} ({e(page.value('data_status', k['data_status']))})"
            for k in left_out))
    if card["extra_reasons"]:
        parts.append(e(t["extra"]) + d(card["extra_reasons"]))
    return "; ".join(parts)


def write_languages(out_dir: Path, stem: str, langs, render) -> list[Path]:
    """One page per language, `<stem>.<lang>.html`, each from `render(lang)` (the report and the dashboard)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for lang in langs:
        path = out_dir / f"{stem}.{lang}.html"
        path.write_text(render(lang), encoding="utf-8")
        written.append(path)
    return written


def write_report(warehouse_path: Path, out_dir: Path, period: str | None = None, langs=("en", "zh")) -> list[Path]:
    """The report in each language, the scorecards CSV and the workbook for `period` (default: the latest month)."""
    con = warehouse.connect(warehouse_path, read_only=True)
    try:
        period = period or latest_period(con)
        scored = con.execute("SELECT count(*) FROM marts.employee_scorecards WHERE period = ?", [period]).fetchall()
        if period is None or not scored[0][0]:
            return []
        written = write_languages(out_dir, f"kpi-report-{period}", langs, lambda lang: build_report(con, period, lang))
        return written + write_spreadsheets(con, period, out_dir)
    finally:
        con.close()

"""`mkpi report`: a static HTML report of a period's scorecards, and a CSV of them. Every value is escaped."""

from __future__ import annotations

import csv
from html import escape
from pathlib import Path

from pipelines import warehouse
from pipelines.reporting import charts
from pipelines.reporting.labels import GRADE_NAMES, LABELS
from pipelines.scoring import flags
from pipelines.scoring.periods import parse

STYLE = """
body{font-family:-apple-system,"Segoe UI","Noto Sans CJK SC","PingFang SC",sans-serif;margin:2em;color:#222;max-width:1100px}
h1{margin-bottom:0}h2{border-bottom:2px solid #2f5d8c;padding-bottom:4px;margin-top:2em}
table{border-collapse:collapse;margin:0.5em 0 1em;font-size:13px}th,td{border:1px solid #ccd;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#eef2f7}td.num{text-align:right}.grade-fail{color:#b00020;font-weight:bold}.grade-excellent{color:#1b7a33;font-weight:bold}
.card{border:1px solid #ccd;border-radius:6px;padding:0.5em 1.2em;margin:1.5em 0}.note{color:#555;font-size:13px}
.flags{color:#8a4b00}.charts{display:flex;flex-wrap:wrap;gap:2em}.chart text{font-family:inherit}
"""


def e(value) -> str:
    """Escape anything shown in the page: names, campaigns and formulas come from user data."""
    return escape("" if value is None else str(value))


def num(value, digits: int = 2) -> str:
    return "" if value is None else f"{value:,.{digits}f}"


def latest_period(con, period_type: str = "month") -> str | None:
    return con.execute("SELECT max(period) FROM marts.employee_scorecards WHERE period_type = ?",
                       [period_type]).fetchall()[0][0]


def build_report(con, period: str, lang: str = "en") -> str:
    t = LABELS[lang]
    as_of = con.execute("SELECT as_of_date FROM landing.run_settings").fetchall()[0][0]
    cards = warehouse.records(con, """SELECT * FROM marts.employee_scorecards WHERE period = ?
                           ORDER BY total DESC NULLS LAST, employee_id""", [period])
    html = [f'<!DOCTYPE html><html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">'
            f"<title>{e(t['title'])} — {e(period)}</title><style>{STYLE}</style></head><body>",
            f"<h1>{e(t['title'])} — {e(period)}</h1><p class=\"note\">{e(t['generated'])} {e(as_of)}</p>"]
    if not cards:
        html.append(f"<p>{e(t['no_cards'])}</p></body></html>")
        return "".join(html)
    period_type = cards[0]["period_type"]
    html += _overview(con, t, lang, period, period_type, cards)
    kpis = warehouse.records(con, "SELECT * FROM marts.kpi_scores WHERE period = ? ORDER BY employee_id, weight DESC, kpi", [period])
    trends = warehouse.records(con, """SELECT employee_id, period, total FROM marts.employee_scorecards
                            WHERE period_type = ? AND period <= ? AND total IS NOT NULL ORDER BY period""",
                    [period_type, period])
    for card in cards:
        html += _person(t, lang, card, [k for k in kpis if k["employee_id"] == card["employee_id"]],
                        [(r["period"], r["total"]) for r in trends if r["employee_id"] == card["employee_id"]][-12:])
    html.append("</body></html>")
    return "".join(html)


def _grade(lang, grade) -> str:
    return GRADE_NAMES.get(lang, {}).get(grade, grade) if grade else ""


def _flags(t, card) -> str:
    return ", ".join(t[f] for f in flags.NAMES if card[f])


def _overview(con, t, lang, period, period_type, cards) -> list[str]:
    counts = {}
    for c in cards:
        key = _grade(lang, c["grade"]) if c["grade"] else c["status"]
        counts[key] = counts.get(key, 0) + 1
    trend = con.execute("""SELECT period, avg(total) FROM marts.employee_scorecards
                           WHERE period_type = ? AND period <= ? AND total IS NOT NULL
                           GROUP BY period ORDER BY period""", [period_type, period]).fetchall()[-12:]
    out = [f"<h2>{e(t['overview'])}</h2><div class=\"charts\"><div><h3>{e(t['grades'])}</h3>",
           charts.bars(list(counts.items())), f"</div><div><h3>{e(t['trend'])}</h3>", charts.line(trend), "</div></div>",
           f"<h3>{e(t['ranking'])}</h3><table><tr>" + "".join(f"<th>{e(t[h])}</th>" for h in
           ("rank", "name", "role", "team", "total", "grade", "flags")) + "</tr>"]
    for c in cards:
        out.append(f"<tr><td class=\"num\">{e(c['rank_in_team'])}</td><td>{e(c['name'])} ({e(c['employee_id'])})</td>"
                   f"<td>{e(c['role'])}</td><td>{e(c['team'])}</td><td class=\"num\">{num(c['total'], 1)}</td>"
                   f"<td class=\"grade-{e(c['grade'])}\">{e(t['blocked'] if c['status'] == 'blocked' else _grade(lang, c['grade']))}</td>"
                   f"<td class=\"flags\">{e(_flags(t, c))}</td></tr>")
    out.append("</table>")
    out += _campaigns(con, t, period)
    return out


def _campaigns(con, t, period) -> list[str]:
    span = parse(period)
    rows = con.execute("""SELECT campaign, channel, sum(spend), sum(leads), sum(spend) / nullif(sum(leads), 0)
                          FROM marts.fct_channel_monthly WHERE month BETWEEN ? AND ? AND spend > 0
                          GROUP BY campaign, channel ORDER BY sum(spend) DESC LIMIT 10""",
                       [span.start, span.end]).fetchall()
    out = [f"<h3>{e(t['campaigns'])}</h3><table><tr>" + "".join(f"<th>{e(t[h])}</th>" for h in
           ("campaign", "channel", "spend", "leads", "cpl")) + "</tr>"]
    out += [f"<tr><td>{e(c)}</td><td>{e(ch)}</td><td class=\"num\">{num(s)}</td><td class=\"num\">{e(l)}</td>"
            f"<td class=\"num\">{num(cpl)}</td></tr>" for c, ch, s, l, cpl in rows]
    out.append("</table>")
    return out


def _person(t, lang, card, kpis, trend) -> list[str]:
    out = [f"<div class=\"card\" id=\"{e(card['employee_id'])}\"><h2>{e(t['person'])}: {e(card['name'])} "
           f"({e(card['employee_id'])}) — {e(card['role'])}</h2>"]
    if card["status"] == "blocked":
        out.append(f"<p><b>{e(t['blocked'])}</b></p>")
    out.append(f"<p>{e(t['total'])}: <b>{num(card['total'], 1)}</b> — {e(t['grade'])}: "
               f"<b class=\"grade-{e(card['grade'])}\">{e(_grade(lang, card['grade']))}</b> — {e(t['rank'])}: "
               f"{e(card['rank_in_team'])} <span class=\"flags\">{e(_flags(t, card))}</span></p>")
    if card["note"]:
        out.append(f"<p class=\"note\">{e(t['note'])}: {e(card['note'])}</p>")
    out.append("<table><tr>" + "".join(f"<th>{e(t[h])}</th>" for h in
               ("kpi", "category", "weight", "target", "actual", "achievement", "points", "status", "how")) + "</tr>")
    for k in kpis:
        out.append(f"<tr><td>{e(k['kpi'])}</td><td>{e(k['category'])}</td><td class=\"num\">{k['weight']:g}%</td>"
                   f"<td class=\"num\">{'' if k['target'] is None else format(k['target'], 'g')}</td><td class=\"num\">{num(k['actual'], 4)}</td>"
                   f"<td class=\"num\">{num(k['achievement'], 3)}</td><td class=\"num\">{num(k['weighted_points'], 1)}</td>"
                   f"<td>{e(k['data_status'])}{': ' + e(k['excuse_reason']) if k['excused'] else ''}"
                   f"{'; ' + e(k['calibration']) if k['calibration'] else ''}</td>"
                   f"<td class=\"note\">{e(k['formula'])}</td></tr>")
    out.append("</table><div class=\"charts\">")
    out.append(f"<div><h3>{e(t['points_vs_weight'])}</h3>"
               + charts.paired_bars([(k["kpi"], k["weighted_points"] or 0, k["weight"]) for k in kpis]) + "</div>")
    out.append(f"<div><h3>{e(t['own_trend'])}</h3>{charts.line(trend)}</div></div></div>")
    return out


def write_csv(con, period: str, path: Path) -> None:
    result = con.execute("SELECT * FROM marts.employee_scorecards WHERE period = ? ORDER BY rank_in_team, employee_id",
                         [period])
    with open(path, "w", newline="", encoding="utf-8-sig") as fh:  # BOM: Excel opens Chinese names correctly
        writer = csv.writer(fh)
        writer.writerow([d[0] for d in result.description])
        writer.writerows([spreadsheet_safe(v) for v in row] for row in result.fetchall())


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """Text a spreadsheet would run as a formula (=HYPERLINK(...), +cmd, @SUM) gets a leading apostrophe,
    which Excel, LibreOffice and Google Sheets show as plain text. Numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def scoring_failure(warehouse_path: Path) -> str | None:
    """The message of tonight's scoring failure in the published file, or None when it scored."""
    con = warehouse.connect(warehouse_path, read_only=True)
    try:
        rows = con.execute("SELECT message FROM marts.scoring_status WHERE status = 'failed'").fetchall()
    finally:
        con.close()
    return rows[0][0] if rows else None


def write_report(warehouse_path: Path, out_dir: Path, period: str | None = None, langs=("en", "zh")) -> list[Path]:
    """The report in each language and the scorecards CSV for `period` (default: the latest month)."""
    con = warehouse.connect(warehouse_path, read_only=True)
    try:
        period = period or latest_period(con)
        scored = con.execute("SELECT count(*) FROM marts.employee_scorecards WHERE period = ?", [period]).fetchall()
        if period is None or not scored[0][0]:
            return []
        out_dir.mkdir(parents=True, exist_ok=True)
        written = []
        for lang in langs:
            path = out_dir / f"kpi-report-{period}.{lang}.html"
            path.write_text(build_report(con, period, lang), encoding="utf-8")
            written.append(path)
        csv_path = out_dir / f"scorecards-{period}.csv"
        write_csv(con, period, csv_path)
        return written + [csv_path]
    finally:
        con.close()

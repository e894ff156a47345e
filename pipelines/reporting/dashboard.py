"""`mkpi dashboard` and the nightly channel dashboard: one static HTML page per language, charts as
inline SVG, no script, no external file, every value escaped. What each panel reads is in
dashboard_data.PANELS and is printed under the panel."""

from __future__ import annotations

from pathlib import Path

from pipelines import warehouse
from pipelines.reporting import charts
from pipelines.reporting import dashboard_data as data
from pipelines.reporting.formatting import compact, d, e, money, number, percent
from pipelines.reporting.labels import DASHBOARD
from pipelines.reporting.report import STYLE, write_languages
from pipelines.scoring import metrics
from pipelines.scoring.metrics import LOWER_IS_BETTER, MONEY, NUMBER

EXTRA_STYLE = """
.tiles{display:flex;flex-wrap:wrap;gap:1em}.tile{border:1px solid #ccd;border-radius:6px;padding:0.6em 1em;min-width:130px}
.tile .value{font-size:22px;font-weight:bold}.better{color:#1b7a33}.worse{color:#b00020}.source{color:#666;font-size:12px}
.sev-error{color:#b00020;font-weight:bold}.sev-warn{color:#8a4b00}
"""
# Which way is better for a tile's change, from the metrics catalogue; spend is neither here.
NEUTRAL = {"spend"}
BETTER_LOWER = LOWER_IS_BETTER - NEUTRAL


class Page:
    def __init__(self, lang: str, currency: str):
        self.lang, self.currency, self.t = lang, currency, DASHBOARD[lang]

    def value(self, measure: str, value) -> str:
        """Money with the currency, ratios with two decimals, counts whole; "—" for a rate of nothing."""
        if value is None:
            return "—"
        if metrics.UNITS[measure] == MONEY:
            return money(value, self.currency)
        return number(value) if metrics.UNITS[measure] == NUMBER else f"{value:,.0f}"

    def axis(self, measure: str):
        """How a chart's axis writes a value of the measure."""
        if metrics.UNITS[measure] == MONEY:
            return lambda v: f"{self.currency} {compact(v)}"
        return compact

    def source(self, panel: str) -> str:
        mart, columns = data.PANELS[panel]
        return f'<p class="source">{e(self.t["source"])} <span class="formula">{e(mart)} ({e(", ".join(columns))})</span></p>'

    def series_name(self, name: str) -> str:
        return self.t[name] if name == data.OTHER else name


def build_dashboard(con, month: str | None = None, lang: str = "en") -> str:
    periods = data.periods(con, month)
    page = Page(lang, periods.currency)
    t = page.t
    cur, prev = periods.current, periods.previous
    html = [f'<!DOCTYPE html><html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">'
            f"<title>{e(t['title'])} — {e(periods.month)}</title><style>{STYLE}{EXTRA_STYLE}</style></head><body>",
            f"<h1>{e(t['title'])} — {e(periods.month)}</h1>",
            f'<p class="note">{e(t["compared"].format(start=cur.start, end=cur.end, p_start=prev.start, p_end=prev.end))}'
            f"; {e(t['as_of'])} {e(periods.as_of)}</p>"]
    html += _tiles(page, data.totals(con, cur), data.totals(con, prev))
    html += _trends(page, con, periods)
    html += _funnel(page, data.funnel(con, cur))
    html += _retention(page, data.retention(con))
    html += _campaigns(page, data.campaigns(con, cur))
    html += _tracking(page, data.tracking(con))
    return "".join(html) + "</body></html>"


def _tiles(page: Page, now: dict, before: dict) -> list[str]:
    t = page.t
    out = [f"<h2>{e(t['headline'])}</h2><div class=\"tiles\">"]
    for measure in data.TILES:
        value, last = now[measure], before[measure]
        change, mood = _change(measure, value, last)
        out.append(f'<div class="tile" id="tile-{measure}"><div>{e(t[measure])}</div>'
                   f'<div class="value">{e(page.value(measure, value))}</div>'
                   f'<div class="{mood}">{e(change)}</div>'
                   f'<div class="note">{e(t["previous"])} {e(page.value(measure, last))}</div></div>')
    return out + ["</div>", page.source("tiles")]


def _change(measure: str, value, last) -> tuple[str, str]:
    """ROI moves in points (it can be negative); the rest by the share of the previous value."""
    if value is None or last is None:
        return "", ""
    if measure == "roi":
        delta = value - last
        text = f"{delta:+.2f}"
    elif last == 0:
        return ("", "") if value == 0 else ("+∞", "")
    else:
        delta = (value - last) / abs(last)
        text = f"{delta * 100:+.1f}%"
    if measure in NEUTRAL or delta == 0:
        return text, ""
    better = delta < 0 if measure in BETTER_LOWER else delta > 0
    return text, "better" if better else "worse"


def _trends(page: Page, con, periods: data.Periods) -> list[str]:
    t = page.t
    out = [f"<h2>{e(t['channel_trends'])}</h2><div class=\"charts\">"]
    out += _trend_charts(page, data.channel_trends(con, periods), "spend")
    out += ["</div>", page.source("channel_trends"), f"<h2>{e(t['group_trends'])}</h2><div class=\"charts\">"]
    out += _trend_charts(page, data.group_trends(con, periods), "leads")
    return out + ["</div>", page.source("group_trends")]


def _trend_charts(page: Page, rows: list[dict], rank_by: str) -> list[str]:
    """Spend, leads, CPL and ROI over time, one line per series (the largest by `rank_by`, the rest summed)."""
    xs, by_series = data.series(rows, ("spend", "leads", "revenue"), rank_by, data.TREND_SERIES)
    out = []
    for measure in ("spend", "leads", "cpl", "roi"):
        lines = [(page.series_name(name), sums[measure] if measure in ("spend", "leads") else data.rate(sums, measure))
                 for name, sums in by_series.items()]
        out.append(_chart(page.t[measure], charts.lines([str(x) for x in xs], lines, page.axis(measure)), page.t))
    return out


def _chart(title: str, svg: str, t: dict) -> str:
    return f"<div><h3>{e(title)}</h3>{svg or '<p>' + e(t['no_data']) + '</p>'}</div>"


def _funnel(page: Page, rows: list[dict]) -> list[str]:
    t = page.t
    out = [f"<h2>{e(t['funnel'])}</h2>"]
    if not rows:
        return out + [f"<p>{e(t['no_data'])}</p>", page.source("funnel")]
    stages = [t["sessions"], t["leads"], t["new_customers"]]
    out.append(charts.stage_bars([(r["channel_group"], [float(r["sessions"]), float(r["leads"]), float(r["customers"])])
                                  for r in rows], stages))
    out.append(f"<table><tr><th>{e(t['channel_group'])}</th><th>{e(t['sessions'])}</th><th>{e(t['leads'])}</th>"
               f"<th>{e(t['new_customers'])}</th><th>{e(t['session_to_lead'])}</th><th>{e(t['lead_to_customer'])}</th></tr>")
    for r in rows:
        to_lead = r["leads"] / r["sessions"] if r["sessions"] else None
        to_customer = r["customers"] / r["leads"] if r["leads"] else None
        out.append(f"<tr><td>{d(r['channel_group'])}</td><td class=\"num\">{r['sessions']:,.0f}</td>"
                   f"<td class=\"num\">{r['leads']:,.0f}</td><td class=\"num\">{r['customers']:,.0f}</td>"
                   f"<td class=\"num\">{e(percent(to_lead))}</td><td class=\"num\">{e(percent(to_customer))}</td></tr>")
    return out + ["</table>", page.source("funnel")]


def _retention(page: Page, rows: list[dict]) -> list[str]:
    t = page.t
    out = [f"<h2>{e(t['retention'])}</h2>"]
    if not rows:
        return out + [f"<p>{e(t['no_data'])}</p>", page.source("retention")]
    size = {r["cohort_month"]: r["cohort_customers"] for r in rows}
    cohorts = [f"{c:%Y-%m} ({size[c]:,} {t['customers']})" for c in sorted(size)]
    names = dict(zip(sorted(size), cohorts))
    offsets = sorted({r["months_since_first_order"] for r in rows})
    columns = [t["month_n"].format(n=n) for n in offsets]
    cells = {(names[r["cohort_month"]], t["month_n"].format(n=r["months_since_first_order"])): float(r["retention"] or 0)
             for r in rows}
    svg = charts.heatmap(cohorts, columns, cells, lambda v: percent(v, 0), cell=(58, 24))
    return out + [svg.replace('<svg class="chart"', '<svg class="chart heatmap"', 1), page.source("retention")]


def _campaigns(page: Page, rows: list[dict]) -> list[str]:
    t = page.t
    out = [f"<h2>{e(t['campaigns'])}</h2>"]
    if not rows:
        return out + [f"<p>{e(t['no_data'])}</p>", page.source("campaigns")]
    for key, measure, best in (("best_cpl", "cpl", True), ("worst_cpl", "cpl", False),
                               ("best_roi", "roi", True), ("worst_roi", "roi", False)):
        out.append(f"<h3>{e(t[key])}</h3><table><tr><th>{e(t['channel'])}</th><th>{e(t['campaign'])}</th>"
                   f"<th>{e(t['spend'])}</th><th>{e(t['leads'])}</th><th>{e(t['revenue'])}</th>"
                   f"<th>{e(t['cpl'])}</th><th>{e(t['roi'])}</th></tr>")
        for r in data.ranked(rows, measure, best):
            out.append(f"<tr><td>{d(r['channel'] + ' / ' + r['medium'])}</td><td class=\"data\">{e(r['campaign'])}</td>"
                       + "".join(f"<td class=\"num\">{e(page.value(m, r[m]))}</td>"
                                 for m in ("spend", "leads", "revenue", "cpl", "roi")) + "</tr>")
        out.append("</table>")
    return out + [page.source("campaigns")]


def _tracking(page: Page, rows: list[dict]) -> list[str]:
    t = page.t
    out = [f"<h2>{e(t['tracking'])}</h2>"]
    if not rows:
        return out + [f"<p>{e(t['no_issues'])}</p>", page.source("tracking")]
    counts = {s: sum(1 for r in rows if r["severity"] == s) for s in ("error", "warn", "info")}
    out.append("<p>" + " · ".join(f'<span class="sev-{s}">{e(t[s])}: {n}</span>' for s, n in counts.items()) + "</p>")
    out.append(f"<table><tr><th>{e(t['severity'])}</th><th>{e(t['check'])}</th><th>{e(t['channel'])}</th>"
               f"<th>{e(t['rows'])}</th><th>{e(t['fix'])}</th></tr>")
    for r in rows:
        where = " / ".join(str(v) for v in (r["channel"], r["medium"], r["campaign"]) if v) or "—"
        out.append(f'<tr><td class="sev-{e(r["severity"])}">{e(t.get(r["severity"], r["severity"]))}</td>'
                   f'<td class="formula">{e(r["check_name"])}</td><td>{d(where)}</td>'
                   f'<td class="num">{e(number(r["rows_affected"], 0))}</td><td class="data">{e(r["message"])}</td></tr>')
    out.append(f'</table><p class="note">{e(t["checks_doc"])} <span class="formula">docs/tracking-checks.md</span></p>')
    return out + [page.source("tracking")]


def write_dashboard(warehouse_path: Path, out_dir: Path, month: str | None = None, langs=("en", "zh")) -> list[Path]:
    """The dashboard for `month` (default: the latest month with data) in each language."""
    con = warehouse.connect(warehouse_path, read_only=True)
    try:
        month = month or data.periods(con).month
        return write_languages(out_dir, f"dashboard-{month}", langs, lambda lang: build_dashboard(con, month, lang))
    finally:
        con.close()

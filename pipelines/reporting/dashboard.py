"""`mkpi dashboard` and the nightly channel dashboard: one static HTML page per language and month, charts
as inline SVG (values on hover), a small inline script that sorts the tables, nothing fetched from
elsewhere, every value escaped. What each panel reads is in dashboard_data.PANELS and is printed under
the panel; the channel table is also written as CSV beside the page."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from pipelines.night import warehouse
from pipelines.configuration.dbt_registry import dbt_vars
from pipelines.reporting import charts
from pipelines.reporting import dashboard_data as data
from pipelines.reporting.formatting import compact, d, e, money, number, percent
from pipelines.reporting.labels import dashboard_words, value_label
from pipelines.reporting.report import page_start, write_languages
from pipelines.scoring import metrics
from pipelines.scoring.metrics import MONEY, NUMBER, PERCENT

EXTRA_STYLE = """
.tiles{display:grid;grid-template-columns:repeat(4,minmax(0,1fr));gap:0.8em}
.tile{border:1px solid #ccd;border-radius:6px;padding:0.6em 0.9em}.tile .value{font-size:22px;font-weight:bold}
.better{color:#1b7a33}.worse{color:#b00020}.source{color:#666;font-size:12px}.kind{color:#666;font-size:12px}
.sev-error{color:#b00020;font-weight:bold;white-space:nowrap}.sev-warn{color:#8a4b00;white-space:nowrap}
.sev-info{white-space:nowrap}.partial{background:#fff4d6;border:1px solid #e8c15a;border-radius:4px;padding:0.4em 0.8em}
.change{display:block;font-size:11px}td.num,td.days{white-space:nowrap}table.sortable th{cursor:pointer;white-space:nowrap}
table.sortable th[aria-sort=ascending]::after{content:" ▲"}table.sortable th[aria-sort=descending]::after{content:" ▼"}
nav a{margin-right:1em}
@media (max-width:700px){.tiles{grid-template-columns:repeat(2,minmax(0,1fr))}}
"""
# Sorts a table.sortable by a clicked header (numbers by their data-v value, empty cells last) and, for
# a link such as page.html#sort=channels:7:asc, on load.
SCRIPT = """(function(){
function val(td){var v=td.getAttribute('data-v');return v===null?td.textContent.trim():v;}
function sortTable(table,col,dir){
 var body=table.tBodies[0],rows=Array.prototype.slice.call(body.rows);
 rows.sort(function(a,b){var x=val(a.cells[col]),y=val(b.cells[col]);
  if(x===''||y===''){return x===y?0:(x===''?1:-1);}
  var nx=Number(x),ny=Number(y),c=(isNaN(nx)||isNaN(ny))?x.localeCompare(y):nx-ny;
  return dir==='asc'?c:-c;});
 rows.forEach(function(r){body.appendChild(r);});
 Array.prototype.forEach.call(table.tHead.rows[0].cells,function(th,i){
  th.setAttribute('aria-sort',i===col?(dir==='asc'?'ascending':'descending'):'none');});}
Array.prototype.forEach.call(document.querySelectorAll('table.sortable'),function(table){
 Array.prototype.forEach.call(table.tHead.rows[0].cells,function(th,i){
  th.tabIndex=0;
  function go(){sortTable(table,i,th.getAttribute('aria-sort')==='descending'?'asc':'desc');}
  th.addEventListener('click',go);
  th.addEventListener('keydown',function(ev){if(ev.key==='Enter'){go();}});});});
var m=/^#sort=([a-z]+):([0-9]+):(asc|desc)$/.exec(location.hash);
if(m){var t=document.getElementById(m[1]);if(t){sortTable(t,Number(m[2]),m[3]);}}
})();"""
# Which way is better for a change, from the metrics catalogue; spend is neither here.
NEUTRAL = {"spend"}
BASE = "lead_source"  # the attribution model every other panel uses


class Page:
    def __init__(self, lang: str, periods: data.Periods, colors: dict[str, int]):
        self.lang, self.periods, self.currency, self.t = lang, periods, periods.currency, dashboard_words(lang)
        self.colors = colors

    def value(self, measure: str, value, in_column: bool = False) -> str:
        """Money with the currency (in a table column, whose header names it, without), percentages, ratios
        with two decimals, counts whole; "—" for a rate of nothing (no spend recorded, nothing to divide by)."""
        if value is None:
            return "—"
        unit = metrics.UNITS[measure]
        if unit == MONEY:
            return number(value) if in_column else money(value, self.currency)
        if unit == PERCENT:
            return percent(value, 2)
        return number(value) if unit == NUMBER else f"{value:,.0f}"

    def title(self, column: str) -> str:
        """A column's or table's name; a money one names its currency once."""
        money_column = column in metrics.UNITS and metrics.UNITS[column] == MONEY
        return self.t[column] + (f" ({self.currency})" if money_column else "")

    def header(self, column: str) -> str:
        return f"<th>{e(self.title(column))}</th>"

    def axis(self, measure: str):
        """How a chart's axis writes a value of the measure."""
        if metrics.UNITS[measure] == MONEY:
            return lambda v: f"{self.currency} {compact(v)}"
        return compact

    def source(self, panel: str) -> str:
        mart, columns = data.PANELS[panel]
        return f'<p class="source">{e(self.t["source"])} <span class="formula">{e(mart)} ({e(", ".join(columns))})</span></p>'

    def name(self, column: str, value: str) -> str:
        """A channel, group or series name: our own words ((direct), channel groups) in the page's language,
        the user's own names as data."""
        shown = value_label(self.lang, column, value)
        return e(shown) if column == "channel_group" or value.startswith("(") else d(value)

    def name_text(self, column: str, value: str) -> str:
        return value_label(self.lang, column, value)

    def check_title(self, row: dict) -> str:
        """The check's title in the page's language (dbt_project.yml, vars: mkpi_tracking_texts)."""
        return row["check_title_zh" if self.lang == "zh" else "check_title"] or row["check_name"]

    def color(self, name: str) -> str:
        if name == data.OTHER or name not in self.colors:
            return charts.OTHER_COLOR
        return charts.PALETTE[self.colors[name] % len(charts.PALETTE)]


def build_dashboard(con, month: str | None = None, lang: str = "en", links: dict[str, str] | None = None) -> str:
    periods = data.periods(con, month)
    page = Page(lang, periods, data.colors(con))
    t = page.t
    cur, prev = periods.current, periods.previous
    title = f"{t['title']} — {periods.month}" + (f" ({t['to_date']})" if periods.partial else "")
    html = [page_start(lang, title, EXTRA_STYLE), f"<h1>{e(title)}</h1>", _nav(t, links or {}),
            f'<p class="note">{e(t["compared"].format(start=cur.start, end=cur.end, p_start=prev.start, p_end=prev.end))}'
            f"; {e(t['as_of'])} {e(periods.as_of)}</p>"]
    if periods.partial:
        html.append(f'<p class="partial">{e(t["partial"].format(end=cur.end))}</p>')
    markers = data.markers(con, cur)
    html += _tiles(page, con)
    html += _channels(page, data.channel_table(con, cur), data.channel_table(con, prev), (links or {}).get("csv"))
    html += _trends(page, con, markers)
    html += _funnel(page, data.funnel(con, cur))
    html += _retention(page, data.retention(con, cur.end))
    html += _campaigns(page, data.campaigns(con, cur))
    html += _attribution(page, data.attribution(con, cur.start), cur.start)  # the page's window starts on the 1st
    html += _tracking(page, [r for r in data.tracking(con) if _falls_in(r, cur)])
    return "".join(html) + f"<script>{SCRIPT}</script></body></html>"


def _falls_in(issue: dict, window: data.Window) -> bool:
    """An issue on days of the window; one without days (a source that never pulled) falls on every page."""
    return (issue["period_start"] or window.start) <= window.end and (issue["period_end"] or window.end) >= window.start


def _nav(t: dict, links: dict[str, str]) -> str:
    shown = [(key, href) for key, href in links.items() if key in ("month", "to_date_page", "other_lang")]
    if not shown:
        return ""
    return "<nav>" + "".join(f'<a href="{e(href)}"{_hreflang(key, t)}>{e(t["link_" + key])}</a>'
                             for key, href in shown) + "</nav>"


def _hreflang(key: str, t: dict) -> str:
    """The other language's link is written in that language, and says so."""
    return (' lang="zh-CN" hreflang="zh-CN"' if t is dashboard_words("en") else ' lang="en" hreflang="en"') \
        if key == "other_lang" else ""


def _tiles(page: Page, con) -> list[str]:
    t, periods = page.t, page.periods
    now, before = data.totals(con, periods.current), data.totals(con, periods.previous)
    paid_now = data.totals(con, periods.current, paid_only=True)
    out = [f"<h2>{e(t['headline'])}</h2><div class=\"tiles\">"]
    for measure in data.TILES:
        value, last = now[measure], before[measure]
        change, mood = _change(measure, value, last)
        paid = (f'<div class="kind">{e(t["blended"])}; {e(t["paid_only"])} {e(page.value(measure, paid_now[measure]))}</div>'
                if measure in data.TILE_RATIOS else f'<div class="kind">{e(t["all_channels"])}</div>')
        out.append(f'<div class="tile" id="tile-{measure}"><div>{e(t[measure])}</div>'
                   f'<div class="value">{e(page.value(measure, value))}</div>'
                   f'<div class="{mood}">{e(change)}</div>'
                   f'<div class="note">{e(t["previous"])} {e(page.value(measure, last))}</div>{paid}</div>')
    return out + ["</div>", f'<p class="note">{e(t["tiles_note"])}</p>', page.source("tiles")]


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
    found = metrics.metric(measure)
    better = delta < 0 if found and found.direction == "lower" else delta > 0
    return text, "better" if better else "worse"


def _channels(page: Page, now: dict, before: dict, csv_name: str | None) -> list[str]:
    """Every channel with activity: the table's measures, each with its change, sortable."""
    t = page.t
    out = [f"<h2>{e(t['channels'])}</h2>"]
    if not now:
        return out + [f"<p>{e(t['no_data'])}</p>", page.source("channels")]
    head = "".join(page.header(c) for c in ("channel", *data.CHANNEL_COLUMNS))
    out.append(f'<div class="scroll"><table class="sortable" id="channels"><thead><tr>{head}</tr></thead><tbody>')
    for channel in sorted(now, key=lambda c: (-now[c]["spend"], -now[c]["leads"], c)):
        cells = [f'<td data-v="{e(page.name_text("channel", channel))}">{page.name("channel", channel)}</td>']
        for column in data.CHANNEL_COLUMNS:
            value = now[channel][column]
            change, mood = _change(column, value, before.get(channel, {}).get(column))
            cells.append(f'<td class="num" data-v="{"" if value is None else value}">{e(page.value(column, value, True))}'
                         f'<span class="change {mood}">{e(change)}</span></td>')
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table></div>")
    note = t["channels_note"] + (f" {t['csv']}" if csv_name else "")
    out.append(f'<p class="note">{e(note)}' + (f' <a class="formula" href="{e(csv_name)}">{e(csv_name)}</a>' if csv_name else "") + "</p>")
    return out + [page.source("channels")]


def _trends(page: Page, con, markers: list[dict]) -> list[str]:
    t, periods = page.t, page.periods
    out = [f"<h2>{e(t['channel_trends'])}</h2><div class=\"charts\">"]
    out += _trend_charts(page, data.channel_trends(con, periods), data.weeks(periods), 7, "spend", "channel", markers)
    out += ["</div>", page.source("channel_trends"), f"<h2>{e(t['group_trends'])}</h2><div class=\"charts\">"]
    out += _trend_charts(page, data.group_trends(con, periods), data.days(periods.current), 1, "leads", "channel_group",
                         markers)
    return out + ["</div>", f'<p class="note">{e(t["markers_note"])}</p>', page.source("group_trends")]


def _trend_charts(page: Page, rows: list[dict], xs: list[dt.date], span: int, rank_by: str, column: str,
                  markers: list[dict]) -> list[str]:
    """Spend, leads, CPL and ROI at each of `xs` (each the first of `span` days: a day or a week), one line per
    series (the largest by `rank_by`, the rest summed)."""
    by_series = data.series(rows, ("spend", "leads", "revenue"), rank_by, data.TREND_SERIES, xs)
    marks = _marks(page, xs, span, markers)
    out = []
    for measure in ("spend", "leads", "cpl", "roi"):
        lines = [(page.name_text(column, name), sums[measure] if measure in ("spend", "leads") else data.rate(sums, measure),
                  page.color(name)) for name, sums in by_series.items()]
        svg = charts.lines([str(x) for x in xs], lines, page.axis(measure), lambda v, m=measure: page.value(m, v), marks,
                           short=lambda x: x[5:])  # MM-DD: the page's title names the year
        out.append(_chart(page.t[measure], svg, page.t))
    return out


def _marks(page: Page, xs: list, span: int, markers: list[dict]) -> list[tuple[int, str]]:
    """Each x (the first of `span` days) with the warn and error issues that fall on its days."""
    texts: dict[int, list[str]] = {}
    for m in markers:
        for i, x in enumerate(xs):
            if m["first_day"] <= x + dt.timedelta(days=span - 1) and m["last_day"] >= x:
                where = " / ".join(v for v in (m["channel"], m["campaign"]) if v)
                texts.setdefault(i, []).append(f"{page.t[m['severity']]}: {page.check_title(m)} {where}")
    return [(i, f"{xs[i]}: " + "; ".join(found)) for i, found in sorted(texts.items())]


def _chart(title: str, svg: str, t: dict) -> str:
    return f"<div><h3>{e(title)}</h3>{svg or '<p>' + e(t['no_data']) + '</p>'}</div>"


def _funnel(page: Page, rows: list[dict]) -> list[str]:
    t = page.t
    out = [f"<h2>{e(t['funnel'])}</h2>"]
    if not rows:
        return out + [f"<p>{e(t['no_data'])}</p>", page.source("funnel")]
    stages = [t["sessions"], t["leads"], t["new_customers"]]
    out.append(charts.stage_bars([(page.name_text("channel_group", r["channel_group"]),
                                   [float(r["sessions"]), float(r["leads"]), float(r["customers"])]) for r in rows], stages))
    out.append(f"<div class=\"scroll\"><table><tr><th>{e(t['channel_group'])}</th><th>{e(t['sessions'])}</th>"
               f"<th>{e(t['leads'])}</th><th>{e(t['new_customers'])}</th><th>{e(t['session_to_lead'])}</th>"
               f"<th>{e(t['lead_to_customer'])}</th></tr>")
    for r in rows:
        to_lead = r["leads"] / r["sessions"] if r["sessions"] else None
        to_customer = r["customers"] / r["leads"] if r["leads"] else None
        out.append(f"<tr><td>{page.name('channel_group', r['channel_group'])}</td><td class=\"num\">{r['sessions']:,.0f}</td>"
                   f"<td class=\"num\">{r['leads']:,.0f}</td><td class=\"num\">{r['customers']:,.0f}</td>"
                   f"<td class=\"num\">{e(percent(to_lead))}</td><td class=\"num\">{e(percent(to_customer))}</td></tr>")
    return out + ["</table></div>", page.source("funnel")]


def _retention(page: Page, rows: list[dict]) -> list[str]:
    t, periods = page.t, page.periods
    out = [f"<h2>{e(t['retention'])}</h2>"]
    if not rows:
        return out + [f"<p>{e(t['no_data'])}</p>", page.source("retention")]
    size = {r["cohort_month"]: r["cohort_customers"] for r in rows}
    partial = periods.current.start if periods.partial else None
    cohorts = [f"{c:%Y-%m} ({size[c]:,} {t['customers']}{', ' + t['to_date'] if c == partial else ''})"
               for c in sorted(size)]
    names = dict(zip(sorted(size), cohorts))
    offsets = sorted({r["months_since_first_order"] for r in rows})
    columns = [t["month_n"].format(n=n) for n in offsets]
    cells = {(names[r["cohort_month"]], t["month_n"].format(n=r["months_since_first_order"])): float(r["retention"] or 0)
             for r in rows}
    svg = charts.heatmap(cohorts, columns, cells, lambda v: percent(v, 0), cell=(58, 24))
    note = t["retention_note"].format(end=periods.current.end) + (f" {t['retention_partial']}" if partial else "")
    return out + [svg.replace('<svg class="chart"', '<svg class="chart heatmap"', 1), f'<p class="note">{e(note)}</p>',
                  page.source("retention")]


def _campaigns(page: Page, rows: list[dict]) -> list[str]:
    t = page.t
    out = [f"<h2>{e(t['campaigns'])}</h2>"]
    if not rows:
        return out + [f"<p>{e(t['no_data'])}</p>", page.source("campaigns")]
    measures = ("spend", "leads", "revenue", "cpl", "roi")
    head = "".join(page.header(c) for c in ("channel", "campaign", *measures))
    out.append(f'<p class="note">{e(t["campaigns_note"].format(n=len(rows)))}</p>'
               f'<div class="scroll"><table class="sortable" id="campaigns"><thead><tr>{head}</tr></thead><tbody>')
    for r in rows:
        out.append(f'<tr><td data-v="{e(r["channel"])} / {e(r["medium"])}">{d(r["channel"] + " / " + r["medium"])}</td>'
                   f'<td class="data">{e(r["campaign"])}</td>'
                   + "".join(f'<td class="num" data-v="{"" if r[m] is None else r[m]}">{e(page.value(m, r[m], True))}</td>'
                             for m in measures) + "</tr>")
    return out + ["</tbody></table></div>", page.source("campaigns")]


def _attribution(page: Page, table: dict[str, dict[str, dict]], month: dt.date) -> list[str]:
    """One table per measure (attributed leads, CPL, ROAS): a row per channel, a column per model, each
    cell with its change against lead_source, the marts' own rule."""
    t = page.t
    out = [f"<h2>{e(t['attribution'].format(month=f'{month:%Y-%m}'))}</h2>"]
    if not table:
        return out + [f"<p>{e(t['no_data'])}</p>", page.source("attribution")]
    out.append(f'<p class="note">{e(t["attribution_note"].format(as_of=page.periods.as_of))}</p>')
    models = dbt_vars()["mkpi_attribution_models"]
    channels = sorted(table, key=lambda c: (-table[c].get(BASE, {}).get("attributed_leads", 0), c))
    paid = [c for c in channels if any(m.get("spend") for m in table[c].values())]  # cost ratios need spend
    for measure, rows in (("attributed_leads", channels), ("cpl", paid), ("roas", paid)):
        head = page.header("channel") + "".join(f"<th>{e(t[m])}</th>" for m in models)
        out.append(f'<h3>{e(page.title(measure))}</h3><div class="scroll"><table class="sortable" id="attribution-{measure}">'
                   f"<thead><tr>{head}</tr></thead><tbody>")
        for channel in rows:
            base = table[channel].get(BASE, {}).get(measure)
            cells = [f'<td data-v="{e(page.name_text("channel", channel))}">{page.name("channel", channel)}</td>']
            for model in models:
                # a model that credits the channel nothing has no row: 0 leads, and its cost ratios are —
                value = table[channel].get(model, {}).get(measure, 0.0 if measure == "attributed_leads" else None)
                shown = f"{value:,.1f}" if measure == "attributed_leads" and value is not None else \
                    page.value(measure, value, True)
                change = "" if model == BASE else _change(measure, value, base)[0]  # credit moves: not better or worse
                cells.append(f'<td class="num" data-v="{"" if value is None else value}">{e(shown)}'
                             f'<span class="change">{e(change)}</span></td>')
            out.append("<tr>" + "".join(cells) + "</tr>")
        out.append("</tbody></table></div>")
    return out + [page.source("attribution")]


def _tracking(page: Page, rows: list[dict]) -> list[str]:
    t, periods = page.t, page.periods
    out = [f"<h2>{e(t['tracking'])}</h2>",
           f'<p class="note">{e(t["tracking_note"].format(as_of=periods.as_of, start=periods.current.start, end=periods.current.end))}</p>']
    if not rows:
        return out + [f"<p>{e(t['no_issues'])}</p>", page.source("tracking")]
    counts = {s: sum(1 for r in rows if r["severity"] == s) for s in ("error", "warn", "info")}
    out.append("<p>" + " · ".join(f'<span class="sev-{s}">{e(t[s])}: {n}</span>' for s, n in counts.items()) + "</p>")
    out.append(f"<div class=\"scroll\"><table><tr><th>{e(t['severity'])}</th><th>{e(t['check'])}</th>"
               f"<th>{e(t['channel'])}</th><th>{e(t['days'])}</th><th>{e(t['rows'])}</th><th>{e(t['fix'])}</th></tr>")
    for r in rows:
        where = " / ".join(str(v) for v in (r["channel"], r["medium"], r["campaign"]) if v) or "—"
        days = "—" if r["period_start"] is None else str(r["period_start"]) + (
            "" if r["period_end"] == r["period_start"] else f" – {r['period_end']}")
        out.append(f'<tr><td class="sev-{e(r["severity"])}">{e(t.get(r["severity"], r["severity"]))}</td>'
                   f'<td>{e(page.check_title(r))}</td><td>{d(where)}</td><td class="days">{e(days)}</td>'
                   f'<td class="num">{e(number(r["rows_affected"], 0))}</td>'
                   f'<td class="data">{e(r["message_zh" if page.lang == "zh" else "message"])}</td></tr>')
    out.append(f'</table></div><p class="note">{e(t["checks_doc"])} <span class="formula">docs/tracking-checks.md</span></p>')
    return out + [page.source("tracking")]


def write_channel_csv(con, month: str, path: Path) -> Path:
    """The channel table of the month as CSV: each measure, its value in the month before and the change."""
    periods = data.periods(con, month)
    now, before = data.channel_table(con, periods.current), data.channel_table(con, periods.previous)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["month", "first_day", "last_day", "partial", "channel"]
                   + [f"{c}{suffix}" for c in data.CHANNEL_COLUMNS for suffix in ("", "_previous", "_change")])
        for channel in sorted(now, key=lambda c: (-now[c]["spend"], c)):
            cells = []
            for c in data.CHANNEL_COLUMNS:
                value, last = now[channel][c], before.get(channel, {}).get(c)
                cells += [_csv_number(value), _csv_number(last), _change(c, value, last)[0]]
            w.writerow([month, periods.current.start, periods.current.end, "yes" if periods.partial else "no",
                        channel, *cells])
    return path


def _csv_number(value) -> str:
    return "" if value is None else str(round(value, 4))


def write_dashboard(warehouse_path: Path, out_dir: Path, month: str | None = None, langs=("en", "zh")) -> list[Path]:
    """The dashboard for `month` in each language with its channel CSV; without a month, the nightly pages:
    the latest complete month and the month to date (dashboard_data.pages)."""
    con = warehouse.connect(warehouse_path, read_only=True)
    try:
        months = [month] if month else [m for m in data.pages(con) if m]
        written = []
        for shown in months:
            out_dir.mkdir(parents=True, exist_ok=True)
            csv_path = write_channel_csv(con, shown, out_dir / f"dashboard-{shown}.channels.csv")
            written += write_languages(out_dir, f"dashboard-{shown}", langs, lambda lang, m=shown: build_dashboard(
                con, m, lang, _links(m, months, lang, csv_path.name)))
            written.append(csv_path)
        return written
    finally:
        con.close()


def _links(month: str, months: list[str], lang: str, csv_name: str) -> dict[str, str]:
    """The page's links: the other nightly page, the other language, its CSV."""
    other = "zh" if lang == "en" else "en"
    links = {"other_lang": f"dashboard-{month}.{other}.html", "csv": csv_name}
    for m in months:
        if m != month:
            links["to_date_page" if m > month else "month"] = f"dashboard-{m}.{lang}.html"
    return links

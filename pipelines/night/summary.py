"""The short report `mkpi run` prints: what was published, the best channels, what was quarantined."""

from __future__ import annotations

import textwrap
from pathlib import Path

from pipelines.night import warehouse
from pipelines.reporting.labels import VALUES
from pipelines.scoring.flags import FLAGS

TOP_N = 5
TOP_ISSUES = 12


def _table(rows: list[tuple], headers: list[str]) -> list[str]:
    cells = [[str(h) for h in headers]] + [["" if v is None else str(v) for v in r] for r in rows]
    widths = [max(len(c[i]) for c in cells) for i in range(len(headers))]
    return ["  " + "  ".join(c[i].ljust(widths[i]) for i in range(len(headers))).rstrip() for c in cells]


def render_summary(path: Path, seconds: float, alert_lines: list[str] | None = None) -> str:
    con = warehouse.connect(path, read_only=True)
    try:
        return "\n".join([*_sections(con, path, seconds), *(alert_lines or [])])
    finally:
        con.close()


def issues_table(path: Path) -> tuple[str, int]:
    """Every current tracking issue, most severe first, for `mkpi checks`; and how many are errors."""
    con = warehouse.connect(path, read_only=True)
    try:
        rows = con.execute(
            f"""SELECT severity, check_name, coalesce(channel, ''), coalesce(campaign, ''),
                       cast(period_start AS VARCHAR) || ' .. ' || cast(period_end AS VARCHAR), rows_affected, message
                FROM marts.fct_tracking_issues ORDER BY {SEVERITY_ORDER}, check_name, channel, campaign"""
        ).fetchall()
    finally:
        con.close()
    if not rows:
        return f"No tracking issues in {path}.", 0
    errors = sum(1 for r in rows if r[0] == "error")
    return "\n".join(_table(rows, ["severity", "check", "channel", "campaign", "days", "rows", "what to fix"])), errors


def _sections(con, path: Path, seconds: float):
    settings = con.execute("SELECT reporting_currency, as_of_date FROM marts.dim_run_settings").fetchall()[0]
    currency = settings[0]
    yield f"Published {path} in {seconds:.1f} s (as of {settings[1]}, money in {currency})."
    tables = con.execute(
        """SELECT table_name, estimated_size FROM duckdb_tables() WHERE schema_name = 'marts' ORDER BY table_name"""
    ).fetchall()
    yield "\nTables in schema marts:"
    yield from _table([(t, f"{n:,}") for t, n in tables], ["table", "rows"])
    totals = """SELECT channel, sum(spend) AS spend, sum(leads) AS leads, sum(revenue) AS revenue
                FROM marts.fct_channel_rollup_daily GROUP BY channel"""
    first, last = con.execute("SELECT min(date), max(date) FROM marts.fct_channel_rollup_daily").fetchall()[0]
    over = f" over {first} .. {last}" if first else ""
    by_cpl = con.execute(
        f"""SELECT channel, round(spend / leads, 2), leads, spend FROM ({totals})
            WHERE spend > 0 AND leads > 0 ORDER BY spend / leads, channel LIMIT {TOP_N}"""
    ).fetchall()
    yield f"\nTop channels by CPL{over} (lowest cost per lead, {currency}):"
    yield from _table(by_cpl, ["channel", "cpl", "leads", "spend"]) if by_cpl else ["  (no channel has both spend and leads)"]
    by_roi = con.execute(
        f"""SELECT channel, round((revenue - spend) / spend, 2), revenue, spend FROM ({totals})
            WHERE spend > 0 ORDER BY (revenue - spend) / spend DESC, channel LIMIT {TOP_N}"""
    ).fetchall()
    yield f"\nTop channels by ROI{over} ((revenue - spend) / spend):"
    yield from _table(by_roi, ["channel", "roi", "revenue", "spend"]) if by_roi else ["  (no channel has spend)"]
    yield from _tracking_section(con)
    yield from _scoring_section(con)
    quarantined = con.execute(
        """SELECT kind, stage, count(DISTINCT (file, line)) AS rows, any_value(file || ':' || line || ' ' || reason)
           FROM marts.fct_quarantined_rows GROUP BY kind, stage ORDER BY kind, stage"""
    ).fetchall()
    total = sum(r[2] for r in quarantined if r[1] != "file")
    files = sum(r[2] for r in quarantined if r[1] == "file")
    yield (f"\nQuarantined rows: {total:,}" + (f", files not read: {files:,}" if files else "")
           + " (query marts.fct_quarantined_rows for file, line and reason)")
    if quarantined:
        yield from _table(quarantined, ["kind", "stage", "rows", "example"])


WRAP = 100  # columns of the summary's long lines
SEVERITY_ORDER = "CASE severity WHEN 'error' THEN 0 WHEN 'warn' THEN 1 ELSE 2 END"


def _tracking_section(con):
    issues = con.execute(
        f"""SELECT severity, check_name, coalesce(channel, '') || coalesce(' / ' || campaign, ''), message
            FROM marts.fct_tracking_issues ORDER BY {SEVERITY_ORDER}, check_name, channel, campaign"""
    ).fetchall()
    counts = {}
    for severity, *_ in issues:
        counts[severity] = counts.get(severity, 0) + 1
    tally = ", ".join(f"{n} {s}" for s, n in counts.items()) or "none"
    yield f"\nTracking issues: {tally} (query marts.fct_tracking_issues; docs/tracking-checks.md says how to fix each)"
    for severity, check, where, message in issues[:TOP_ISSUES]:
        # Wrapped under its first line: a sentence of 300 characters stays readable in a terminal and a log.
        yield textwrap.fill(f"[{severity}] {check} {where}: {message}", WRAP, initial_indent="  ",
                            subsequent_indent="      ", break_long_words=False, break_on_hyphens=False)
    if len(issues) > TOP_ISSUES:
        yield f"  … and {len(issues) - TOP_ISSUES} more"


def _scoring_section(con):
    latest = con.execute(
        """SELECT max(period) FROM marts.employee_scorecards WHERE period_type = 'month'""").fetchall()[0][0]
    if latest is None:
        yield "\nKPI scorecards: none (no roster, or no month has ended since the data starts)."
        return
    grades = con.execute(
        """SELECT coalesce(grade, status), count(*) FROM marts.employee_scorecards
           WHERE period = ? GROUP BY 1 ORDER BY min(coalesce(-total, 1e9))""", [latest]).fetchall()
    names = {**VALUES["en"]["data_status"], **VALUES["en"].get("grade", {})}  # the report's words for each state
    yield f"\nKPI scorecards for {latest}: " + ", ".join(f"{n} {names.get(g, g)}" for g, n in grades)
    flagged = con.execute(
        """SELECT employee_id || ' ' || name, list(flag ORDER BY flag) FROM marts.scorecard_flags
           WHERE period = ? GROUP BY 1 ORDER BY 1""", [latest]).fetchall()
    labels = {f.name: f.label_en for f in FLAGS}
    for who, raised in flagged:
        yield f"  {who}: {', '.join(labels[f] for f in raised)}"

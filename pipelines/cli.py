"""`mkpi`: the command line a marketing-ops engineer runs.

Over 300 lines because the argparse definition of every command, with its help text, is here; each
handler only parses arguments and calls the module that does the work."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from pipelines.settings import ENGINES

DESCRIPTION = """\
mkpi turns your marketing exports (ad spend, web sessions, CRM leads and orders,
exchange rates) into one DuckDB file of trustworthy channel metrics: spend, CPL,
CAC, conversion, ROAS/ROI and retention, per day and month, channel, medium and
campaign."""


def _run(args) -> int:
    started = time.perf_counter()
    from pipelines.night import night_inputs, run_lock, run_process
    from pipelines.configuration.mkpi_yml import ConfigError, load_config
    from pipelines.settings import Settings

    settings = Settings.from_env(source_dir=args.source_dir, warehouse=args.warehouse, config_file=args.config,
                                 kpi_config=args.kpi_config, engine=args.engine,
                                 allow_future_as_of=args.allow_future_as_of or None)
    if run_process.is_worker():
        run_process.watch_supervisor(settings.build_path)
    try:
        config = load_config(settings.config_file)
    except ConfigError as err:  # without a valid config there is no sink to alert
        print(f"error: {err}", file=sys.stderr)
        return 2
    try:
        with run_lock.hold(settings.warehouse, wait=args.wait, on_wait=lambda m: print(m, file=sys.stderr, flush=True)):
            unchanged = None if args.full_refresh else _nothing_new(settings, config)
            if unchanged:
                print(unchanged)
                return 0
            night_inputs.forget(settings)
            code, outcome = _run_locked(args, settings, config, started)
            if code == 0:
                night_inputs.remember(settings, config.as_of())
    except run_lock.RunInProgress as err:
        print(f"error: {err}", file=sys.stderr)
        return 3
    if outcome is not None:  # the lock is released: the next night can start while the sinks answer
        from pipelines.orchestration.nightly import alert_after_run

        outcome = alert_after_run(settings, outcome)
    if code == 0:
        _print_summary(settings, outcome)
    return code


def _nothing_new(settings, config) -> str | None:
    """The one line of a night whose inputs are the last good night's (night_inputs); None when it has work."""
    from pipelines.configuration.sources_yml import SourcesConfigError, load_sources
    from pipelines.night import night_inputs

    try:
        api_sources = len(load_sources(settings.sources_file).enabled)
    except SourcesConfigError:
        return None  # the night's pre-flight says what is wrong
    return night_inputs.nothing_new(settings, config.as_of(), api_sources)


def _run_locked(args, settings, config, started: float):
    """Pre-flight and the night, under the run lock: (exit code, the night's outcome or None)."""
    from connectors.errors import SourceError
    from pipelines.night import step_timings
    from pipelines.configuration.mkpi_yml import ConfigError
    from pipelines.orchestration.nightly import preflight, run_nightly
    from pipelines.scoring.config import KpiConfigError
    from pipelines.configuration.sources_yml import SourcesConfigError
    from pipelines.building.spark_engine import SparkUnavailable

    try:
        for warning in preflight(settings):
            print(f"warning: {warning}", file=sys.stderr)
    except (ConfigError, KpiConfigError, SourcesConfigError, SourceError, FileNotFoundError, SparkUnavailable) as err:
        print(f"error: {err}", file=sys.stderr)
        _alert_failure(config, str(err), settings)
        return 2, None
    print(f"Running the nightly job on {settings.source_dir} (dbt progress: {settings.run_log}) ...", flush=True)
    step_timings.announce_to(sys.stdout)  # the terminal, before the run sends stdout to its log
    outcome = run_nightly(settings, full_refresh=args.full_refresh, started=started, alert=False)
    for warning in outcome.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if not outcome.success:
        print(f"error: {outcome.error}", file=sys.stderr)
        _alert_failure(config, outcome.error, settings)
        done = (f"The marketing marts were published to {settings.warehouse}" if outcome.published
                else f"The published file {settings.warehouse} was left as it was")
        print(f"{done}; details in {settings.run_log}.", file=sys.stderr)
        return 1, outcome
    return 0, outcome


def _print_summary(settings, outcome) -> None:
    from pipelines.night import step_timings
    from pipelines.alerting.dispatch import load_report
    from pipelines.night.summary import render_summary

    report = load_report(settings.state_dir)
    lines = _landing_lines(settings) + (report.lines() if report else []) + _report_lines(settings)
    print(render_summary(settings.warehouse, outcome.seconds, lines + [step_timings.line(outcome.steps)]))


def _published(settings) -> bool:
    """Commands that read the published warehouse say so when there is none yet."""
    if settings.warehouse.exists():
        return True
    print(f"error: {settings.warehouse} does not exist yet; run `mkpi run` first", file=sys.stderr)
    return False


def _landing_lines(settings) -> list[str]:
    from pipelines.sources import landing_notes

    notes = landing_notes.load(settings.state_dir)["lines"]
    return ([f"\nLanding notes ({len(notes)}):"] + [f"  {line}" for line in notes]) if notes else []


TO_DATE_PAGE = "-to-date.en.html"


def _report_lines(settings) -> list[str]:
    """The pages the night wrote: the dashboard's last complete month and month to date, the KPI report."""
    from pipelines.night import warehouse
    from pipelines.reporting.dashboard_data import pages as dashboard_months

    complete, to_date = warehouse.read_if_readable(settings.warehouse, dashboard_months, (None, None))
    found = [("Dashboard", settings.reports_dir / f"dashboard-{complete}.en.html"),
             ("Dashboard, month to date", settings.reports_dir / f"dashboard-{to_date}.en.html")]
    reports = sorted((p for p in settings.reports_dir.glob("kpi-report-*.en.html") if not p.name.endswith(TO_DATE_PAGE)),
                     key=lambda p: p.stat().st_mtime)
    found += [("KPI report", reports[-1])] if reports else []
    if to_date:  # the month in progress only: an earlier month's page may still be in the folder
        found.append(("KPI report, month to date", settings.reports_dir / f"kpi-report-{to_date}{TO_DATE_PAGE}"))
    lines = []
    for label, page in found:
        if page.exists():
            chinese = page.with_name(page.name.replace(".en.html", ".zh.html"))
            lines.append(f"{label}: {page}" + (f"  (中文: {chinese.name})" if chinese.exists() else ""))
    return lines


def _alert_failure(config, error: str, settings) -> None:
    from pipelines.alerting.dispatch import send_failure_alert
    from pipelines.alerting.sinks import check_sinks

    said = {str(problem) for problem in check_sinks(config.alert_sinks)}  # pre-flight named these already
    for delivery in send_failure_alert(config, "nightly", error, where=f"mkpi run on {settings.source_dir}"):
        if not delivery.ok and delivery.detail not in said:
            print(f"warning: alert sink {delivery.sink} failed: {delivery.detail}", file=sys.stderr)


def _checks(args) -> int:
    from pipelines.settings import Settings
    from pipelines.night.summary import issues_table

    settings = Settings.from_env(warehouse=args.warehouse)
    if not _published(settings):
        return 2
    text, errors = issues_table(settings.warehouse)
    print(text)
    if errors:  # scripts can act on error-level issues; a person reading the exit code is told why
        print(f"exit code 1: {errors} error-level issue(s) above; numbers that depend on them may be wrong",
              file=sys.stderr)
    return 1 if errors else 0


def _sql(args) -> int:
    """`mkpi sql`: the published file read-only, through the DuckDB this project installs (a DuckDB 2.0 file;
    the `duckdb` command on the package index is older and cannot open it)."""
    import duckdb

    from pipelines.night import warehouse
    from pipelines.settings import Settings

    settings = Settings.from_env(warehouse=args.warehouse)
    if not _published(settings):
        return 2
    try:
        con = warehouse.connect(settings.warehouse, read_only=True)
    except duckdb.Error as err:  # a damaged file, say
        print(f"error: {settings.warehouse} cannot be opened: {str(err).strip().splitlines()[0]}", file=sys.stderr)
        return 1
    try:
        if args.query:
            return _show(con, args.query)
        print(f"{settings.warehouse}, read-only. One statement per line; an empty line or Ctrl-D ends.")
        failed = 0
        while (line := _read_line("sql> ")) is not None and line.strip():
            failed += _show(con, line)
        return 1 if failed else 0
    finally:
        con.close()


def _read_line(prompt: str) -> str | None:
    try:
        return input(prompt if sys.stdin.isatty() else "")
    except EOFError:
        return None


def _show(con, query: str) -> int:
    import duckdb

    try:  # a statement's errors can surface when it is parsed or only when its rows are read
        relation = con.sql(query)
        if relation is not None:
            relation.show(max_width=200, max_rows=200)
    except duckdb.Error as err:
        print(f"error: {str(err).strip().splitlines()[0]}", file=sys.stderr)
        return 1
    return 0


def _explain(args) -> int:
    from pipelines.night import warehouse
    from pipelines.scoring.explain import explain
    from pipelines.settings import Settings

    settings = Settings.from_env(warehouse=args.warehouse)
    if not _published(settings):
        return 2
    con = warehouse.connect(settings.warehouse, read_only=True)
    try:
        text = explain(con, args.person, args.period)
    finally:
        con.close()
    print(text)
    return 0 if not text.startswith("No scorecard") else 1


def _waive(args) -> int:
    """`mkpi waive`: record that a tracking issue does not stop a period's KPIs."""
    from pipelines.night import run_lock, warehouse
    from pipelines.configuration.mkpi_yml import tracking_checks
    from pipelines.scoring import closing
    from pipelines.settings import Settings

    settings = Settings.from_env(warehouse=args.warehouse)
    if not _published(settings):
        return 2
    reason = (args.reason or "").strip()
    if not reason:
        print("error: a waiver needs a reason that stays on record: --reason \"...\"", file=sys.stderr)
        return 2
    if args.check not in tracking_checks():
        print(f"error: {args.check!r} is not a tracking check (one of {', '.join(tracking_checks())})", file=sys.stderr)
        return 2
    waiver = closing.Waiver(args.check, args.channel, args.campaign, reason)
    found = warehouse.read_if_readable(settings.warehouse, lambda con: [
        i for i in warehouse.records(con, "SELECT check_name, channel, campaign FROM marts.fct_tracking_issues")
        if waiver.covers(i)], [])
    try:
        with run_lock.hold(settings.warehouse), closing.Store(closing.store_path(settings.state_dir)) as store:
            store.waive(args.period, waiver)
    except (closing.ClosingError, run_lock.RunInProgress) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    where = " / ".join(v for v in (args.channel, args.campaign) if v) or "every channel"
    print(f"{args.period}: {args.check} on {where} no longer stops KPIs from the next run ({reason}); on record in "
          f"marts.scoring_period_events.")
    if not found:
        print(f"note: last night's file has no {args.check} issue on {where}; the waiver applies if one appears.",
              file=sys.stderr)
    return 0


def _close(args) -> int:
    """`mkpi close` and `mkpi reopen`: change a period's status in the state folder's ledger."""
    from pipelines.night import run_lock, state_folder, warehouse
    from pipelines.scoring import closing
    from pipelines.settings import Settings

    settings = Settings.from_env(warehouse=args.warehouse)
    if not _published(settings):
        return 2
    note = state_folder.adopt_legacy_state(settings)
    if note:
        print(f"note: {note}", file=sys.stderr)
    reason = (args.reason or "").strip() or None
    if args.command == "reopen" and not reason:
        print("error: a reopened period needs a reason that stays on record: --reason \"...\"", file=sys.stderr)
        return 2
    try:
        with run_lock.hold(settings.warehouse), closing.Store(closing.store_path(settings.state_dir)) as store:
            if args.command == "reopen":
                store.reopen(args.period, reason)
                print(f"{args.period} is provisional again ({reason}); the next run scores it from tonight's data "
                      f"and it stays provisional until `mkpi close {args.period}`.")
                return 0
            con = warehouse.connect(settings.warehouse, read_only=True)
            try:
                frozen = closing.close_published(store, con, args.period, reason)
            finally:
                con.close()
    except (closing.ClosingError, run_lock.RunInProgress) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    print(f"{args.period} is final: {frozen} scorecard(s) frozen as published; later runs keep them unchanged "
          "and publish them as final.")
    return 0


def _snapshots(args) -> int:
    from pipelines.night import snapshots
    from pipelines.settings import Settings

    settings = Settings.from_env(warehouse=args.warehouse)
    found = snapshots.listing(settings.warehouse)
    if not found:
        print(f"No snapshots of {settings.warehouse} yet: each successful run keeps one in "
              f"{snapshots.folder(settings.warehouse)}.")
        return 1
    counted = [t for t in snapshots.COUNTED if any(t in s for s in found)]
    print("as of       " + "  ".join(f"{t:>22}" for t in counted) + "       size  file")
    for s in found:
        print(f"{s['as_of']}  " + "  ".join(f"{s.get(t, ''):>22,}" if t in s else f"{'':>22}" for t in counted)
              + f"  {s['bytes'] / 2**20:7.1f} MB  {s['path']}")
    return 0


def _report(args) -> int:
    from pipelines.reporting.report import write_report
    from pipelines.reporting.to_date import write_to_date_report
    from pipelines.settings import Settings

    settings = Settings.from_env(warehouse=args.warehouse, reports_dir=args.out, kpi_config=args.kpi_config)
    if not _published(settings):
        return 2
    langs = tuple(args.lang or ("en", "zh"))
    if args.to_date:
        written = write_to_date_report(settings.warehouse, settings.kpi_config, settings.state_dir,
                                       settings.reports_dir, langs)
        if not written:
            print("No month in progress to report (the as-of date is the 1st, or there is no roster).")
            return 1
    else:
        written = write_report(settings.warehouse, settings.reports_dir, args.period, langs=langs)
    if not written:
        print(f"No scorecards for {args.period} in {settings.warehouse}." if args.period else "No scorecards to report yet.")
        return 1
    for path in written:
        print(path)
    return 0


def _dashboard(args) -> int:
    from pipelines.reporting.dashboard import write_dashboard
    from pipelines.reporting.dashboard_data import PeriodError
    from pipelines.settings import Settings

    settings = Settings.from_env(warehouse=args.warehouse, reports_dir=args.out)
    if not _published(settings):
        return 2
    try:
        written = write_dashboard(settings.warehouse, settings.reports_dir, args.period, langs=tuple(args.lang or ("en", "zh")))
    except PeriodError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    for path in written:
        print(path)
    return 0


def _alert(args) -> int:
    from pipelines.alerting.dispatch import broadcast
    from pipelines.alerting.messages import sample_alert
    from pipelines.configuration.mkpi_yml import ConfigError, load_config
    from pipelines.settings import Settings

    settings = Settings.from_env(config_file=args.config)
    try:
        config = load_config(settings.config_file)
    except ConfigError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if not config.alert_sinks:
        print(f"No alert sinks configured in {settings.config_file} (alerts.sinks).")
        return 1
    deliveries = broadcast(config, sample_alert())
    for d in deliveries:
        print(f"{d.sink}: {'sent' if d.ok else 'FAILED - ' + d.detail}")
    return 0 if all(d.ok for d in deliveries) else 1


def _demo_data(args) -> int:
    from pipelines.sources.demo_data import generate

    counts = generate(Path(args.dir), seed=args.seed, days=args.days, scale=args.scale, end_date=args.end_date)
    print(f"Wrote a demo organisation to {args.dir}: " + ", ".join(f"{n:,} {k}" for k, n in counts.items()))
    return 0


def _sources(args) -> int:
    from pipelines.sources import pulling
    from pipelines.configuration.mkpi_yml import ConfigError, load_config
    from pipelines.settings import Settings
    from pipelines.configuration.sources_yml import SourcesConfigError, load_sources

    settings = Settings.from_env(config_file=args.config, sources_file=args.sources, warehouse=args.warehouse)
    try:
        config = load_config(settings.config_file)
        sources = load_sources(settings.sources_file)
        chosen = [sources.get(args.name)] if getattr(args, "name", None) else sources.enabled
    except (ConfigError, SourcesConfigError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if not chosen:
        print(f"No API sources enabled in {settings.sources_file} (see docs/connectors.md).")
        return 1
    if args.action == "check":
        lines = [pulling.check(settings, spec, config.as_of()) for spec in chosen]
        print("\n".join(lines))
        return 1 if any(line.startswith("FAIL") for line in lines) else 0
    failed = False
    for spec in chosen:
        for kind in spec.kinds:
            outcome = pulling.pull(settings, spec, kind, as_of=config.as_of(), since=args.since,
                                   total_share=config.tracking_setting("source_total_share"))
            if outcome.ok:
                r = outcome.result
                kept = (f"; {r.kept_days} re-fetched account day(s) did not add up to the account total, their "
                        f"stored rows kept" if r.kept_days else "")
                print(f"ok    {spec.name} {kind}: {r.rows:,} rows in {r.pages} page(s), {r.window}{kept}")
            else:
                failed = True
                print(f"FAIL  {spec.name} {kind}: {outcome.error}")
    print(f"Pulled into {settings.pull_store}; the next `mkpi run` builds the marts from it.")
    return 1 if failed else 0


def _iso_date(text: str):
    import datetime as dt

    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date written as YYYY-MM-DD") from None


def _period(text: str) -> str:
    from pipelines.scoring.periods import parse

    try:
        return parse(text.strip().upper()).label
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def _month(text: str) -> str:
    import re

    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", text.strip()):
        raise argparse.ArgumentTypeError(f"{text!r} is not a month written as YYYY-MM (for example 2026-11)")
    return text.strip()


def _warehouse_option(command) -> None:
    command.add_argument("--warehouse", metavar="FILE", help="published DuckDB file (default: data/warehouse.duckdb)")


def _page_options(command) -> None:
    """What the HTML pages (report, dashboard) are written in, where, and from which file."""
    command.add_argument("--lang", choices=["en", "zh"], action="append",
                         help="only this language (English or Chinese); default: both")
    command.add_argument("--out", metavar="DIR", help="folder to write to (default: data/reports)")
    _warehouse_option(command)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mkpi", description=DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser(
        "run", help="run the nightly job now: load exports, rebuild the metrics, publish the file",
        description="Load every export in the source folder, rebuild all metrics and publish the DuckDB "
        "file analysts query. The published file is replaced only if the whole run succeeds; analysts "
        "who have it open keep working. Rows that cannot be read are kept in marts.fct_quarantined_rows "
        "with file, line and reason.",
    )
    run.add_argument("--source-dir", metavar="DIR", help="folder of exports (default: data/sample or $MKPI_SOURCE_DIR)")
    run.add_argument("--warehouse", metavar="FILE", help="DuckDB file to publish (default: data/warehouse.duckdb or $MKPI_WAREHOUSE)")
    run.add_argument("--config", metavar="FILE", help="run settings: currency, time zone, schedule (default: mkpi.yml or $MKPI_CONFIG)")
    run.add_argument("--kpi-config", metavar="FILE", help="roles, KPIs, targets and weights (default: kpi.yml or $MKPI_KPI_CONFIG)")
    run.add_argument("--full-refresh", action="store_true",
                     help="rebuild everything from the exports instead of only what changed since the last run")
    run.add_argument("--wait", action="store_true",
                     help="if another run on the same warehouse is in progress, wait for it instead of exiting")
    run.add_argument("--engine", choices=ENGINES, help="where dbt builds the models (default: duckdb or $MKPI_ENGINE; "
                     "spark: docs/scale-out.md)")
    run.add_argument("--allow-future-as-of", action="store_true",
                     help="for tests and rehearsals on fixed data: accept a reporting.as_of_date after today "
                     "(or $MKPI_ALLOW_FUTURE_AS_OF=1); a real night refuses it")
    run.set_defaults(handler=_run)

    demo = commands.add_parser(
        "demo-data", help="write a realistic made-up organisation's exports to try mkpi on",
        description="Write a synthetic but realistic set of exports (Google Ads, Meta and Baidu spend in "
        "USD and CNY, sessions with real-looking URLs and referrers, CRM leads and orders with refunds "
        "and repeat purchases, FX rates, team and social data) including a few deliberate tracking "
        "mistakes. The same seed always writes the same files.",
    )
    demo.add_argument("dir", metavar="DIR", help="folder to write the exports to (created if missing)")
    demo.add_argument("--seed", type=int, default=7, help="random seed; same seed, same data (default 7)")
    demo.add_argument("--days", type=int, default=None, help="days of history ending yesterday (default depends on --scale)")
    demo.add_argument("--scale", choices=["small", "medium", "large", "xlarge"], default="small",
                      help="small: ~60k sessions; medium: ~1M; large: ~20M; xlarge: ~100M (default small)")
    demo.add_argument("--end-date", type=_iso_date, default=None, metavar="YYYY-MM-DD",
                      help="last day of data (default: yesterday); same seed and end date, same files")
    demo.set_defaults(handler=_demo_data)
    checks = commands.add_parser(
        "checks", help="list the broken-tracking issues found by the last run",
        description="Print the current tracking issues (typos in utm_campaign, spend without traffic, lost tags, "
        "tracking breaks, ...) from the published warehouse, most severe first, each with what to fix.",
    )
    _warehouse_option(checks)
    checks.set_defaults(handler=_checks)

    sql = commands.add_parser(
        "sql", help="query the published file (read-only), as the README's examples do",
        description="Run one SQL statement against the published warehouse, read-only, and print the result; "
        "without a statement, read statements one per line. Uses the DuckDB mkpi installs, which opens the "
        "file's format (older DuckDB shells cannot).",
    )
    sql.add_argument("query", nargs="?", help="a statement, e.g. \"SELECT * FROM marts.fct_channel_monthly LIMIT 5\"")
    _warehouse_option(sql)
    sql.set_defaults(handler=_sql)

    explain = commands.add_parser(
        "explain", help="show how one person's KPI score for one period was made",
        description="Print a person's scorecard for a month (2026-10) or quarter (2026-Q4): each KPI's actual, "
        "target, achievement and points, the formula behind the actual and the marketing rows it came from.",
    )
    explain.add_argument("--person", required=True, metavar="ID", help="employee id from the roster")
    explain.add_argument("--period", required=True, metavar="PERIOD", type=_period, help="a month like 2026-10 or a quarter like 2026-Q4")
    _warehouse_option(explain)
    explain.set_defaults(handler=_explain)

    snaps = commands.add_parser(
        "snapshots", help="list the nightly snapshots kept beside the published file",
        description="Each successful run keeps the published file as a dated, read-only snapshot in snapshots/ "
        "beside it (mkpi.yml snapshots.keep, default 14). This lists them with their as-of date, the row counts of "
        "the main marts and their size; docs/operations.md shows how to compare two nights with ATTACH.",
    )
    _warehouse_option(snaps)
    snaps.set_defaults(handler=_snapshots)

    for name, summary, description, reason in (
        ("close", "make a scored period final now, before its close date",
         "Freeze a period's scorecards, KPI scores and flags as the published file shows them: later runs, late "
         "data and full rebuilds never change a final period. Periods close by themselves on kpi.yml's "
         "closing.close_day (default the 5th) of the month after they end.",
         "why it is closed early (kept in the period log)"),
        ("reopen", "make a final period provisional again, with a reason that stays on record",
         "Reopen a final period: the next run scores it again from the data of that night, and it stays "
         "provisional until `mkpi close PERIOD`. The reason is kept in marts.scoring_period_events.",
         "why it is reopened (required; kept on record)"),
    ):
        command = commands.add_parser(name, help=summary, description=description)
        command.add_argument("period", metavar="PERIOD", type=_period, help="a month like 2026-10 or a quarter like 2026-Q4")
        command.add_argument("--reason", required=name == "reopen", metavar="TEXT", help=reason)
        _warehouse_option(command)
        command.set_defaults(handler=_close)

    waive = commands.add_parser(
        "waive", help="let a period's KPIs be scored despite a tracking issue, with a reason on record",
        description="Waive an error-level tracking issue for a provisional period's scoring: from the next run its "
        "KPIs are scored even where the issue touches their numbers, with a note on each. The waiver covers every "
        "issue of the check, or only those on --channel and/or --campaign. The reason is kept in "
        "marts.scoring_period_events. A final period must be reopened first.")
    waive.add_argument("period", metavar="PERIOD", type=_period, help="a month like 2026-10 or a quarter like 2026-Q4")
    waive.add_argument("--check", required=True, metavar="CHECK", help="the tracking check, like sessions_drop")
    waive.add_argument("--channel", metavar="CHANNEL", help="only the issues on this channel")
    waive.add_argument("--campaign", metavar="CAMPAIGN", help="only the issues on this campaign")
    waive.add_argument("--reason", required=True, metavar="TEXT", help="why the numbers can be used (kept on record)")
    _warehouse_option(waive)
    waive.set_defaults(handler=_waive)

    report = commands.add_parser(
        "report", help="write the HTML KPI report and the scorecards CSV for a period",
        description="Write a static HTML report for a month (2026-10) or quarter (2026-Q4): the team's grade "
        "distribution, ranking and trend, what to approve, then each person's scorecard with every KPI, a chart of "
        "points against weight and their trend; plus a CSV and a workbook of the scorecards. The nightly run writes "
        "the latest month's report and the month to date's.",
    )
    chosen = report.add_mutually_exclusive_group()
    chosen.add_argument("--period", metavar="PERIOD", type=_period,
                        help="2026-10 or 2026-Q4 (default: the latest month scored)")
    chosen.add_argument("--to-date", action="store_true",
                        help="the month in progress, scored on pace from the published file (provisional, not stored)")
    report.add_argument("--kpi-config", metavar="FILE", help="kpi.yml for --to-date (default: kpi.yml or $MKPI_KPI_CONFIG)")
    _page_options(report)
    report.set_defaults(handler=_report)

    dashboard = commands.add_parser(
        "dashboard", help="write the channel dashboard (HTML) for a month",
        description="Write the marketing dashboard for a month as one static HTML page per language: spend, "
        "leads, new customers, revenue, CPL, CAC, ROAS and ROI against the month before, every channel's "
        "performance (also as CSV), trends per channel and channel group with tracking issues marked, the "
        "funnel, customer retention, every campaign and tracking health. Each panel names the mart it reads. "
        "Without --period it writes what the nightly run writes: the last complete month and the month to date.",
    )
    dashboard.add_argument("--period", metavar="YYYY-MM", type=_month,
                           help="the month, like 2026-11 (default: the last complete month and the month to date)")
    _page_options(dashboard)
    dashboard.set_defaults(handler=_dashboard)

    alert = commands.add_parser(
        "alert", help="send a test message to every configured alert sink",
        description="Send a short test message (with some Chinese text) to every sink in mkpi.yml's alerts "
        "section - Slack, Feishu/Lark, DingTalk, WeCom, webhook, e-mail - and say which ones received it.",
    )
    alert.add_argument("--test", action="store_true", required=True, help="send the test message")
    alert.add_argument("--config", metavar="FILE", help="run settings with the alerts section (default: mkpi.yml)")
    alert.set_defaults(handler=_alert)

    sources = commands.add_parser(
        "sources", help="check or pull the API sources of sources.yml (Google Ads, Meta, HubSpot, GA4, ...)",
        description="check: validate sources.yml and make one authenticated request per source, one line each. "
        "pull: fetch what is new (plus the look-back window) into the pull store without building; the next "
        "`mkpi run` lands it. Credentials come from the environment variables sources.yml names.",
    )
    sources.add_argument("action", choices=["check", "pull"])
    sources.add_argument("name", nargs="?", help="only this source (default: every enabled source)")
    sources.add_argument("--since", type=_iso_date, metavar="YYYY-MM-DD",
                         help="pull: re-fetch from this day instead of from the last pull (backfill)")
    sources.add_argument("--sources", metavar="FILE", help="sources file (default: sources.yml or $MKPI_SOURCES)")
    sources.add_argument("--config", metavar="FILE", help="run settings, for the as-of date (default: mkpi.yml)")
    _warehouse_option(sources)  # whose pull store and token store (both beside the warehouse)
    sources.set_defaults(handler=_sources)
    return parser


def main(argv: list[str] | None = None) -> int:
    from pipelines.night import run_process

    argv = sys.argv[1:] if argv is None else argv
    args = build_parser().parse_args(argv)
    if args.command == "run" and not run_process.is_worker():
        from pipelines.settings import Settings

        # Stopping `mkpi run` then stops everything it started.
        return run_process.supervise(argv, Settings.from_env(warehouse=args.warehouse).build_path)
    return args.handler(args)


if __name__ == "__main__":
    code = main()
    from pipelines.night import run_process

    if run_process.is_worker():
        run_process.exit_worker(code)
    sys.exit(code)

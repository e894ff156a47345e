"""`make bench`: time mkpi against the hand-written DuckDB floor on the demo organisation, print a
table and write it to benchmarks/results/ as JSON and Markdown. Figures are medians of --repeat
runs; peak memory is the largest resident set of the process tree (Linux ru_maxrss).

    python benchmarks/bench.py --scale large --repeat 3 --curve small,medium,large
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from connectors.file_scan import detect_encoding, transcode_to_utf8

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
END_DATE = "2026-10-31"  # fixed, so a reused dataset is the same dataset
QUERIES = {  # what analysts ask the published file most
    "cpl by channel, last month": "SELECT channel, sum(spend) / nullif(sum(leads), 0) FROM marts.fct_channel_monthly "
                                  "WHERE month = (SELECT max(month) FROM marts.fct_channel_monthly) GROUP BY 1",
    "roi by channel group": "SELECT channel_group, (sum(revenue) - sum(spend)) / nullif(sum(spend), 0) "
                            "FROM marts.fct_channel_monthly GROUP BY 1",
    "daily spend trend": "SELECT date, sum(spend) FROM marts.fct_channel_daily GROUP BY 1 ORDER BY 1",
    "top campaigns by revenue": "SELECT campaign, sum(revenue) r FROM marts.fct_channel_monthly GROUP BY 1 ORDER BY r DESC LIMIT 20",
    "conversion by medium": "SELECT medium, sum(leads) / nullif(sum(sessions), 0) FROM marts.fct_channel_monthly GROUP BY 1",
    "cac by month": "SELECT month, sum(spend) / nullif(sum(new_customers), 0) FROM marts.fct_channel_monthly GROUP BY 1",
    "retention cohorts": "SELECT * FROM marts.fct_customer_retention ORDER BY 1, 2",
    "open tracking issues": "SELECT check_name, severity, count(*) FROM marts.fct_tracking_issues GROUP BY 1, 2",
    "sessions of one day": "SELECT channel_group, count(*) FROM marts.fct_sessions "
                           "WHERE session_date = (SELECT max(session_date) FROM marts.fct_sessions) GROUP BY 1",
    "channel rollup, one month": "SELECT * FROM marts.fct_channel_rollup_monthly "
                                 "WHERE month = (SELECT max(month) FROM marts.fct_channel_rollup_monthly)",
}


def measure(cmd: list[str], env: dict | None = None) -> tuple[float, float]:
    """Wall seconds and peak resident MiB of a command and its children."""
    # stderr goes to a file, not a pipe: nobody reads a pipe until the child ends, and a full one blocks it.
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        child = subprocess.Popen(cmd, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        if os.waitstatus_to_exitcode(status) != 0:
            errors.seek(0)
            raise SystemExit(f"benchmark step failed: {' '.join(map(str, cmd))}\n{errors.read()[-2000:].decode()}")
    return seconds, usage.ru_maxrss / 1024


def dataset(scale: str) -> Path:
    folder = ROOT / "data" / "bench" / scale
    if not (folder / ".complete").exists():
        shutil.rmtree(folder, ignore_errors=True)
        print(f"generating the {scale} demo organisation in {folder} ...", flush=True)
        subprocess.run([BIN / "mkpi", "demo-data", str(folder), "--scale", scale, "--end-date", END_DATE], check=True)
        (folder / ".complete").touch()
    return folder


def rows_in(folder: Path, prefix: str) -> int:
    return sum(sum(1 for _ in open(p, "rb")) - 1 for p in folder.glob(f"{prefix}*.csv"))


def exports_for(folder: Path, work: Path) -> Path:
    """The dataset as the nightly job's source folder: hard links, so files keep their identity (size,
    modification time) from run to run the way a real export folder does, at no copying cost."""
    exports = work / f"exports_{folder.name}"
    shutil.rmtree(exports, ignore_errors=True)
    exports.mkdir(parents=True)
    for path in folder.glob("*.csv"):
        os.link(path, exports / path.name)
    return exports


def mkpi_run(exports: Path, work: Path, *extra: str) -> tuple[float, float]:
    env = {"DAGSTER_HOME": str(work / "dagster_home"), "MKPI_STATE_DIR": str(work / "state")}
    return measure([str(BIN / "mkpi"), "run", "--source-dir", str(exports), "--warehouse", str(work / "mkpi.duckdb"),
                    *extra], env)


def utf8_copy(folder: Path, work: Path) -> Path:
    """The exports with GB18030 files re-encoded: DuckDB's reader needs UTF-8, mkpi detects and converts.
    Prepared once, outside the timings; UTF-8 files are hard links (the sessions file of xlarge is 15 GB)."""
    copy = work / f"utf8_{folder.name}"
    if not copy.exists():
        copy.mkdir()
        for path in folder.glob("*.csv"):
            encoding = detect_encoding(path).name
            if encoding.startswith("utf-8"):
                os.link(path, copy / path.name)
            else:
                transcode_to_utf8(path, copy / path.name, encoding)
    return copy


def floor_run(folder: Path, work: Path) -> tuple[float, float]:
    sql = (ROOT / "benchmarks" / "floor.sql").read_text().replace("{dir}", str(utf8_copy(folder, work))).replace(
        "{seeds}", str(ROOT / "dbt_project" / "seeds"))
    out, script_file = work / "floor.duckdb", work / "floor.sql"
    out.unlink(missing_ok=True)
    script_file.write_text(sql)
    script = "import duckdb, sys; duckdb.connect(sys.argv[1]).execute(open(sys.argv[2]).read())"
    return measure([sys.executable, "-c", script, str(out), str(script_file)])


NEXT_DAY_FILE = "sessions_zz_next_day.csv"


def write_next_day(folder: Path, work: Path) -> Path:
    """One more day of sessions (the last day's, one day later, new ids), written once."""
    path = work / f"next_day_{folder.name}.csv"
    if path.exists():
        return path
    import duckdb

    con = duckdb.connect()
    con.execute(f"""COPY (
        SELECT * REPLACE ('n' || session_id AS session_id, started_at::TIMESTAMP + INTERVAL 1 DAY AS started_at)
        FROM read_csv('{folder}/sessions*.csv', header = true, all_varchar = true, union_by_name = true)
        WHERE started_at::TIMESTAMP::DATE = DATE '{END_DATE}'
    ) TO '{path}' (HEADER)""")
    con.close()
    return path


def next_night(exports: Path, work: Path, next_day: Path) -> tuple[float, float]:
    """Last night's published file, plus the next day's export in the folder: an incremental `mkpi run`."""
    published = work / "mkpi.duckdb"
    shutil.copyfile(work / "after_full_run.duckdb", published)
    os.link(next_day, exports / NEXT_DAY_FILE)
    try:
        return mkpi_run(exports, work)
    finally:
        (exports / NEXT_DAY_FILE).unlink()


def analyst_queries(warehouse: Path, repeat: int = 20) -> dict:
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    timings = []
    for sql in QUERIES.values():
        con.execute(sql).fetchall()  # warm
        for _ in range(repeat):
            started = time.perf_counter()
            con.execute(sql).fetchall()
            timings.append((time.perf_counter() - started) * 1000)
    con.close()
    timings.sort()
    return {"p50_ms": round(statistics.median(timings), 2), "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 2)}


def median_of(runs: list[tuple[float, float]]) -> dict:
    return {"seconds": round(statistics.median(r[0] for r in runs), 2), "peak_mib": round(max(r[1] for r in runs)),
            "runs": [round(r[0], 2) for r in runs]}


def bench_scale(scale: str, repeat: int, work: Path, full: bool) -> dict:
    folder = dataset(scale)
    exports = exports_for(folder, work)
    result = {"scale": scale, "sessions": rows_in(folder, "sessions"), "leads": rows_in(folder, "leads"),
              "ad_spend_rows": rows_in(folder, "ad_spend")}
    print(f"[{scale}] {result['sessions']:,} sessions: full mkpi run x{repeat} ...", flush=True)
    result["mkpi_run"] = median_of([mkpi_run(exports, work, "--full-refresh") for _ in range(repeat)])
    print(f"[{scale}] hand-written SQL floor x{repeat} ...", flush=True)
    result["sql_floor"] = median_of([floor_run(folder, work) for _ in range(repeat)])
    result["ratio_run_to_floor"] = round(result["mkpi_run"]["seconds"] / result["sql_floor"]["seconds"], 2)
    if full:
        shutil.copyfile(work / "mkpi.duckdb", work / "after_full_run.duckdb")
        result["analyst_queries"] = analyst_queries(work / "mkpi.duckdb")
        next_day = write_next_day(folder, work)
        print(f"[{scale}] next night (one more day, incremental) x{repeat} ...", flush=True)
        result["next_night"] = median_of([next_night(exports, work, next_day) for _ in range(repeat)])
        result["ratio_night_to_run"] = round(result["next_night"]["seconds"] / result["mkpi_run"]["seconds"], 2)
    shutil.rmtree(exports)
    return result


def markdown(report: dict) -> str:
    main = report["main"]
    lines = [f"# mkpi benchmark, {report['date']}", "",
             f"Machine: {report['machine']}. Medians of {report['repeat']} runs; peak = largest resident set.", "",
             f"Scale `{main['scale']}`: {main['sessions']:,} sessions, {main['leads']:,} leads, "
             f"{main['ad_spend_rows']:,} ad-spend rows.", "",
             "| measurement | median | peak memory |", "|---|---|---|",
             f"| (a) full `mkpi run` from CSV | {main['mkpi_run']['seconds']} s | {main['mkpi_run']['peak_mib']} MiB |",
             f"| (b) hand-written DuckDB SQL floor | {main['sql_floor']['seconds']} s | {main['sql_floor']['peak_mib']} MiB |",
             f"| (c) next night, one more day (incremental) | {main['next_night']['seconds']} s | {main['next_night']['peak_mib']} MiB |",
             f"| (d) analyst queries p50 / p95 | {main['analyst_queries']['p50_ms']} / {main['analyst_queries']['p95_ms']} ms | |",
             "", f"Ratios: (a)/(b) = **{main['ratio_run_to_floor']}**, (c)/(a) = **{main['ratio_night_to_run']}**.", "",
             "Scaling curve:", "", "| scale | sessions | mkpi run | SQL floor | ratio |", "|---|---|---|---|---|"]
    for point in report["curve"]:
        lines.append(f"| {point['scale']} | {point['sessions']:,} | {point['mkpi_run']['seconds']} s | "
                     f"{point['sql_floor']['seconds']} s | {point['ratio_run_to_floor']} |")
    return "\n".join(lines) + "\n"


def machine() -> str:
    return f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}"


def write_results(stamp: str, report: dict, text: str) -> None:
    """The report as benchmarks/results/<stamp>.json and its Markdown table as .md; the table printed."""
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{stamp}.json").write_text(json.dumps(report, indent=2) + "\n")
    (out / f"{stamp}.md").write_text(text)
    print(text)
    print(f"written to {out / stamp}.json and .md")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", default="large", choices=["small", "medium", "large", "xlarge"])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--curve", default="small,medium", help="scales for the scaling curve (comma-separated)")
    args = parser.parse_args()
    work = ROOT / "data" / "bench" / "work"
    work.mkdir(parents=True, exist_ok=True)
    main_result = bench_scale(args.scale, args.repeat, work, full=True)
    curve = [main_result if s == args.scale else bench_scale(s, args.repeat, work, full=False)
             for s in args.curve.split(",") if s]
    report = {"date": dt.date.today().isoformat(), "repeat": args.repeat,
              "machine": machine(),
              "main": main_result, "curve": curve}
    write_results(f"{report['date']}-{args.scale}", report, markdown(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())

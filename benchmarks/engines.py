"""`make bench-spark`: the same full nightly run (`mkpi run --full-refresh`) on DuckDB and on a local
Spark session (`--engine spark`), on the demo organisation; medians of --repeat runs, written to
benchmarks/results/ as JSON and Markdown. Needs the spark extra and Java (make setup-spark java).

    python benchmarks/engines.py --scale small --repeat 3
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys

from bench import ROOT, dataset, exports_for, machine, median_of, mkpi_run, rows_in, write_results

ENGINES = ("duckdb", "spark")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", default="small", choices=["small", "medium", "large", "xlarge"])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    work = ROOT / "data" / "bench" / "work"
    work.mkdir(parents=True, exist_ok=True)
    folder = dataset(args.scale)
    exports = exports_for(folder, work)
    results = {}
    for engine in ENGINES:
        print(f"[{args.scale}] mkpi run --engine {engine} x{args.repeat} ...", flush=True)
        results[engine] = median_of([mkpi_run(exports, work, "--full-refresh", "--engine", engine)
                                     for _ in range(args.repeat)])
    shutil.rmtree(exports)
    report = {"date": dt.date.today().isoformat(), "scale": args.scale, "repeat": args.repeat,
              "sessions": rows_in(folder, "sessions"),
              "machine": machine(),
              "engines": results, "ratio_spark_to_duckdb": round(results["spark"]["seconds"] / results["duckdb"]["seconds"], 2)}
    lines = [f"# mkpi on DuckDB and on local Spark, {report['date']}", "",
             f"Machine: {report['machine']}. Scale `{args.scale}` ({report['sessions']:,} sessions); "
             f"full `mkpi run`, medians of {args.repeat} runs; peak = the largest resident set of any one process of the run (the Spark JVM is one).", "",
             "| engine | median | runs | peak memory |", "|---|---|---|---|"]
    lines += [f"| {e} | {r['seconds']} s | {', '.join(map(str, r['runs']))} | {r['peak_mib']} MiB |" for e, r in results.items()]
    lines += ["", f"Spark / DuckDB = **{report['ratio_spark_to_duckdb']}**."]
    write_results(f"{report['date']}-engines-{args.scale}", report, "\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

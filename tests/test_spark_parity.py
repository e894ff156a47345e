"""The same project on Spark: `mkpi run --engine spark` on the hand-computed tiny organisation must
publish the same marts as the DuckDB build, every column, row for row. `make test-spark` runs these
(they need the spark extra and Java; deselected from `make test`)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from decimal import Decimal

import duckdb
import pytest

from pipelines.building import spark_engine
from pipelines.settings import PROJECT_ROOT, Settings
from tests.conftest import DBT, TINY_CONFIG, TINY_ORG, run_mkpi, unit_test_results
from tests.portability import spark_functions

pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def spark_run(tmp_path_factory):
    """The folder of one `mkpi run --engine spark` on the tiny organisation: warehouse.duckdb, spark/."""
    tmp = tmp_path_factory.mktemp("spark_run")
    done = run_mkpi("run", "--engine", "spark", "--source-dir", str(TINY_ORG), "--config", str(TINY_CONFIG),
                    "--warehouse", str(tmp / "warehouse.duckdb"), timeout=1200,
                    env={"MKPI_SPARK_DIR": str(tmp / "spark"), "MKPI_STATE_DIR": str(tmp / "state"),
                         "DAGSTER_HOME": str(tmp / "dagster_home"), "MKPI_REPORTS_DIR": str(tmp / "reports")})
    assert done.returncode == 0, done.stderr[-4000:]
    return tmp


@pytest.fixture(scope="module")
def spark_built(spark_run):
    con = duckdb.connect(str(spark_run / "warehouse.duckdb"), read_only=True)
    yield con
    con.close()


def comparable(value):
    """Engines agree on the value, not its storage type: decimals and doubles to 9 places, instants in UTC."""
    if isinstance(value, (float, Decimal)):
        return round(float(value), 9)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return value


# When each build closed its periods: a fact about the run, not the data; compared as set or not.
RUN_TIMES = {"recorded_at", "closed_at", "reopened_at"}


def mart_rows(con, table: str) -> tuple[list[str], list[tuple]]:
    result = con.execute(f"SELECT * FROM marts.{table}")
    columns = [d[0] for d in result.description]
    rows = [tuple(v is not None if c in RUN_TIMES else comparable(v) for c, v in zip(columns, row))
            for row in result.fetchall()]
    return columns, sorted(rows, key=lambda row: [(v is None, str(v)) for v in row])


def marts(con) -> list[str]:
    return [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables "
                                      "WHERE table_schema = 'marts' ORDER BY 1").fetchall()]


def test_every_mart_equals_the_duckdb_build_row_for_row(tiny, spark_built):
    assert marts(spark_built) == marts(tiny)
    for table in marts(tiny):
        duck_columns, duck_rows = mart_rows(tiny, table)
        spark_columns, spark_rows = mart_rows(spark_built, table)
        assert spark_columns == duck_columns, table
        assert spark_rows == duck_rows, table
    # The fixture's numbers are there at all (an empty pair of builds would also be equal).
    assert spark_built.execute("SELECT sum(spend), sum(leads) FROM marts.fct_channel_daily").fetchone() == (
        tiny.execute("SELECT sum(spend), sum(leads) FROM marts.fct_channel_daily").fetchone())
    assert spark_built.execute("SELECT count(*) FROM marts.kpi_scores").fetchone()[0] > 0


def test_dbt_unit_tests_pass_on_spark(spark_run):
    # They read column types from the relations the run left in Spark's catalog.
    target = spark_run / "unit_target"
    done = subprocess.run(
        [DBT, "test", "--select", "test_type:unit", "--target", "spark", "--target-path", str(target)],
        cwd=PROJECT_ROOT / "dbt_project", capture_output=True, text=True, timeout=900,
        env={**os.environ, "DBT_PROFILES_DIR": str(PROJECT_ROOT / "dbt_project"),
             "MKPI_SPARK_DIR": str(spark_run / "spark"), "MKPI_LANDING_PARQUET": str(spark_run / "spark" / "landing")})
    results = unit_test_results(target)
    failed = [r["unique_id"] for r in results if r["status"] != "pass"]
    assert done.returncode == 0 and not failed and len(results) >= 20, f"failed: {failed}\n{done.stdout[-3000:]}"


def test_the_lint_knows_the_functions_of_this_spark(tmp_path):
    session = spark_engine.spark_session(Settings.from_env(spark_dir=tmp_path / "spark"))
    try:
        names = {row.function for row in session.sql("SHOW FUNCTIONS").collect()}
    finally:
        session.stop()
    assert {n for n in names if n.replace("_", "").isalnum()} == spark_functions()

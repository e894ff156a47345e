"""The spark engine's two hand-overs around `dbt build --target spark`.

Landing still runs in DuckDB (it is row-by-row file work, not a distributed job); its tables go to
Spark as Parquet files, which the dbt hook `register_landing_tables` registers as the `landing`
schema. After the build, the relations the rest of the night reads (scoring, alerts, report) and
analysts query are copied from Spark into the working DuckDB file, so everything downstream is the
same on both engines.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from connectors.sql_text import ident, literal
from pipelines.settings import PROJECT_ROOT, Settings

# What the Python steps and the published file need from the Spark build: scoring reads marts only.
COPIED_SCHEMAS = ("marts", "reference")
SPARK_CONFIG = PROJECT_ROOT / "dbt_project" / "profiles.yml"


class SparkUnavailable(RuntimeError):
    """PySpark or Java is missing: the message says how to install them."""


def check_available() -> None:
    """Fail before landing, with the fix, when this machine cannot start Spark."""
    try:
        import pyspark  # noqa: F401  (only whether it imports)
    except ImportError:
        raise SparkUnavailable(
            "the spark engine needs PySpark and dbt-spark: run `make test-spark` once, or install the extra "
            "with `uv pip install -r requirements-spark.lock`") from None
    java = Path(os.environ["JAVA_HOME"]) / "bin" / "java" if os.environ.get("JAVA_HOME") else shutil.which("java")
    if not java or subprocess.run([str(java), "-version"], capture_output=True).returncode != 0:
        raise SparkUnavailable("the spark engine needs a Java 17+ runtime: install it from the OS packages "
                               "(apt-get install openjdk-17-jre-headless) or set JAVA_HOME")


def export_landing(con, folder: Path) -> None:
    """Each table of the `landing` schema as `<folder>/<table>.parquet`, written whole, then swapped in
    by rename; the dbt hook registers those its sources declare."""
    folder.mkdir(parents=True, exist_ok=True)
    tables = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables "
                                        "WHERE table_schema = 'landing'").fetchall()]
    for table in tables:
        target = folder / f"{table}.parquet"
        partial = target.with_name(target.name + ".partial")
        con.execute(f"COPY landing.{ident(table)} TO {literal(str(partial))} (FORMAT parquet)")
        os.replace(partial, target)


def spark_session(settings: Settings):
    """A local session with the same catalog and options dbt's `spark` target uses (profiles.yml)."""
    import jinja2
    import yaml
    from pyspark.sql import SparkSession

    target = yaml.safe_load(SPARK_CONFIG.read_text())["mkpi"]["outputs"]["spark"]
    env = {"MKPI_SPARK_DIR": str(settings.spark_dir)}
    builder = SparkSession.builder.enableHiveSupport()
    for name, value in target["server_side_parameters"].items():
        rendered = jinja2.Template(str(value)).render(env_var=lambda var, default=None: env.get(var, default))
        builder = builder.config(name, rendered)
    return builder.getOrCreate()


def copy_marts(settings: Settings, con) -> list[str]:
    """Every relation the night reads after dbt, from Spark into the DuckDB connection; the names copied."""
    spark = spark_session(settings)
    try:
        names = [f"{schema}.{row.tableName}" for schema in COPIED_SCHEMAS
                 for row in spark.sql(f"SHOW TABLES IN {schema}").collect() if not row.isTemporary]
        for name in names:
            schema = name.split(".")[0]
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
            con.register("spark_rows", spark.table(name).toArrow())
            con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM spark_rows")
            con.unregister("spark_rows")
        return names
    finally:
        spark.stop()

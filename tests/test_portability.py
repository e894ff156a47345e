"""The dbt project stays portable to Spark: every compiled model and test calls only Spark functions."""

import shutil

from pipelines.settings import PROJECT_ROOT
from tests.portability import Finding, compile_for_spark, lint, sql_problems

PROBE = """select
    {{ regex_matches("channel", "'^goo'") }} as dispatched,
    regexp_matches(channel, '^goo') as written_straight
from {{ ref('int_channel_groups') }}
"""


def test_a_duckdb_only_function_outside_a_dispatched_macro_is_the_only_finding(tmp_path):
    project = tmp_path / "dbt_project"
    shutil.copytree(PROJECT_ROOT / "dbt_project", project, ignore=shutil.ignore_patterns("target", "logs"))
    (project / "models" / "marts" / "lint_probe.sql").write_text(PROBE)

    findings = lint(compile_for_spark(project, tmp_path))

    # Every real model and test is clean; the probe's dispatched call compiles to Spark's rlike.
    assert findings == [Finding("models/marts/lint_probe.sql", "regexp_matches() is not a Spark SQL function; "
                                "call it through a dispatched macro (macros/portable.sql)")]


def test_function_names_are_checked_against_spark():
    known = {"date_format", "coalesce"}
    assert sql_problems("select date_format(d, 'yyyy'), coalesce(a, b) from t", known) == []
    assert sql_problems("select strftime(d, '%Y'), epoch_ms(e) from t", known) == [
        "epoch_ms() is not a Spark SQL function; call it through a dispatched macro (macros/portable.sql)",
        "strftime() is not a Spark SQL function; call it through a dispatched macro (macros/portable.sql)",
    ]
    assert sql_problems("select a from t where", known)[0].startswith("not Spark SQL:")

"""The tracking checks are stacked into marts.fct_tracking_issues by column name under an enforced contract,
and a check model whose columns are out of order or renamed fails the build, naming itself."""

from __future__ import annotations

import shutil

import duckdb

from pipelines.building import dbt_runner
from pipelines.settings import BUILD_SUFFIX, PROJECT_ROOT

CHECK = "int_tracking__medium_not_allowed"


def build_with(tmp_path, tiny_warehouse, edit, file: str = f"models/tracking/{CHECK}.sql") -> dbt_runner.DbtOutcome:
    """`dbt build` of one check model and the issues table, on a copy of the project with `edit` applied to
    one of its files (the check's SQL), against a copy of the tiny warehouse."""
    project = tmp_path / "dbt_project"
    shutil.copytree(PROJECT_ROOT / "dbt_project", project, ignore=shutil.ignore_patterns("target", "logs"))
    edited = project / file
    edited.write_text(edit(edited.read_text(encoding="utf-8")), encoding="utf-8")
    warehouse = tmp_path / "w.duckdb"
    shutil.copyfile(tiny_warehouse, str(warehouse) + BUILD_SUFFIX)
    return dbt_runner.invoke(["build", "--select", f"{CHECK} fct_tracking_issues", "--quiet"], project,
                             tmp_path / "target", env={"MKPI_WAREHOUSE": str(warehouse)})


def failures(outcome: dbt_runner.DbtOutcome) -> dict[str, str]:
    return {r.node.name: r.message or "" for r in outcome.results if str(r.status) in ("fail", "error")}


def test_the_checks_as_they_are_build(tmp_path, tiny_warehouse):
    outcome = build_with(tmp_path, tiny_warehouse, lambda sql: sql)
    assert outcome.success, failures(outcome) or outcome.error


def test_a_check_with_two_columns_swapped_fails_the_build(tmp_path, tiny_warehouse):
    # medium before channel: stacked by position, the two would trade places in every issue of this check.
    swapped = lambda sql: sql.replace("    u.channel,\n    u.medium,\n", "    u.medium,\n    u.channel,\n")
    outcome = build_with(tmp_path, tiny_warehouse, swapped)
    assert not outcome.success
    failed = failures(outcome)
    assert list(failed) == ["tracking_checks_give_the_issue_columns_fct_tracking_issues_"], failed
    con = duckdb.connect(str(tmp_path / "w.duckdb") + BUILD_SUFFIX, read_only=True)
    try:  # the failing rows name the model and its columns in their order
        rows = con.execute(f"SELECT check_model, its_columns FROM ({_test_sql(outcome)})").fetchall()
    finally:
        con.close()
    assert rows == [(CHECK, "check_name, medium, channel, campaign, period_start, period_end, rows_affected, "
                            "spend_affected, example, message, message_zh, subject")]


def test_the_issues_table_is_held_to_its_contract(tmp_path, tiny_warehouse):
    # The yml says rows_affected is text while the model gives a whole number: the contract stops the build.
    retyped = lambda yml: yml.replace("  - name: rows_affected\n    data_type: bigint\n",
                                      "  - name: rows_affected\n    data_type: varchar\n")
    outcome = build_with(tmp_path, tiny_warehouse, retyped, file="models/marts/_marts__models.yml")
    assert not outcome.success
    failed = failures(outcome)
    assert list(failed) == ["fct_tracking_issues"], failed
    assert "contract" in failed["fct_tracking_issues"].lower() and "rows_affected" in failed["fct_tracking_issues"]


def _test_sql(outcome: dbt_runner.DbtOutcome) -> str:
    return next(r.node.compiled_code for r in outcome.results
                if r.node.name.startswith("tracking_checks_give_the_issue_columns"))

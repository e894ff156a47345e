"""Great Expectations on landed rows: failures are reported per kind with counts and examples, results kept."""

from __future__ import annotations

import json

import duckdb
import pytest

from connectors import landing
from connectors.kinds import KINDS
from pipelines.validation.data_expectations import ExpectationConfigError, export_landed, load_expectations, validate_files


@pytest.fixture
def landed(tmp_path):
    (tmp_path / "ad_spend.csv").write_text(
        "date,platform,campaign_id,campaign_name,impressions,clicks,spend,currency\n"
        "2026-10-01,google_ads,c1,A,100,10,5.00,USD\n"
        "2026-10-01,google_ads,c2,B,10,50,-3.00,USD\n")  # more clicks than impressions, negative spend
    (tmp_path / "fx_rates.csv").write_text("date,currency,rate_to_reporting\n2026-10-01,CNY,0.14\n")
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    landing.prepare_schemas(con)
    for kind in ("ad_spend", "fx_rates"):
        landing.land_kind(con, KINDS[kind], [tmp_path / f"{kind}.csv"])
    yield con, tmp_path
    con.close()


def test_failed_expectations_are_reported_with_examples(landed):
    con, tmp = landed
    files = export_landed(con, ["ad_spend", "fx_rates"], tmp / "export")
    results = {v.kind: v for v in validate_files(files, "2026-10-01", tmp / "validations")}
    assert results["fx_rates"].success and results["fx_rates"].failures == []
    spend = results["ad_spend"]
    assert not spend.success and spend.rows_checked == 2
    failed = {(f["expectation"], str(f["column"])): f for f in spend.failures}
    assert set(failed) == {("expect_column_values_to_be_between", "spend"),
                           ("expect_column_pair_values_a_to_be_greater_than_b", "impressions")}
    assert failed[("expect_column_values_to_be_between", "spend")]["unexpected_count"] == 1
    assert failed[("expect_column_values_to_be_between", "spend")]["examples"] == ["-3.0"]
    kept = json.loads((tmp / "validations" / "2026-10-01" / "ad_spend.json").read_text())
    assert kept["success"] is False and kept["suite_name"] == "ad_spend"


def test_every_kind_in_the_file_is_a_known_kind():
    assert set(load_expectations()) <= set(KINDS)


def test_a_wrong_kind_is_a_clear_error(tmp_path):
    path = tmp_path / "expectations.yml"
    path.write_text("add_spend:\n  - expect_table_row_count_to_be_between: {min_value: 1}\n")
    with pytest.raises(ExpectationConfigError, match="'add_spend' is not a kind of export"):
        load_expectations(path)


def test_the_nightly_run_keeps_validation_results(tiny_warehouse):
    kept = sorted(p.name for p in (tiny_warehouse.parent / "state" / "validations" / "2026-12-15").iterdir())
    assert kept == sorted(f"{k}.json" for k in load_expectations())

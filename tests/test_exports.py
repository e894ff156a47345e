"""The weekly channel table for marketing-mix tools, written beside the published file each night."""

from __future__ import annotations

import csv

import duckdb

from pipelines.reporting.exports import MMM_COLUMNS, folder
from tests.conftest import rows


def test_the_mmm_export_reconciles_with_the_marts(tiny, tiny_warehouse):
    csv_path, parquet_path = folder(tiny_warehouse) / "mmm_weekly.csv", folder(tiny_warehouse) / "mmm_weekly.parquet"
    with open(csv_path, encoding="utf-8") as fh:
        table = list(csv.DictReader(fh))
    assert list(table[0]) == list(MMM_COLUMNS)
    assert len(table) == rows(tiny, "SELECT count(*) FROM marts.fct_channel_weekly")[0][0]
    # Every day's spend and leads land in exactly one week: the totals equal the daily mart's.
    daily = rows(tiny, "SELECT sum(spend), sum(leads) FROM marts.fct_channel_daily")[0]
    assert (round(sum(float(r["spend"]) for r in table), 6), sum(int(r["leads"]) for r in table)) == (
        round(float(daily[0]), 6), daily[1])
    with duckdb.connect() as con:
        assert con.execute("SELECT count(*), sum(spend) FROM read_parquet(?)", [str(parquet_path)]).fetchall() == [
            (len(table), rows(tiny, "SELECT sum(spend) FROM marts.fct_channel_weekly")[0][0])]

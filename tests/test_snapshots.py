"""Nightly history: three nights keep three dated, read-only snapshots; the first is unchanged after
the third; retention removes the oldest; `mkpi snapshots` lists them."""

from __future__ import annotations

import stat

import dagster as dg
import pytest

from pipelines.night import snapshots
from pipelines.orchestration.nightly import run_nightly
from tests.conftest import TINY_CONFIG, digest, rows, run_mkpi, settings_for


@pytest.fixture(scope="module")
def three_nights(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("nights")
    digests = []
    for day in (15, 16, 17):
        config = tmp / f"night{day}.yml"
        config.write_text(TINY_CONFIG.read_text().replace("as_of_date: 2026-12-15", f"as_of_date: 2026-12-{day}")
                          + "snapshots:\n  keep: 3\n")
        settings = settings_for(tmp, config=config)
        outcome = run_nightly(settings, instance=dg.DagsterInstance.ephemeral())
        assert outcome.success, outcome.error
        digests.append(digest(settings.warehouse))
    return settings.warehouse, digests


def test_each_night_is_kept_dated_and_read_only(three_nights):
    warehouse, digests = three_nights
    kept = snapshots.taken(warehouse)
    assert [p.name for p in kept] == [f"warehouse-2026-12-{d}.duckdb" for d in (15, 16, 17)]
    # The first night's file, unchanged after two more nights were published over it.
    assert digest(kept[0]) == digests[0] and digests[0] != digests[2]
    assert all(not p.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) for p in kept)
    import duckdb
    with duckdb.connect(str(kept[0]), read_only=True) as con:
        assert rows(con, "SELECT as_of_date::VARCHAR FROM marts.dim_run_settings") == [("2026-12-15",)]


def test_mkpi_snapshots_lists_them_and_retention_removes_the_oldest(three_nights):
    warehouse, _ = three_nights
    listed = run_mkpi("snapshots", "--warehouse", str(warehouse))
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert lines[0].startswith("as of") and "fct_channel_daily" in lines[0]
    assert [line[:10] for line in lines[1:]] == ["2026-12-15", "2026-12-16", "2026-12-17"]
    removed = snapshots.prune(warehouse, keep=2)
    assert [p.name for p in removed] == ["warehouse-2026-12-15.duckdb"]
    assert [p.name[10:20] for p in snapshots.taken(warehouse)] == ["2026-12-16", "2026-12-17"]

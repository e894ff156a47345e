"""The starter queries in docs/querying.md and the README run on a published file, read-only."""

from __future__ import annotations

import re

import duckdb

from pipelines.settings import PROJECT_ROOT


def sql_blocks(path) -> list[str]:
    return re.findall(r"```sql\n(.*?)```", path.read_text(encoding="utf-8"), flags=re.S)


def test_every_starter_query_runs_on_the_published_file(tiny_warehouse):
    queries = [q for q in sql_blocks(PROJECT_ROOT / "docs" / "querying.md") if not q.startswith("ATTACH")]
    assert len(queries) >= 12
    con = duckdb.connect(str(tiny_warehouse), read_only=True)
    try:
        for query in queries:
            con.execute(query).fetchall()  # an error names the query in the traceback
        # The ones a reader checks first return rows on the tiny organisation.
        assert con.execute(queries[0].replace("INTERVAL 1 MONTH", "INTERVAL 2 MONTH")).fetchall()
    finally:
        con.close()

"""Files other tools read, written each night beside the published warehouse: the weekly channel table
for marketing-mix models (Robyn, Meridian, LightweightMMM), as CSV and Parquet."""

from __future__ import annotations

from pathlib import Path

from connectors.sql_text import literal
from pipelines.night import warehouse

MMM_COLUMNS = ("week", "channel", "spend", "impressions", "clicks", "sessions", "leads", "new_customers", "orders",
               "revenue")


def folder(published: Path) -> Path:
    return published.parent / "exports"


def write_mmm_weekly(published: Path) -> list[Path]:
    """marts.fct_channel_weekly, long format (one row per week × channel), as mmm_weekly.csv and .parquet."""
    out = folder(published)
    out.mkdir(parents=True, exist_ok=True)
    select = f"SELECT {', '.join(MMM_COLUMNS)} FROM marts.fct_channel_weekly ORDER BY week, channel"
    written = [out / "mmm_weekly.csv", out / "mmm_weekly.parquet"]
    con = warehouse.connect(published, read_only=True)
    try:
        for path, options in zip(written, ("FORMAT csv, HEADER true", "FORMAT parquet")):
            partial = path.with_name(path.name + ".partial")
            con.execute(f"COPY ({select}) TO {literal(str(partial))} ({options})")
            partial.replace(path)  # a reader never sees half a file
    finally:
        con.close()
    return written

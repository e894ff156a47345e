"""Connectors: read source exports and land them in DuckDB without losing a row.

Nothing here imports Dagster; the pipeline wraps these functions in resources and assets.
"""

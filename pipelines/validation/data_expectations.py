"""Validate landed tables with Great Expectations 1.x through pandas (its SQL path does not work on DuckDB)."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from connectors.kinds import KINDS
from connectors.sql_text import ident, literal

EXPECTATIONS_FILE = Path(__file__).with_name("expectations.yml")
SAMPLE_ROWS = 200_000


class ExpectationConfigError(ValueError):
    pass


@dataclass
class KindValidation:
    kind: str
    success: bool
    rows_checked: int
    failures: list[dict] = field(default_factory=list)  # expectation, column, unexpected_count, examples
    result_file: str | None = None


@functools.cache
def validated_kinds() -> tuple[str, ...]:
    """The kinds with expectations, in the file's order (read on first use, not at import)."""
    return tuple(load_expectations())


def load_expectations(path: Path = EXPECTATIONS_FILE) -> dict[str, list[tuple[str, dict]]]:
    """kind → [(expectation type, arguments)]; reads the YAML only (Great Expectations loads when validating)."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out = {}
    for kind, items in raw.items():
        if kind not in KINDS:
            raise ExpectationConfigError(f"{path}: '{kind}' is not a kind of export ({', '.join(KINDS)})")
        out[kind] = [next(iter(item.items())) for item in items]
    return out


def _expectation(gx, kind: str, name: str, args: dict):
    cls = getattr(gx.expectations, "".join(part.capitalize() for part in name.split("_")), None)
    if cls is None:
        raise ExpectationConfigError(f"{EXPECTATIONS_FILE}: {kind}: '{name}' is not a Great Expectations expectation")
    return cls(**(args or {}))


def export_landed(con, kinds: list[str], folder: Path, rows: dict[str, str] | None = None) -> dict[str, Path]:
    """Each kind's landed rows (or those matching `rows[kind]`, SQL: tonight's on an incremental night)
    as a Parquet file to validate: the columns its expectations name, decimals as doubles, a
    reproducible sample above SAMPLE_ROWS."""
    folder.mkdir(parents=True, exist_ok=True)
    expectations = load_expectations()
    files = {}
    for kind in kinds:
        if kind in expectations:
            files[kind] = folder / f"{kind}.parquet"
            select = _select_for_validation(con, kind, (rows or {}).get(kind, "true"), _named_columns(expectations[kind]))
            con.execute(f"COPY ({select}) TO {literal(str(files[kind]))} (FORMAT parquet)")
    return files


def validate_files(files: dict[str, Path], as_of: str, results_dir: Path) -> list[KindValidation]:
    """Run each kind's expectations on its exported rows; keep GX's JSON result per kind."""
    import duckdb
    import great_expectations as gx

    expectations = load_expectations()
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = {"globally": False}
    source = context.data_sources.add_pandas("landing")
    results_dir = results_dir / as_of
    results_dir.mkdir(parents=True, exist_ok=True)
    validations = []
    for kind, path in files.items():
        frame = duckdb.sql(f"SELECT * FROM read_parquet({literal(str(path))})").df()
        suite = context.suites.add(gx.ExpectationSuite(name=kind))
        for name, args in expectations[kind]:
            suite.add_expectation(_expectation(gx, kind, name, args))
        batch = source.add_dataframe_asset(name=kind).add_batch_definition_whole_dataframe("landed").get_batch(
            batch_parameters={"dataframe": frame})
        result = batch.validate(suite)
        result_file = results_dir / f"{kind}.json"
        result_file.write_text(json.dumps(result.to_json_dict(), ensure_ascii=False, indent=1, default=str), encoding="utf-8")
        validations.append(KindValidation(kind, bool(result.success), len(frame), _failures(result), str(result_file)))
    return validations


def _named_columns(items: list[tuple[str, dict]]) -> set[str]:
    """The columns a kind's expectations read: only those are exported (a sample of 18M wide rows costs
    seconds of the night, three columns of it one)."""
    named = set()
    for _name, args in items:
        for key in ("column", "column_A", "column_B"):
            if (args or {}).get(key):
                named.add(args[key])
        named.update((args or {}).get("column_list") or [])
    return named


def _select_for_validation(con, kind: str, where: str, named: set[str]) -> str:
    columns = con.execute(f"DESCRIBE landing.{ident(kind)}").fetchall()
    # A kind checked on its row count alone still needs a column to count.
    columns = [c for c in columns if c[0] in named] or columns[:1]
    table = f"(SELECT * FROM landing.{ident(kind)} WHERE {where})"
    select = ", ".join(f"CAST({ident(c)} AS DOUBLE) AS {ident(c)}" if t.startswith("DECIMAL") else ident(c)
                       for c, t, *_ in columns)
    rows = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
    sample = f" USING SAMPLE reservoir({SAMPLE_ROWS} ROWS) REPEATABLE (42)" if rows > SAMPLE_ROWS else ""
    return f"SELECT {select} FROM {table}{sample}"


def _failures(result) -> list[dict]:
    out = []
    for r in result.results:
        if r.success:
            continue
        kwargs = r.expectation_config.kwargs
        out.append({
            "expectation": r.expectation_config.type,
            "column": kwargs.get("column") or kwargs.get("column_A") or kwargs.get("column_list"),
            "unexpected_count": r.result.get("unexpected_count", r.result.get("observed_value")),
            "examples": [str(v) for v in (r.result.get("partial_unexpected_list") or [])[:3]],
        })
    return out

"""Facts written once and read everywhere: the channel measures and ratios (dbt_project.yml vars:
mkpi_measures, mkpi_ratios) the marts are built from and scoring reads, and the rebuilt kinds' change
keys that landing (connectors/kinds.py) and the incremental models (vars: mkpi_rebuilt_kinds) share."""

from __future__ import annotations

import os

import pytest
import yaml

from connectors.kinds import KINDS
from pipelines.configuration.dbt_registry import dbt_vars
from pipelines.scoring.metrics import MEASURES, METRICS, RATIOS
from pipelines.settings import PROJECT_ROOT
from tests.conftest import rows

MONTHLY_ONLY = {name for name, spec in dbt_vars()["mkpi_ratios"].items() if spec.get("monthly_only")}


def columns(con, table: str) -> list[str]:
    return [r[0] for r in rows(con, f"DESCRIBE marts.{table}")]


def test_the_marts_carry_every_measure_and_ratio_in_registry_order(tiny):
    for table in ("fct_channel_monthly", "fct_channel_rollup_monthly"):
        assert [c for c in columns(tiny, table) if c in MEASURES or c in RATIOS] == MEASURES + list(RATIOS)
    for table in ("fct_channel_daily", "fct_channel_rollup_daily", "fct_channel_weekly"):
        assert [c for c in columns(tiny, table) if c in MEASURES or c in RATIOS] == MEASURES + [
            r for r in RATIOS if r not in MONTHLY_ONLY]


def test_scoring_knows_every_measure_and_ratio_and_the_yml_documents_them(tiny):
    assert set(MEASURES) | set(RATIOS) <= set(METRICS)
    models = yaml.safe_load((PROJECT_ROOT / "dbt_project/models/marts/_marts__models.yml").read_text())["models"]
    monthly = next(m for m in models if m["name"] == "fct_channel_monthly")
    assert set(MEASURES) | set(RATIOS) <= {c["name"] for c in monthly["columns"]}


def test_a_ratio_reads_its_sums_like_the_mart(tiny):
    (spend, revenue, roi) = rows(tiny, """SELECT sum(spend), sum(revenue), (sum(revenue) - sum(spend)) / sum(spend)
                                          FROM marts.fct_channel_monthly""")[0]
    assert RATIOS["roi"].of({"spend": float(spend), "revenue": float(revenue)}) == float(roi)
    assert RATIOS["cpl"].of({"spend": 10.0, "leads": 0}) is None  # NULL, not infinity, on a zero denominator
    assert RATIOS["cpl"].of({"spend": 0, "leads": 4}) is None  # NULL, not 0: no cost recorded is not free
    assert RATIOS["cpl"].of({"spend": 10.0, "leads": 4}) == 2.5


def test_landing_and_the_incremental_models_agree_on_the_change_keys():
    assert {k.name: list(k.change_key) for k in KINDS.values() if k.change_key} == dbt_vars()["mkpi_rebuilt_kinds"]


def test_every_module_landing_runs_on_is_part_of_the_build_fingerprint():
    """A change to any code that decides stored rows (encodings, line numbers, typing, hashing) forces a
    full rebuild: landing's own imports within connectors/ are all in build_plan's shaping list."""
    import ast

    from pipelines.building import build_plan

    shaping = {PROJECT_ROOT / f for f in build_plan._SHAPING_FILES}
    folders = [PROJECT_ROOT / f for f in build_plan._SHAPING_FOLDERS]
    todo, seen = list((PROJECT_ROOT / "connectors/landing").glob("*.py")), set()
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("connectors"):
                names = [node.module + "." + a.name for a in node.names] + [node.module]
                for name in names:
                    for candidate in (PROJECT_ROOT / (name.replace(".", "/") + ".py"),
                                      PROJECT_ROOT / name.replace(".", "/") / "__init__.py"):
                        if candidate.exists():
                            todo.append(candidate)
    outside = sorted(str(p.relative_to(PROJECT_ROOT)) for p in seen
                     if p not in shaping and not any(f in p.parents for f in folders) and p.name != "__init__.py")
    assert not outside, f"add to pipelines/building/build_plan.py's shaping files: {outside}"


def test_every_metric_is_named_once_in_both_languages():
    """A metric's words live in the registry (dbt_project.yml) only: the pages read them from there."""
    import re

    from pipelines.reporting.labels import DASHBOARD, LABELS, dashboard_words, report_words
    from pipelines.scoring import metrics

    for name, metric in metrics.METRICS.items():
        assert metric.name_en and metric.name_zh, name
        assert not re.search(r"[A-Za-z]", metric.name_zh), (name, metric.name_zh)  # Chinese words only
    for words in (*DASHBOARD.values(), *LABELS.values()):
        assert not set(words) & set(metrics.METRICS), "a metric named outside the registry"
    for lang in ("en", "zh"):
        for words in (dashboard_words(lang), report_words(lang)):
            assert {m: words[m] for m in metrics.METRICS} == {
                m: getattr(metrics.METRICS[m], f"name_{lang}") for m in metrics.METRICS}


def test_every_content_and_social_metric_is_computed_from_its_marts_parts(tiny):
    """A content or social metric's formula is the registry's: its mart holds its parts and its monthly value
    (computed from the same entry), and scoring's explanation has words for it in both languages."""
    from pipelines.scoring import metrics
    from pipelines.scoring.formulas import TEMPLATES

    profile = {name: m for name, m in metrics.METRICS.items() if m.source in (metrics.CONTENT, metrics.SOCIAL)}
    specs = dbt_vars()["mkpi_profile_metrics"]
    assert set(profile) == set(specs)
    for name, m in profile.items():
        parts = m.parts
        assert set(parts) | {specs[name].get("column", name)} <= set(columns(tiny, m.table)), name
        assert [words.format(**{p: 1 for p in parts}) for words in TEMPLATES[name]], name  # its parts, no other


def written(ratio) -> str:
    """A registry ratio as the docs write it: `(revenue − spend) / spend`."""
    top = f"({ratio.numerator} − {ratio.minus})" if ratio.minus else ratio.numerator
    return f"{top} / {ratio.denominator}"


TABLES_BEGIN = "<!-- {} : written from the registry by tests/test_registries.py -->"
TABLES_END = "<!-- end of {} -->"


def ratio_rows() -> list[str]:
    rows = ["| metric | English | 中文 | formula | NULL when |", "|---|---|---|---|---|"]
    for name, ratio in RATIOS.items():
        spec = dbt_vars()["mkpi_ratios"][name]
        null_when = " or ".join(dict.fromkeys(f"{m} = 0" for m in (ratio.denominator, ratio.null_when_zero) if m))
        shown = f"{name} (monthly tables)" if spec.get("monthly_only") else name
        rows.append(f"| {shown} | {spec['en']} | {spec['zh']} | {written(ratio)} | {null_when} |")
    return rows


def profile_rows() -> list[str]:
    from pipelines.scoring import metrics

    rows = ["| metric | English | 中文 | formula | mart |", "|---|---|---|---|---|"]
    for name, spec in dbt_vars()["mkpi_profile_metrics"].items():
        formula = metrics.METRICS[name].formula
        column = f" (as {spec['column']})" if spec.get("column") else ""
        shown = written(formula) if isinstance(formula, metrics.Ratio) else formula
        rows.append(f"| {name} | {spec['en']} | {spec['zh']} | {shown} | {spec['table']}{column} |")
    return rows


@pytest.mark.parametrize("table,render", [("ratios", ratio_rows), ("content and social metrics", profile_rows)])
def test_the_docs_tables_of_formulas_are_the_registrys(table, render):
    """docs/metrics.md's formula tables are written from the registry: rerun with UPDATE_SNAPSHOTS=1 after
    changing it, and review the diff."""
    path = PROJECT_ROOT / "docs/metrics.md"
    text = path.read_text(encoding="utf-8")
    begin, end = TABLES_BEGIN.format(table), TABLES_END.format(table)
    assert begin in text and end in text, f"docs/metrics.md lost its markers for the {table}"
    written_now = text[text.index(begin):text.index(end) + len(end)]
    wanted = "\n".join([begin, *render(), end])
    if os.environ.get("UPDATE_SNAPSHOTS"):
        path.write_text(text.replace(written_now, wanted), encoding="utf-8")
        return
    assert written_now == wanted


def test_the_column_comments_state_each_ratio_as_the_registry_does():
    """The ratio columns' descriptions (the DuckDB comments analysts read) begin with the registry's formula."""
    blocks = (PROJECT_ROOT / "dbt_project/models/marts/_marts__docs.md").read_text(encoding="utf-8")
    for name, ratio in RATIOS.items():
        assert f"{{% docs {name} %}}{written(ratio)};" in blocks, name

"""The dbt exposures name what the pages and exports read, as the code that reads it says."""

from __future__ import annotations

import re

import yaml

from pipelines.reporting.dashboard_data import PANELS
from pipelines.settings import PROJECT_ROOT

EXPOSURES = PROJECT_ROOT / "dbt_project" / "models" / "marts" / "_marts__exposures.yml"


def depends_on(name: str) -> set[str]:
    exposure = next(x for x in yaml.safe_load(EXPOSURES.read_text())["exposures"] if x["name"] == name)
    return {re.search(r"'(\w+)'\)$", d).group(1) for d in exposure["depends_on"]}


def test_the_dashboard_exposure_lists_the_marts_its_panels_read():
    read = {mart.split(".")[1] for mart, _ in PANELS.values()} | {"dim_run_settings"}
    assert depends_on("channel_dashboard") == read


def test_the_report_and_export_exposures_list_what_their_code_reads():
    code = {path: (PROJECT_ROOT / "pipelines" / path).read_text() for path in ("reporting/report.py", "reporting/exports.py")}
    for name, path in (("kpi_report", "reporting/report.py"), ("marketing_mix_export", "reporting/exports.py")):
        read = set(re.findall(r"marts\.(\w+)", code[path]))
        assert read <= depends_on(name), (name, read - depends_on(name))

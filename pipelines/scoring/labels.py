"""The names of roles and KPIs the report shows, in English and Chinese, from kpi.yml (marts.kpi_labels)."""

from __future__ import annotations

from pipelines.scoring.config import KpiConfig
from pipelines.scoring.inputs import Employee


def label_rows(config: KpiConfig, employees: list[Employee]) -> list[dict]:
    """One row per role (kpi NULL) and per role × KPI of any version, and per swapped-in KPI."""
    rows = {}
    for role in config.roles.values():
        rows[(role.name, None)] = {"role": role.name, "kpi": None, "label_en": role.name.replace("_", " "),
                                   "label_zh": role.name_zh, "unit": None}
        kpis = [k for version in role.versions for k in version.kpis]
        kpis += [s.kpi for s in config.swaps if any(e.employee_id == s.employee_id and e.role == role.name
                                                    for e in employees)]
        for kpi in kpis:
            rows[(role.name, kpi.id)] = {"role": role.name, "kpi": kpi.id, "label_en": kpi.label("en"),
                                         "label_zh": kpi.label("zh"), "unit": kpi.unit}
    return list(rows.values())

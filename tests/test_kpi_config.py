"""kpi.yml validation: one clear line naming file, line and place; the shipped defaults are valid."""

import datetime as dt
import re

import pytest

from pipelines.scoring.config import KpiConfigError
from pipelines.scoring.kpi_yml import load_kpi_config
from pipelines.settings import PROJECT_ROOT

BASE = """grades: {{excellent: 108, good: 95, pass: 80, fail: 0}}
pass_grade: pass
roles:
  sem:
    versions:
      - effective_from: 2026-01-01
        kpis:
          - {{id: cpl, metric: {metric}, scope: owned, target: {target}, weight: {weight}, category: result}}
          - {{id: ctr, metric: ctr, scope: owned, target: 0.03, weight: 40, category: result}}
"""


def write(tmp_path, **kw):
    values = {"metric": "cpl", "target": 20, "weight": 60, **kw}
    path = tmp_path / "kpi.yml"
    path.write_text(BASE.format(**values))
    return path


def test_shipped_defaults_cover_every_role_of_the_documents():
    config = load_kpi_config(PROJECT_ROOT / "kpi.yml")
    assert set(config.roles) == {"content_operations", "user_growth", "data_analysis", "campaign_planning", "sem",
                                 "seo", "online_marketing", "team_lead"}
    read_rate = config.roles["content_operations"].version_on(dt.date(2026, 10, 1)).kpis[0]
    assert (read_rate.metric, read_rate.target, read_rate.weight) == ("read_rate", 0.15, 30)
    assert config.roles["sem"].version_on(dt.date(2026, 10, 1)).kpis[1].direction == "lower"  # CPL


@pytest.mark.parametrize("values, expected", [
    ({"weight": 50}, "line 8, roles.sem.versions[0].kpis: the weights of role 'sem' add up to 90%, not 100% (cpl 50, ctr 40)"),
    ({"metric": "cost_per_lead"}, "line 8, roles.sem.versions[0].kpis[0].metric: KPI 'cpl': unknown metric 'cost_per_lead'"),
    ({"target": -5}, "line 8, roles.sem.versions[0].kpis[0].target: KPI 'cpl': target -5 is negative"),
])
def test_errors_name_file_line_and_place(tmp_path, values, expected):
    path = write(tmp_path, **values)
    with pytest.raises(KpiConfigError) as err:
        load_kpi_config(path)
    message = str(err.value)
    assert message.startswith(f"{path}, ") and expected in message and "\n" not in message


def test_effective_dates_pick_the_version_in_force(tmp_path):
    path = tmp_path / "kpi.yml"
    path.write_text(BASE.format(metric="cpl", target=20, weight=60) + """      - effective_from: 2026-10-01
        kpis:
          - {id: cpl, metric: cpl, scope: owned, target: 15, weight: 60, category: result}
          - {id: ctr, metric: ctr, scope: owned, target: 0.03, weight: 40, category: result}
""")
    role = load_kpi_config(path).roles["sem"]
    assert role.version_on(dt.date(2026, 9, 1)).kpis[0].target == 20
    assert role.version_on(dt.date(2026, 10, 1)).kpis[0].target == 15
    assert role.version_on(dt.date(2025, 12, 1)) is None


def test_a_key_written_twice_is_refused_not_overwritten(tmp_path):
    path = write(tmp_path)
    path.write_text(path.read_text().replace("pass_grade: pass\n", "pass_grade: pass\npass_grade: good\n"))
    with pytest.raises(KpiConfigError) as err:
        load_kpi_config(path)
    assert str(err.value) == f"{path}, line 3: 'pass_grade' appears twice here (first on line 2); keep one"


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(KpiConfigError) as err:
        load_kpi_config(tmp_path / "kpi.yml")
    assert str(err.value) == f"{tmp_path / 'kpi.yml'}: the file does not exist"


def test_the_calibration_examples_commented_in_kpi_yml_are_valid(tmp_path):
    text = (PROJECT_ROOT / "kpi.yml").read_text(encoding="utf-8")
    for key in ("excusals", "kpi_swaps", "weight_overrides"):
        example = re.search(rf"((?:#   .*\n)+){key}: \[\]\n", text)
        assert example, f"kpi.yml has no commented example right above '{key}: []'"
        text = text.replace(example.group(0), f"{key}:\n" + re.sub(r"(?m)^#", "", example.group(1)))
    path = tmp_path / "kpi.yml"
    path.write_text(text, encoding="utf-8")
    config = load_kpi_config(path)
    assert (len(config.excusals), len(config.swaps), len(config.weight_overrides)) == (1, 1, 1)
    sem = config.roles["sem"].version_on(dt.date(2026, 10, 1)).kpis
    weights = {k.id: k.weight for k in config.kpis_for(sem, "E07", "2026-10", dt.date(2026, 10, 1))}
    assert weights == {"roi": 25, "cpl": 35, "conversion": 15, "ctr": 15, "initiative": 10}


@pytest.mark.parametrize("tiers, message", [
    ("[{above: 0.5, rate: 0.02}]", "'above' starts at 1 (the target)"),
    ("[{above: 1.5, rate: 0.02}, {above: 1.2, rate: 0.05}]", "grows tier by tier"),
    ("[{above: 1.0, rate: 2}]", "'rate' is between 0 and 1"),
    ("[{above: 1.0}]", "a tier is {above: multiple of the monthly target, rate: share of the profit}"),
])
def test_commission_tiers_are_checked_with_their_line(tmp_path, tiers, message):
    path = write(tmp_path)
    path.write_text(path.read_text() + f"incentives:\n  monthly_profit_target: 6000\n  commission_tiers: {tiers}\n")
    with pytest.raises(KpiConfigError) as err:
        load_kpi_config(path)
    assert str(err.value).startswith(f"{path}, line 12,") and message in str(err.value), str(err.value)


def test_commission_tiers_need_a_monthly_target(tmp_path):
    path = write(tmp_path)
    path.write_text(path.read_text() + "incentives:\n  commission_tiers: [{above: 1.0, rate: 0.02}]\n")
    with pytest.raises(KpiConfigError, match="commission tiers need incentives.monthly_profit_target"):
        load_kpi_config(path)


def test_every_shipped_role_and_kpi_has_a_chinese_label():
    config = load_kpi_config(PROJECT_ROOT / "kpi.yml")
    unnamed = [r.name for r in config.roles.values() if r.name_zh == r.name]
    unnamed += [f"{r.name}.{k.id}" for r in config.roles.values() for v in r.versions for k in v.kpis
                if not re.search(r"[\u4e00-\u9fff]", k.label("zh"))]
    assert not unnamed, f"kpi.yml: give these a name_zh for the Chinese report: {unnamed}"

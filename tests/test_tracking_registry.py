"""The tracking checks are registered once (dbt_project.yml vars: mkpi_tracking.severity); a check is its
model, its yml entry and its docs section, and every copy agrees."""

from __future__ import annotations

import re

import yaml

from pipelines.configuration.mkpi_yml import tracking_checks
from pipelines.settings import PROJECT_ROOT

TRACKING = PROJECT_ROOT / "dbt_project" / "models" / "tracking"


def test_each_registered_check_has_its_model_yml_entry_and_docs_section():
    models = {p.stem.removeprefix("int_tracking__") for p in TRACKING.glob("int_tracking__*.sql")}
    entries = yaml.safe_load((TRACKING / "_tracking__models.yml").read_text(encoding="utf-8"))["models"]
    described = {e["name"].removeprefix("int_tracking__") for e in entries if e.get("description")}
    docs = (PROJECT_ROOT / "docs" / "tracking-checks.md").read_text(encoding="utf-8")
    documented = {c for line in re.findall(r"(?m)^### .*$", docs) for c in re.findall(r"\w+", line)}
    assert set(tracking_checks()) == models == described
    assert set(tracking_checks()) <= documented


def test_mkpi_yml_can_override_every_tracking_setting_and_nothing_else():
    from pipelines.configuration.mkpi_yml import mkpi_yml_model
    from pipelines.configuration.dbt_registry import dbt_vars

    Tracking = mkpi_yml_model().model_fields["tracking"].annotation

    assert set(Tracking.model_fields) == set(dbt_vars()["mkpi_tracking"])
    assert set(Tracking.model_fields["severity"].annotation.model_fields) == set(tracking_checks())


def test_each_tracking_check_is_an_asset_check_and_info_is_never_a_failure():
    """One asset check per registry entry, described by its model; the result reads tonight's row."""
    import dagster as dg

    from pipelines.orchestration.assets.dbt import tracking_descriptions
    from pipelines.orchestration.assets.tracking_checks import ISSUES, finding, tracking_asset_checks

    checks = tracking_asset_checks(tracking_descriptions())
    specs = {spec.name: spec for spec in checks.check_specs}
    assert set(specs) == set(tracking_checks()) and all(s.asset_key == ISSUES for s in specs.values())
    assert specs["unknown_campaign"].description.startswith("Paid-medium sessions and leads whose campaign")
    assert finding("unknown_source", None).passed
    row = {"severity": "info", "issues": 2, "rows_affected": 109, "channels": ["facebook"], "example": "spelled 'Facebook'"}
    note = finding("inconsistent_spelling", row)
    assert note.passed and note.metadata["rows_affected"].value == 109
    warned = finding("unknown_campaign", {**row, "severity": "warn"})
    assert not warned.passed and warned.severity == dg.AssetCheckSeverity.WARN
    error = finding("sessions_drop", {**row, "severity": "error", "channels": ["facebook", "google"]})
    assert not error.passed and error.severity == dg.AssetCheckSeverity.ERROR
    assert error.metadata["channels"].value == "facebook, google"


# Words a Chinese message keeps as they are typed: tag and parameter names, file names, commands.
TECHNICAL = re.compile(r"utm_\w+|seeds/\w+\.csv|\w+\.csv|mkpi sources check|UTM|CRM|ID|KPI|mkpi")


def test_each_check_has_a_title_and_a_message_in_both_languages_naming_the_same_values():
    from pipelines.configuration.dbt_registry import dbt_vars

    texts = dbt_vars()["mkpi_tracking_texts"]
    assert set(texts) == set(tracking_checks())
    for check, text in texts.items():
        assert text["title"]["en"] and text["title"]["zh"], check
        names = {lang: set(re.findall(r"\{(\w+)\}", text["message"][lang])) for lang in ("en", "zh")}
        assert names["en"] == names["zh"], check
        for name, part in text.get("parts", {}).items():
            assert name in names["en"] and part["when"], (check, name)
            assert set(re.findall(r"\{(\w+)\}", part["en"])) == set(re.findall(r"\{(\w+)\}", part["zh"])), (check, name)
        chinese = [text["title"]["zh"], text["message"]["zh"], *(p["zh"] for p in text.get("parts", {}).values())]
        for words in chinese:
            left = TECHNICAL.sub("", re.sub(r"\{\w+\}", "", words))
            assert not re.findall(r"[A-Za-z]{2,}", left), (check, words)

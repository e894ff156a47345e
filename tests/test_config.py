"""mkpi.yml validation: defaults, and one-line errors naming file, line and key."""

import datetime as dt

import pytest

from pipelines.configuration.mkpi_yml import AttributionSettings, ConfigError, RunConfig, load_config


def write(tmp_path, text):
    path = tmp_path / "mkpi.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_missing_file_means_defaults(tmp_path):
    assert load_config(tmp_path / "absent.yml") == RunConfig()


def test_values_are_read(tmp_path):
    cfg = load_config(write(tmp_path, "reporting:\n  currency: CNY\n  timezone: Asia/Shanghai\n"
                                      "  as_of_date: 2026-10-31\nfx:\n  max_staleness_days: 3\n"))
    assert (cfg.reporting_currency, cfg.reporting_timezone, cfg.as_of(), cfg.fx_max_staleness_days) == (
        "CNY", "Asia/Shanghai", dt.date(2026, 10, 31), 3)


@pytest.mark.parametrize("text, expected", [
    ("reporting:\n  timezone: Asia/Shangai\n", "line 2, reporting.timezone: 'Asia/Shangai' is not a time zone name"),
    ("reporting:\n  currency: usd\n", "line 2, reporting.currency: 'usd' is not a 3-letter currency code"),
    ("fx:\n  max_staleness_days: -1\n", "line 2, fx.max_staleness_days: -1 is not a number of days"),
    ("schedule:\n  cron: every night\n", "line 2, schedule.cron: 'every night' is not a cron schedule"),
    ("reporting:\n  curency: USD\n", "line 2, reporting.curency: unknown setting (allowed here: currency, timezone, as_of_date)"),
    ("reporting: [USD\n", "not valid YAML"),
    ("reporting:\n  currency: USD\n  currency: CNY\n",
     "line 3: 'currency' appears twice here (first on line 2); keep one"),
    ("files:\n  encodings:\n    - {pattern: '*.csv', encoding: klingon}\n",
     "line 3, files.encodings[0].encoding: 'klingon' is not an encoding name"),
    ("attribution:\n  path_transform: collapse\n",
     "line 2, attribution.path_transform: 'collapse' is not a path transform (one of exposure, none, first, unique)"),
    ("attribution:\n  direct: ignore\n", "line 2, attribution.direct: 'ignore' is not a direct rule"),
    ("attribution:\n  half_life_days: 0\n", "line 2, attribution.half_life_days: 0 is not a number of days above 0"),
    ("attribution:\n  lookback_steps: -2\n", "line 2, attribution.lookback_steps: -2 is not a number of touches"),
])
def test_bad_values_are_one_line_with_file_line_and_key(tmp_path, text, expected):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_config(path)
    message = str(err.value)
    assert message.startswith(str(path)) and expected in message and "\n" not in message


def test_attribution_settings_are_read_with_the_contracts_defaults(tmp_path):
    assert load_config(write(tmp_path, "reporting:\n  currency: USD\n")).attribution == AttributionSettings(
        lookback_days=30, lookback_steps=0, path_transform="exposure", direct="credit_only_if_all_direct",
        half_life_days=7.0)
    cfg = load_config(write(tmp_path, "attribution:\n  lookback_days: 14\n  direct: keep\n  half_life_days: 3.5\n"))
    assert (cfg.attribution.lookback_days, cfg.attribution.direct, cfg.attribution.half_life_days) == (14, "keep", 3.5)


def test_tracking_settings_and_severities(tmp_path):
    cfg = load_config(write(tmp_path, "tracking:\n  drop_share: 0.6\n  severity:\n    sessions_drop: warn\n"))
    assert cfg.tracking_overrides == {"drop_share": 0.6, "severity": {"sessions_drop": "warn"}}


@pytest.mark.parametrize("text, expected", [
    ("tracking:\n  drop_share: 60\n", "line 2, tracking.drop_share: 60 is not a share between 0 and 1"),
    ("tracking:\n  severity:\n    sessions_drop: critical\n", "line 3, tracking.severity.sessions_drop: 'critical' is not a severity"),
    ("tracking:\n  severity:\n    session_drop: warn\n", "line 3, tracking.severity.session_drop: unknown setting"),
])
def test_bad_tracking_settings(tmp_path, text, expected):
    with pytest.raises(ConfigError, match=expected.replace(".", r"\.").replace("(", r"\(")):
        load_config(write(tmp_path, text))


def test_file_encodings_are_read(tmp_path):
    path = write(tmp_path, "files:\n  encodings:\n    - pattern: 'ad_spend_yahoo*.csv'\n      encoding: cp1252\n")
    assert load_config(path).file_encodings == (("ad_spend_yahoo*.csv", "cp1252"),)


@pytest.mark.parametrize("text, expected", [
    ("snapshots:\n  keep: many\n", "line 2, snapshots.keep: 'many' is not a whole number between 1 and 100"),
    ("alerts: [warn]\n", "line 1, alerts: ['warn'] expected 'key: value' lines here"),
    ("files:\n  encodings:\n    - {pattern: '*.csv'}\n", "line 3, files.encodings[0]: 'encoding' is required"),
    ("tracking:\n  drop_share: '0.5'\n", "line 2, tracking.drop_share: '0.5' is not a share between 0 and 1 (for example 0.25 for 25%)"),
])
def test_shapes_and_types_read_like_the_other_mistakes(tmp_path, text, expected):
    with pytest.raises(ConfigError) as err:
        load_config(write(tmp_path, text))
    assert str(err.value) == f"{tmp_path / 'mkpi.yml'}, {expected}"


def test_a_section_with_every_key_commented_out_means_its_defaults(tmp_path):
    assert load_config(write(tmp_path, "alerts:\n  # sinks: []\nreporting:\n  currency: CNY\n")) == RunConfig(
        reporting_currency="CNY")


def test_the_three_files_share_one_error_kind():
    from pipelines.configuration.yaml_files import ConfigFileError
    from pipelines.scoring.config import KpiConfigError
    from pipelines.configuration.sources_yml import SourcesConfigError

    assert all(issubclass(e, ConfigFileError) for e in (ConfigError, SourcesConfigError, KpiConfigError))

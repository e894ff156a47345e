"""sources.yml validation: every mistake is one line naming the file, the line and the key."""

from __future__ import annotations

import pytest

from pipelines.configuration.sources_yml import SourcesConfigError, load_sources

GOOD = """\
defaults:
  start_date: 2026-01-01
  lookback_days: 14
sources:
  - name: google_ads
    type: google_ads
    customer_ids: ["123-456-7890"]
    developer_token_env: GOOGLE_ADS_DEVELOPER_TOKEN
    client_id_env: GOOGLE_CLIENT_ID
    client_secret_env: GOOGLE_CLIENT_SECRET
    refresh_token_env: GOOGLE_REFRESH_TOKEN
  - name: tiktok
    type: json_api
    kind: ad_spend
    url: https://business-api.tiktok.com/open_api/v1.3/report/integrated/get/
    records: data.list
    paging: {style: page, param: page, size_param: page_size, size: 1000}
    fields: {date: dimensions.stat_time_day, campaign_name: dimensions.campaign_id, spend: metrics.spend}
    constants: {platform: tiktok_ads, currency: USD}
    auth: {header: Access-Token, prefix: "", secret_env: TIKTOK_TOKEN}
    lookback_days: 3
"""


def load(tmp_path, text):
    path = tmp_path / "sources.yml"
    path.write_text(text, encoding="utf-8")
    return load_sources(path)


def error(tmp_path, text) -> str:
    with pytest.raises(SourcesConfigError) as err:
        load(tmp_path, text)
    return str(err.value).replace(str(tmp_path) + "/", "")


def test_a_good_file_loads_with_defaults_applied(tmp_path):
    config = load(tmp_path, GOOD)
    google, tiktok = config.sources
    assert (google.lookback_days, tiktok.lookback_days, str(google.start_date)) == (14, 3, "2026-01-01")
    assert google.kinds == ("ad_spend",) and tiktok.kinds == ("ad_spend",)
    assert sorted(google.secret_names()) == ["GOOGLE_ADS_DEVELOPER_TOKEN", "GOOGLE_CLIENT_ID", "GOOGLE_CLIENT_SECRET",
                                             "GOOGLE_REFRESH_TOKEN"]
    assert tiktok.secret_names() == ["TIKTOK_TOKEN"]


def test_no_file_means_no_api_sources(tmp_path):
    assert load_sources(tmp_path / "absent.yml").sources == ()


@pytest.mark.parametrize("change,message", [
    (("    customer_ids:", "    customer_idz:"),
     "sources.yml, line 7, sources[0].customer_idz: unknown key for a google_ads source"),
    (("developer_token_env: GOOGLE_ADS_DEVELOPER_TOKEN", "developer_token_env: abc123-real-token"),
     "sources.yml, line 8, sources[0].developer_token_env: must name an environment variable"),
    (("  - name: tiktok", "  - name: google_ads"), "sources.yml, line 12, sources[1].name: the name 'google_ads' is used twice"),
    (("    type: json_api", "    type: tiktok"), "sources.yml, line 13, sources[1].type: type must be one of"),
    (("spend: metrics.spend}", "cost: metrics.spend}"), "sources.yml, line 18, sources[1].fields: 'cost' is not a column of ad_spend"),
    (("date: dimensions.stat_time_day, ", ""), "sources.yml, line 18, sources[1].fields: ad_spend needs 'date'"),
    (("style: page,", "style: pages,"), "sources.yml, line 17, sources[1].paging: paging.style is one of"),
    (("  start_date: 2026-01-01", "  start_date: 01/01/2026"), "start_date '01/01/2026' is not a date written as YYYY-MM-DD"),
    (('customer_ids: ["123-456-7890"]', "customer_ids: 1234567890"), "sources[0].customer_ids: must be a list"),
])
def test_mistakes_name_the_line_and_key(tmp_path, change, message):
    assert message in error(tmp_path, GOOD.replace(*change))


def test_a_missing_required_key_names_the_source(tmp_path):
    assert error(tmp_path, GOOD.replace("    refresh_token_env: GOOGLE_REFRESH_TOKEN\n", "")) == (
        "sources.yml, line 5, sources[0]: google_ads source 'google_ads' needs 'refresh_token_env'")


def test_the_example_file_in_the_repository_is_valid():
    from pipelines.settings import PROJECT_ROOT

    config = load_sources(PROJECT_ROOT / "sources.example.yml")
    assert [s.name for s in config.enabled] == ["google_ads", "meta", "hubspot", "ga4"]

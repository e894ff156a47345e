"""Token lifecycles as the platforms define them, against the fakes of tests/fake_china_platforms.py:
refresh tokens that Ocean Engine, Tencent Ads and Baidu replace at every refresh (the one presented
stops working, none lives past 30 days) kept in the encrypted token store; WeChat's stable token;
`mkpi sources check` showing what the store knows."""

from __future__ import annotations

import datetime as dt
import os
import stat

import pytest

from connectors.token_store import TokenStore, TokenStoreError
from pipelines.settings import PROJECT_ROOT, TOKEN_KEY_ENV
from tests.conftest import files_containing, run_mkpi
from tests.fake_china_platforms import REFRESH_DAYS, SECRETS, TOKEN_KEY, running
from tests.test_china_connectors import pull

ROTATING = [("ocean", "ocean", "OCEAN_REFRESH_TOKEN"), ("tencent", "tencent", "TENCENT_REFRESH_TOKEN"),
            ("baidu_api", "baidu", "BAIDU_REFRESH_TOKEN")]


@pytest.fixture
def fake(tmp_path, monkeypatch):
    with running(tmp_path, monkeypatch, lookback_days=1) as platforms:
        yield platforms


def pull_on(tmp_path, fake, source: str, day: dt.date):
    """The night of `day`: the fake's clock and the build date move together; pulls end the day before."""
    fake.today = day.isoformat()
    return pull(tmp_path, source, "ad_spend", as_of=day, now=dt.datetime.combine(day, dt.time(4), dt.timezone.utc))


@pytest.mark.parametrize("source,platform,variable", ROTATING, ids=[r[0] for r in ROTATING])
def test_sixty_nights_with_single_use_refresh_tokens_keep_pulling(tmp_path, fake, source, platform, variable):
    first = dt.date(2026, 10, 2)
    for night in range(60):
        outcome = pull_on(tmp_path, fake, source, first + dt.timedelta(days=night))
        assert outcome.ok, f"night {night + 1}: {outcome.error}"
    assert fake.issued[platform] == 60 and fake.problems == []  # one refresh a night, each with the newest token
    current = fake.refresh[platform][0]
    assert current != SECRETS[variable]  # the environment's token was used once, on the first night
    store = tmp_path / "state" / "tokens.enc.json"
    assert stat.S_IMODE(os.stat(store).st_mode) == 0o600
    secrets = [current, SECRETS[variable], TOKEN_KEY[TOKEN_KEY_ENV], fake.token(platform)]
    assert [s for s in secrets if files_containing(tmp_path / "state", s.encode())] == []  # nothing in plaintext


@pytest.mark.parametrize("source,platform,variable", ROTATING, ids=[r[0] for r in ROTATING])
def test_without_the_store_the_second_night_fails_as_the_platform_says(tmp_path, fake, source, platform, variable):
    assert pull_on(tmp_path, fake, source, dt.date(2026, 10, 10)).ok
    (tmp_path / "state" / "tokens.enc.json").unlink()  # the new refresh token is lost: only the used one is left
    second = pull_on(tmp_path, fake, source, dt.date(2026, 10, 11))
    assert not second.ok and f"${variable} is invalid, expired or lacks the permission" in second.error


def test_a_token_not_renewed_for_30_days_has_expired(tmp_path, fake):
    assert pull_on(tmp_path, fake, "tencent", dt.date(2026, 10, 10)).ok
    late = pull_on(tmp_path, fake, "tencent", dt.date(2026, 10, 10) + dt.timedelta(days=REFRESH_DAYS + 1))
    assert not late.ok and "$TENCENT_REFRESH_TOKEN" in late.error


def test_a_freshly_authorized_token_in_the_environment_replaces_the_stored_one(tmp_path, fake, monkeypatch):
    assert pull_on(tmp_path, fake, "ocean", dt.date(2026, 10, 10)).ok
    fake.refresh["ocean"] = ("ocean-refresh-SECRET-reauthorized", "2026-10-11")  # someone authorized the app again
    monkeypatch.setenv("OCEAN_REFRESH_TOKEN", "ocean-refresh-SECRET-reauthorized")
    assert pull_on(tmp_path, fake, "ocean", dt.date(2026, 10, 11)).ok


def test_the_store_says_what_to_do_with_a_wrong_key_and_a_missing_one(tmp_path, fake, monkeypatch):
    assert pull_on(tmp_path, fake, "ocean", dt.date(2026, 10, 10)).ok
    store = TokenStore(tmp_path / "state" / "tokens.enc.json", "another passphrase", TOKEN_KEY_ENV)
    with pytest.raises(TokenStoreError, match=r"cannot be opened with the key in \$MKPI_TOKEN_KEY: restore the key"):
        store.entry("ocean")
    monkeypatch.delenv(TOKEN_KEY_ENV)
    outcome = pull_on(tmp_path, fake, "ocean", dt.date(2026, 10, 11))
    assert not outcome.ok and not outcome.retryable
    assert "$MKPI_TOKEN_KEY (the token store's key) is not set" in outcome.error


def test_wechat_asks_for_the_stable_token_and_forces_a_new_one_only_when_refused(tmp_path, fake):
    fake.expire_next.add("wechat")  # the first token the platform hands out is refused on its first use
    outcome = pull(tmp_path, "wechat", "social_accounts")
    assert outcome.ok, outcome.error
    grants = [r.json() for r in fake.requests_to("/cgi-bin/stable_token")]
    assert [g["force_refresh"] for g in grants] == [False, True]
    assert fake.requests_to("/cgi-bin/token") == [] and fake.problems == []


def test_sources_check_shows_each_tokens_days_left_and_age(tmp_path, fake):
    fake.today = dt.date.today().isoformat()  # `mkpi sources check` runs on today's clock
    fake.refresh = {p: (token, fake.today) for p, (token, _) in fake.refresh.items()}  # authorized today
    result = run_mkpi("sources", "check", "--warehouse", str(tmp_path / "w.duckdb"),
                      env={"MKPI_SOURCES": str(tmp_path / "sources.yml"), "MKPI_STATE_DIR": str(tmp_path / "state")})
    lines = dict(line.split(None, 2)[1:] for line in result.stdout.strip().splitlines())
    assert result.returncode == 0, result.stdout + result.stderr
    for source in ("ocean", "tencent", "baidu_api"):
        assert f"refresh token renewed {dt.date.today()}, valid until" in lines[source]
        assert f"({REFRESH_DAYS} days left)" in lines[source], lines[source]
    assert f"$WECHAT_APP_SECRET unchanged since {dt.date.today()} (0 days)" in lines["wechat"]
    assert not any(v in result.stdout + result.stderr for v in SECRETS.values() if "SECRET" in v)


def test_sources_check_on_the_example_file_names_versions_and_what_is_missing(tmp_path, monkeypatch):
    for name in (*SECRETS, TOKEN_KEY_ENV):
        monkeypatch.delenv(name, raising=False)
    result = run_mkpi("sources", "check", "--sources", str(PROJECT_ROOT / "sources.example.yml"), "--warehouse", str(tmp_path / "w.duckdb"))
    lines = {line.split()[1]: line for line in result.stdout.strip().splitlines()}
    assert result.returncode == 1 and set(lines) == {"google_ads", "meta", "hubspot", "ga4"}  # the enabled ones
    assert "$GOOGLE_ADS_DEVELOPER_TOKEN" in lines["google_ads"] and "Google Ads API v26" in lines["google_ads"]
    assert "Meta Marketing API v27.0" in lines["meta"]

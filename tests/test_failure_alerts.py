"""Run failures alert too: the Dagster sensor for scheduled runs, `mkpi run` for runs it starts itself."""

from __future__ import annotations

import dagster as dg

from pipelines.orchestration.definitions import build_definitions
from pipelines.orchestration.nightly import run_nightly
from tests.conftest import run_mkpi, settings_for
from tests.sink_servers import RecordingServer, Reply


def missing_exports(tmp_path):
    """The export share is not mounted tonight: the one input without which no night can run."""
    return tmp_path / "not_mounted"


def alerting_config(tmp_path):
    config = tmp_path / "mkpi.yml"
    config.write_text("alerts:\n  sinks:\n    - type: webhook\n      url_env: TEST_FAILURE_HOOK\n")
    return config


def test_the_run_failure_sensor_alerts(tmp_path, monkeypatch):
    settings = settings_for(tmp_path, source_dir=missing_exports(tmp_path), config=alerting_config(tmp_path))
    instance = dg.DagsterInstance.ephemeral()
    outcome = run_nightly(settings, instance=instance)
    assert not outcome.success
    run = instance.get_run_by_id(outcome.run_id)
    failure = next(e for e in instance.all_logs(run.run_id) if e.dagster_event and e.dagster_event.event_type_value == "PIPELINE_FAILURE")
    sensor = build_definitions(settings).resolve_sensor_def("alert_on_run_failure")
    with RecordingServer([Reply(200, "ok")]) as server:
        monkeypatch.setenv("TEST_FAILURE_HOOK", server.url("/hook"))
        context = dg.build_run_status_sensor_context(
            sensor_name=sensor.name, dagster_event=failure.dagster_event, dagster_instance=instance, dagster_run=run,
        ).for_run_failure()
        sensor(context)
    (message,) = server.received
    body = message.json()
    assert body["title"] == "mkpi: the nightly run failed"
    assert run.run_id in body["pointer"]


def test_mkpi_run_alerts_when_it_cannot_start(tmp_path):
    missing = missing_exports(tmp_path)
    with RecordingServer([Reply(200, "ok")]) as server:
        result = run_mkpi("run", "--source-dir", str(missing), "--warehouse", str(tmp_path / "w.duckdb"),
                          "--config", str(alerting_config(tmp_path)), env={"TEST_FAILURE_HOOK": server.url("/hook")})
    assert result.returncode == 2
    (message,) = server.received
    body = message.json()
    assert body["title"] == "mkpi: the nightly run failed"
    assert f"source folder {missing} does not exist or is not a folder" in body["summary"]


def test_alert_test_command_reaches_every_sink(tmp_path):
    config = tmp_path / "mkpi.yml"
    config.write_text("alerts:\n  backoff_seconds: 0.01\n  retries: 1\n  sinks:\n"
                      "    - type: webhook\n      url_env: TEST_OK_HOOK\n"
                      "    - type: wecom\n      url_env: TEST_BAD_HOOK\n")
    with RecordingServer([Reply(200, "ok")]) as ok, RecordingServer([Reply(200, {"errcode": 93000, "errmsg": "invalid webhook url"})]) as bad:
        result = run_mkpi("alert", "--test", "--config", str(config),
                          env={"TEST_OK_HOOK": ok.url("/a"), "TEST_BAD_HOOK": bad.url("/cgi-bin/webhook/send?key=x")})
    assert result.returncode == 1
    assert result.stdout.splitlines() == ["webhook: sent", "wecom: FAILED - errcode 93000: invalid webhook url"]
    assert "这段中文" in ok.received[0].json()["issues"][0]["message"]


def test_checks_command_lists_issues(tmp_path, tiny_warehouse):
    result = run_mkpi("checks", "--warehouse", str(tiny_warehouse))
    assert result.returncode == 0 and result.stdout.startswith("No tracking issues in")
    missing = run_mkpi("checks", "--warehouse", str(tmp_path / "none.duckdb"))
    assert missing.returncode == 2 and "run `mkpi run` first" in missing.stderr

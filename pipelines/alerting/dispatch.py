"""Decide what to alert about and send it: the part the Dagster asset, the sensor and the CLI share."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Protocol

from pipelines.sources import landing_notes
from pipelines.night import warehouse as wh
from pipelines.alerting import ledger
from pipelines.alerting.messages import SEVERITY_RANK, WORDS, Alert, Issue, failure_alert, tracking_alert
from pipelines.alerting.sinks import Delivery, deliver

LEDGER_FILE = "alert_ledger.json"
REPORT_FILE = "last_alert_report.json"


@dataclass
class AlertReport:
    issues_found: int = 0
    issues_new: int = 0
    deliveries: list[Delivery] = field(default_factory=list)

    def lines(self) -> list[str]:
        if not self.deliveries:
            reason = "no sink configured" if self.issues_new else "nothing new or worse"
            return [f"Alerts: none sent ({reason}; {self.issues_found} issue(s) at or above the alert severity)."]
        out = [f"Alerts: {self.issues_new} new or worse issue(s) sent in one message:"]
        for d in self.deliveries:
            out.append(f"  {d.sink}: {'sent' if d.ok else 'FAILED - ' + d.detail}"
                       + (f" (after {d.attempts} tries)" if d.ok and d.attempts > 1 else ""))
        return out


def read_issues(warehouse: Path, min_severity: str, language: str = "en") -> tuple[list[Issue], str]:
    """The night's issues at or above `min_severity`, titled and worded in `language`."""
    suffix = "_zh" if language == "zh" else ""
    con = wh.connect(warehouse, read_only=True)
    try:
        rows = con.execute(
            f"""SELECT issue_key, check_name, severity, channel, campaign, rows_affected,
                       CAST(spend_affected AS DOUBLE), message{suffix}, check_title{suffix}
                FROM marts.fct_tracking_issues"""
        ).fetchall()
        as_of = con.execute("SELECT CAST(as_of_date AS VARCHAR) FROM marts.dim_run_settings").fetchall()[0][0]
    finally:
        con.close()
    issues = [Issue(*row, everywhere=WORDS[language]["everywhere"]) for row in rows]
    return [i for i in issues if SEVERITY_RANK[i.severity] >= SEVERITY_RANK[min_severity]], as_of


class AlertSettings(Protocol):
    """What sending needs of the run's settings (pipelines.configuration.mkpi_yml.RunConfig has it: mkpi.yml's alerts section)."""
    alert_sinks: tuple
    alert_retries: int
    alert_timeout_seconds: float
    alert_backoff_seconds: float
    alert_min_severity: str
    alert_top: int
    alert_language: str


def broadcast(config: AlertSettings, alert: Alert) -> list[Delivery]:
    return [
        deliver(sink, alert, retries=config.alert_retries, timeout=config.alert_timeout_seconds,
                backoff=config.alert_backoff_seconds)
        for sink in config.alert_sinks
    ]


def send_tracking_alerts(config: AlertSettings, warehouse: Path, state_dir: Path) -> AlertReport:
    """One message with the issues that are new or worse than when last sent; remember what was sent."""
    issues, as_of = read_issues(warehouse, config.alert_min_severity, config.alert_language)
    ledger_path = state_dir / LEDGER_FILE
    seen = ledger.load(ledger_path)
    news = [i for i in issues if ledger.is_news(i, seen)]
    report = AlertReport(len(issues), len(news))
    if news and config.alert_sinks:
        alert = tracking_alert(news, as_of=as_of, warehouse=str(warehouse), top=config.alert_top,
                               landing=landing_line(warehouse, state_dir), language=config.alert_language)
        report.deliveries = broadcast(config, alert)
        if any(d.ok for d in report.deliveries):  # nobody heard it: try again tomorrow
            ledger.save(ledger_path, ledger.record(news, seen, dt.date.today().isoformat()))
    save_report(state_dir, report)
    return report


def landing_line(warehouse: Path, state_dir: Path) -> str:
    """Rows and files left out tonight and expectations that failed, for the alert ('' when none)."""
    con = wh.connect(warehouse, read_only=True)
    try:
        rows, files = con.execute("""SELECT count(DISTINCT (file, line)) FILTER (WHERE stage <> 'file'),
                                            count(*) FILTER (WHERE stage = 'file')
                                     FROM marts.fct_quarantined_rows""").fetchall()[0]
    finally:
        con.close()
    failed = landing_notes.load(state_dir)["failed_expectations"]
    parts = [f"{rows} row(s) quarantined" if rows else "", f"{files} file(s) not read" if files else "",
             f"{failed} failed data expectation(s)" if failed else ""]
    said = ", ".join(p for p in parts if p)
    return f"Landing: {said} (marts.fct_quarantined_rows; the run's summary has the details)." if said else ""


def send_failure_alert(config: AlertSettings, job: str, error: str, where: str) -> list[Delivery]:
    return broadcast(config, failure_alert(job, error, where=where, language=config.alert_language))


def save_report(state_dir: Path, report: AlertReport) -> None:
    state_dir.mkdir(parents=True, exist_ok=True)
    (state_dir / REPORT_FILE).write_text(json.dumps(asdict(report)), encoding="utf-8")


def load_report(state_dir: Path) -> AlertReport | None:
    path = state_dir / REPORT_FILE
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    return AlertReport(data["issues_found"], data["issues_new"], [Delivery(**d) for d in data["deliveries"]])

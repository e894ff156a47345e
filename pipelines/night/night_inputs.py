"""Whether `mkpi run` has anything to do tonight: a night whose inputs are all as the last good night
left them would publish the same file and the same pages, so it says so in one line and ends.

A night's inputs are everything its outcome reads: the as-of date, the settings, mkpi.yml, kpi.yml
and sources.yml, the code (pipelines/, connectors/, dbt_project/), the exports in the source folder
(path, size and modification time, as landing itself compares them), what the warehouse's nights
keep in its state folder (closed periods, approvals, pulled data), the pages in the reports folder
and the published file itself. Their fingerprint is written beside the warehouse when a night has
published, before the run lock is released; any difference makes a night run. API sources are
the exception: what a platform has new is only known by pulling, so a night with enabled sources
always runs (docs/operations.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

from pipelines.settings import PROJECT_ROOT, Settings

RECORD = "last_night.json"  # in the state folder
_CODE = ("pipelines", "connectors", "dbt_project", "dagster.yaml")
_NOT_CODE = {"target", "logs", "__pycache__", "dbt_packages"}
# State a night rewrites for itself (its log, dbt's parse state, Spark's tables), this record, and the alerts'
# ledger and report, which the alerts write after the night (a night with nothing new sends none); the
# names are alerting.dispatch's (tests/test_nothing_new.py checks).
ALERTS_OWN = {"alert_ledger.json", "last_alert_report.json"}
_NOT_STATE = {"logs", "dbt", "spark", RECORD, *ALERTS_OWN}


def fingerprint(settings: Settings, as_of: dt.date) -> str:
    digest = hashlib.sha256()

    def add(*parts) -> None:
        digest.update("\0".join(map(str, parts)).encode("utf-8") + b"\1")

    add("as_of", as_of)
    add("settings", repr(settings))  # the salt among them: only this digest of it is written
    for path in (settings.config_file, settings.kpi_config, settings.sources_file):
        add(path, hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "absent")
    for path in _files(PROJECT_ROOT, _CODE, _NOT_CODE):
        add(path.relative_to(PROJECT_ROOT), hashlib.sha256(path.read_bytes()).hexdigest())
    for folder, skipped in ((settings.source_dir, set()), (settings.state_dir, _NOT_STATE), (settings.reports_dir, set())):
        for path in _files(folder, None, skipped):
            stat = path.stat()
            add(path, stat.st_size, stat.st_mtime_ns)
    if settings.warehouse.is_file():
        stat = settings.warehouse.stat()
        add(settings.warehouse, stat.st_size, stat.st_mtime_ns)
    return digest.hexdigest()


def _files(root: Path, names: tuple[str, ...] | None, skipped: set[str]) -> list[Path]:
    """The files below `root` (or below its entries `names`), leaving out any path through a name in `skipped`."""
    tops = [root / n for n in names] if names is not None else [root]
    found = []
    for top in tops:
        if top.is_file():
            found.append(top)
        elif top.is_dir():
            found += [p for p in top.rglob("*")
                      if p.is_file() and not skipped.intersection(p.relative_to(root).parts)]
    return sorted(found)


def nothing_new(settings: Settings, as_of: dt.date, api_sources: int) -> str | None:
    """The line to print when tonight's inputs are those of the last good night; None when the night has work."""
    record = settings.state_dir / RECORD
    if api_sources or not record.is_file():
        return None
    try:
        last = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if last.get("fingerprint") != fingerprint(settings, as_of):
        return None
    return (f"Nothing new since the night that ended {last.get('ended', '?')}: the same exports, settings, kpi.yml, "
            f"code and as-of date ({as_of}); {settings.warehouse} and its pages are as that night left them "
            f"(`mkpi run --full-refresh` builds anyway).")


def forget(settings: Settings) -> None:
    """A night is starting: until it has published, the last record no longer describes the file."""
    (settings.state_dir / RECORD).unlink(missing_ok=True)


def remember(settings: Settings, as_of: dt.date) -> None:
    """After a night that published, under its run lock: its inputs, for the next night to compare."""
    settings.state_dir.mkdir(parents=True, exist_ok=True)
    ended = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    (settings.state_dir / RECORD).write_text(json.dumps({"fingerprint": fingerprint(settings, as_of), "ended": ended}),
                                            encoding="utf-8")

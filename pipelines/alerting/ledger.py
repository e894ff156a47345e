"""What was already alerted, so the same issue is not re-sent every night unless it gets worse."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from pipelines.alerting.messages import SEVERITY_RANK, Issue


def load(path: Path) -> dict:
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def save(path: Path, ledger: dict) -> None:
    """Write atomically: a crash never leaves a half-written ledger that would re-send everything."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(ledger, fh, ensure_ascii=False, indent=1, sort_keys=True)
    os.replace(tmp, path)


def is_news(issue: Issue, ledger: dict) -> bool:
    """New, or worse than when last sent: more rows, more spend, or a higher severity."""
    seen = ledger.get(issue.issue_key)
    if seen is None:
        return True
    return (
        issue.rows_affected > seen["rows_affected"]
        or (issue.spend_affected or 0) > (seen.get("spend_affected") or 0)
        or SEVERITY_RANK[issue.severity] > SEVERITY_RANK[seen["severity"]]
    )


def record(issues: list[Issue], ledger: dict, sent_on: str) -> dict:
    updated = dict(ledger)
    for issue in issues:
        updated[issue.issue_key] = {
            "rows_affected": issue.rows_affected,
            "spend_affected": issue.spend_affected,
            "severity": issue.severity,
            "sent_on": sent_on,
        }
    return updated

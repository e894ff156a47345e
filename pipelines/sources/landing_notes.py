"""What the landing step has to tell whoever runs the night: files not read, guessed encodings,
columns mkpi does not read, links skipped, failed expectations. Saved in the state folder so the
summary of `mkpi run` and the night's alert can say it after the run."""

from __future__ import annotations

import json
from pathlib import Path

NOTES_FILE = "last_landing_notes.json"


def save(state_dir: Path, lines: list[str], failed_expectations: int = 0) -> None:
    state_dir.mkdir(parents=True, exist_ok=True)
    (state_dir / NOTES_FILE).write_text(json.dumps({"lines": lines, "failed_expectations": failed_expectations},
                                                   ensure_ascii=False), encoding="utf-8")


def load(state_dir: Path) -> dict:
    path = state_dir / NOTES_FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {"lines": [], "failed_expectations": 0}


def add_expectation_failures(state_dir: Path, validations) -> None:
    lines = [f"{v.kind}: expectation {f['expectation']} failed on {f['column'] or 'the table'} "
             f"({f['unexpected_count']} value(s), e.g. {', '.join(f['examples']) or 'n/a'})"
             for v in validations for f in v.failures]
    if lines:
        notes = load(state_dir)
        save(state_dir, notes["lines"] + lines, notes["failed_expectations"] + len(lines))

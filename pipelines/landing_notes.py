"""What the landing step has to tell whoever runs the night: files not read, guessed encodings,
columns mkpi does not read, links skipped, failed expectations. Saved in the state folder so the
summary of `mkpi run` can print them after the run."""

from __future__ import annotations

import json
from pathlib import Path

NOTES_FILE = "last_landing_notes.json"


def save(state_dir: Path, lines: list[str]) -> None:
    state_dir.mkdir(parents=True, exist_ok=True)
    (state_dir / NOTES_FILE).write_text(json.dumps(lines, ensure_ascii=False), encoding="utf-8")


def load(state_dir: Path) -> list[str]:
    path = state_dir / NOTES_FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else []


def expectation_lines(kind: str, failures: list[dict]) -> list[str]:
    return [f"{kind}: expectation {f['expectation']} failed on {f['column'] or 'the table'} "
            f"({f['unexpected_count']} value(s), e.g. {', '.join(f['examples']) or 'n/a'})" for f in failures]

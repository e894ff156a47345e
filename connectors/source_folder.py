"""Find the export files in a source folder and tell which kind each one is."""

from __future__ import annotations

import errno
from dataclasses import dataclass, field
from pathlib import Path

from connectors.kinds import KINDS

SUPPORTED_SUFFIXES = (".csv", ".txt", ".tsv")


@dataclass
class SourceFolder:
    root: Path
    files: dict[str, list[Path]] = field(default_factory=dict)
    unknown: list[Path] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # entries that are not readable files, with why

    def files_for(self, kind: str) -> list[Path]:
        return self.files.get(kind, [])


def kind_of(path: Path) -> str | None:
    """`ad_spend_google_2026-10.csv` → `ad_spend`. The longest kind name that prefixes the file wins."""
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        return None
    stem = path.stem.lower()
    matches = [k for k in KINDS if stem.startswith(k)]
    return max(matches, key=len) if matches else None


def scan(root: Path) -> SourceFolder:
    """Every visible file directly in `root`, sorted by name so unions are reproducible."""
    if not root.is_dir():
        raise FileNotFoundError(f"source folder {root} does not exist or is not a folder")
    folder = SourceFolder(root)
    for path in sorted(root.iterdir()):
        if path.name.startswith("."):
            # Hidden: editors' and the system's own files are passed over in silence, but an export's name
            # with a dot in front (..leads.csv, .orders.csv) is named, so its rows are not lost unseen.
            if kind_of(path.with_name(path.name.lstrip("."))):
                folder.skipped.append(f"{path}: a hidden file (its name starts with a dot), skipped; "
                                      "rename it without the dot to read it")
            continue
        problem = _not_a_file(path)
        if problem:
            if kind_of(path) or path.is_symlink():
                folder.skipped.append(f"{path}: {problem}, skipped")
            continue
        kind = kind_of(path)
        if kind is None:
            folder.unknown.append(path)
        else:
            folder.files.setdefault(kind, []).append(path)
    return folder


def _not_a_file(path: Path) -> str | None:
    """Why `path` is not a file to read, or None. Links are followed; broken ones and loops are named."""
    try:
        path.stat()
    except OSError as err:
        if path.is_symlink():
            return "a symbolic link that loops" if err.errno == errno.ELOOP else "a symbolic link to nothing"
        return f"cannot be read ({err.strerror})"
    return None if path.is_file() else "a folder, not a file"

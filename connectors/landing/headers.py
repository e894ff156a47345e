"""A file's encoding and header: the checks that refuse a file the run cannot use, before anything loads."""

from __future__ import annotations

import codecs
import csv
import fnmatch
import io
import re
from pathlib import Path

from connectors.errors import SourceError
from connectors.file_scan import Encoding, detect_encoding
from connectors.kinds import Kind
from connectors.landing.tables import RESERVED_COLUMNS, TEXT_PREFIX


# A header wider or longer than this is not an export of one of mkpi's kinds (the widest has 10 columns):
# it is refused as a file before DuckDB spends gigabytes of memory on thousands of columns.
MAX_COLUMNS = 256
MAX_HEADER_BYTES = 1 << 20


def normalize_header(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.replace("\ufeff", "").strip().lower())


def encoding_for(path: Path, overrides: tuple = ()) -> Encoding:
    """The encoding mkpi.yml's `files.encodings` sets for this file name, else the detected one."""
    for pattern, encoding in overrides:
        if fnmatch.fnmatch(path.name, pattern):
            return Encoding(encoding)
    return detect_encoding(path)


def _read_header(path: Path, encoding: Encoding) -> tuple[list[str], str]:
    """The header's column names and delimiter, from the first line in the file's encoding."""
    try:
        with open(path, "rb") as fh:
            # UTF-16 spreads a newline over two bytes: decode a block and cut at the first newline.
            first = fh.read(64 * 1024) if encoding.name.startswith("utf-16") else fh.readline(MAX_HEADER_BYTES + 1)
        if len(first) > MAX_HEADER_BYTES:
            raise SourceError(path, f"the first line is longer than {MAX_HEADER_BYTES // 2**20} MB; expected a header "
                                    "row of column names", line=1)
        text = codecs.getincrementaldecoder(encoding.name)().decode(first).split("\n")[0]
    except UnicodeDecodeError:
        raise SourceError(path, f"the header is not {encoding.name} text; save the file as UTF-8", line=1) from None
    except OSError as err:
        raise SourceError(path, f"the file cannot be opened ({err.strerror})") from None
    if not text.strip():
        raise SourceError(path, "the file is empty or its first line is blank; expected a header row", line=1)
    delimiter = max([",", ";", "\t", "|"], key=text.count)
    names = [normalize_header(n) for n in next(csv.reader(io.StringIO(text), delimiter=delimiter))]
    return names, delimiter


def check_header(kind: Kind, path: Path, encoding: Encoding | None = None) -> tuple[list[str], str]:
    """Raise SourceError, before anything is loaded, for a file the run cannot use."""
    names, delimiter = _read_header(path, encoding or detect_encoding(path))
    _check_header(kind, path, names)
    return names, delimiter


def _check_header(kind: Kind, path: Path, names: list[str]) -> None:
    if len(names) > MAX_COLUMNS:
        raise SourceError(path, f"the header has {len(names):,} columns; mkpi reads files of at most {MAX_COLUMNS} "
                                f"({kind.name} files have {len(kind.columns)}): is this the right export?", line=1)
    for name in names:
        if not name:
            raise SourceError(path, "a column in the header has no name", line=1)
        if any(ord(c) < 32 for c in name):
            raise SourceError(path, "a column name in the header holds a control character (is it a CSV file?)",
                              line=1, column=name.encode("unicode_escape").decode()[:40])
        if name in RESERVED_COLUMNS or name.startswith(TEXT_PREFIX):
            raise SourceError(path, f"the column name {name} is kept for mkpi's own bookkeeping; rename the column",
                              line=1, column=name)
        if names.count(name) > 1:
            raise SourceError(path, "the header has this column twice", line=1, column=name)
    missing = [c for c in kind.required if c not in names]
    if missing:
        raise SourceError(
            path,
            f"missing required column for {kind.name} files (the header has: {', '.join(names)})",
            line=1, column=missing[0],
        )

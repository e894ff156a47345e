"""Land source files in DuckDB: typed rows in `landing.<kind>` (with any column mkpi does not read
kept as text, personal data hashed), and every row that could not be read or typed in
`landing.quarantine` with file, line, field and reason. Each row is written once: typed as it is
read, a row with an unusable value moved to quarantine when its kind has landed. Nothing is dropped and nothing here raises for a bad row; only a file the run cannot use
at all (a required column missing, an unreadable header) raises `SourceError`.

Landing into last night's tables (`incremental=True`) reads only what changed: a file whose size
and modification time match `landing.landed_files` is kept as it is; a new or changed file is
(re)read, a changed or removed file's rows go away, and the pulled API rows are always re-read
(only those that differ from last night's count as changed). The sessions and leads that came,
went or changed are listed in `landing.row_changes` for the incremental dbt models.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from connectors.errors import SourceError
from connectors.kinds import KINDS, Kind
from connectors.landing.headers import check_header, encoding_for, normalize_header
from connectors.landing.ledger import (API_SUFFIX, CHANGE_KEYS, file_stamp, forget_files, read_ledger, record_differences,
                                       rows_of, snapshot_rows, unchanged_files, write_ledger)
from connectors.landing.file_rows import land_file, land_pulled_rows, quarantine_file
from connectors.landing.tables import TYPED_SCHEMA, count_rows, create_tables, land_connector_state, prepare_schemas, scalar
from connectors.landing.typed_rows import mark_table, settle_marked_rows
from connectors.sql_text import literal

SLOW_FILE_SECONDS = 2.0  # a file that takes longer is announced with its rows as the night goes

__all__ = ["API_SUFFIX", "CHANGE_KEYS", "TYPED_SCHEMA", "KindReport", "check_header", "encoding_for",
           "land_all", "land_kind", "normalize_header", "prepare_schemas", "rows_of", "scalar"]


@dataclass
class KindReport:
    kind: str
    files: list[str] = field(default_factory=list)
    landed: list[str] = field(default_factory=list)  # files read tonight (all of them on a full build), API entries
    rows_read: int = 0  # data rows of the kind's files and pulled rows: loaded or quarantined
    rows_loaded: int = 0
    rows_quarantined: int = 0
    files_not_read: list[str] = field(default_factory=list)  # "<file>, line n: <reason>", quarantined as files
    notes: list[str] = field(default_factory=list)  # guessed encodings, columns mkpi does not read
    forgotten: list[str] = field(default_factory=list)  # landed before; rows removed tonight (changed or gone)

    @property
    def changed(self) -> bool:
        """Whether the kind's tables differ from last night's: rows read or removed tonight."""
        return bool(self.landed or self.forgotten)


def land_kind(con, kind: Kind, files: list[Path], *, pii_salt: str = "", pulled_sources: tuple = (),
              incremental: bool = False, encodings: tuple = (), progress: Callable[[str], None] | None = None) -> KindReport:
    """Land `files` and the pulled API rows of `pulled_sources` (from the pull store attached as
    `pulled`). Without `incremental` the kind's tables are replaced; with it, only new and changed
    files are read and the rows of changed and removed ones removed. `progress` hears about each file
    that took a while (rows landed, seconds)."""
    report = KindReport(kind.name, [str(f) for f in files])
    create_tables(con, kind, replace=not incremental)
    current = {str(f): file_stamp(f) for f in files}
    current.update({s + API_SUFFIX: (None, None) for s in pulled_sources})
    ledger = read_ledger(con, kind)
    kept = unchanged_files(ledger, current) if incremental else set()
    previous = report.forgotten = [f for f in ledger if f not in kept]
    api = [f for f in previous if f.endswith(API_SUFFIX)]
    # Pulled rows are re-read every night; only those that differ from last night's count as changes.
    compare_api = incremental and kind.name in CHANGE_KEYS and bool(api or pulled_sources)
    if compare_api:
        snapshot_rows(con, kind, api, "_api_before")
    forget_files(con, kind, [f for f in previous if f not in api], record=incremental)
    forget_files(con, kind, api, record=False)
    mark_table(con, kind)
    with tempfile.TemporaryDirectory(prefix="mkpi-land-") as tmp:
        for n, path in enumerate(files):
            if str(path) in kept:
                continue
            try:
                started = time.perf_counter()
                report.notes += land_file(con, kind, path, Path(tmp) / f"{n}.csv", pii_salt,
                                                encoding_for(path, encodings))
                report.landed.append(str(path))
                _say_if_slow(con, kind, path, time.perf_counter() - started, progress)
            except SourceError as err:  # one unreadable file never stops the other files and kinds
                quarantine_file(con, kind, err)
                report.files_not_read.append(str(err))
    for source in pulled_sources:
        if land_pulled_rows(con, kind, source):
            report.files.append(f"{source} (API)")
            report.landed.append(source + API_SUFFIX)
    from_files = [f for f in report.landed if not f.endswith(API_SUFFIX)]
    settle_marked_rows(con, kind, record=rows_of(from_files) if incremental and from_files else None)
    if compare_api:
        record_differences(con, kind, [f for f in report.landed if f.endswith(API_SUFFIX)], "_api_before")
    write_ledger(con, kind, current)
    report.rows_loaded = count_rows(con, f"{TYPED_SCHEMA}.{kind.name}")
    report.rows_quarantined = scalar(
        con, f"SELECT count(DISTINCT (file, line)) FROM {TYPED_SCHEMA}.quarantine WHERE kind = ? AND scope = 'row'",
        [kind.name]
    )
    report.rows_read = report.rows_loaded + report.rows_quarantined
    return report


def _say_if_slow(con, kind: Kind, path: Path, seconds: float, progress: Callable[[str], None] | None) -> None:
    """A large file's rows and time, for whoever watches the night (the count costs a scan of one column)."""
    if progress and seconds >= SLOW_FILE_SECONDS:
        rows = scalar(con, f"SELECT count(*) FROM {TYPED_SCHEMA}.{kind.name} WHERE _file = ?", [str(path)])
        progress(f"landed {kind.name} from {path.name}: {rows:,} rows in {seconds:.1f} s")


def land_all(con, files_by_kind: dict[str, list[Path]], *, pii_salt: str = "", pull_store: Path | None = None,
             pulled_sources: tuple = (), incremental: bool = False, encodings: tuple = (),
             latest_date=None, progress: Callable[[str], None] | None = None) -> list[KindReport]:
    """Every kind from its files and, when a pull store is given, the pulled rows of `pulled_sources`;
    `incremental`: into the tables of the last build, reading only what changed (see the module doc);
    `latest_date`: the last day a row may carry (later ones are quarantined); `progress`: see land_kind."""
    prepare_schemas(con, latest_date)
    if pull_store is not None and pull_store.exists():
        con.execute(f"ATTACH {literal(str(pull_store))} AS pulled (READ_ONLY)")
    else:
        pulled_sources = ()
    try:
        reports = [land_kind(con, kind, files_by_kind.get(name, []), pii_salt=pii_salt, pulled_sources=pulled_sources,
                             incremental=incremental, encodings=encodings, progress=progress)
                   for name, kind in KINDS.items()]
        land_connector_state(con, pulled_sources)
    finally:
        if pulled_sources:
            con.execute("DETACH pulled")
    return reports

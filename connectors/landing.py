"""Land source files in DuckDB: every row as text in `landing_raw`, typed rows in `landing`,
and every row that could not be read or typed in `landing.quarantine` with file, line, field and
reason. Nothing is dropped and nothing here raises for a bad row; only a file the run cannot use
at all (a required column missing, an unreadable header) raises `SourceError`.

Landing into last night's tables (`incremental=True`) reads only what changed: a file whose size
and modification time match `landing.landed_files` is kept as it is; a new or changed file is
(re)read, a changed or removed file's rows go away, and the pulled API rows are always re-read
(only those that differ from last night's count as changed). The sessions and leads that came,
went or changed are listed in `landing.row_changes` for the incremental dbt models.
"""

from __future__ import annotations

import codecs
import csv
import fnmatch
import io
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from connectors import value_parsers
from connectors.errors import SourceError
from connectors.file_scan import UTF8, Encoding, detect_encoding, scan_lines, transcode_to_utf8
from connectors.kinds import KINDS, Kind
from connectors.personal_data import EMAIL_IN_TEXT, hash_personal_value, pii_kind, pii_sql
from connectors.sql_text import ident, literal

RAW_SCHEMA, TYPED_SCHEMA = "landing_raw", "landing"
# scope: 'row' (one row could not be read or typed) or 'file' (the whole file could not be read).
QUARANTINE_COLUMNS = """kind VARCHAR, file VARCHAR, line BIGINT, field VARCHAR, reason VARCHAR,
    raw_text VARCHAR, loaded_at TIMESTAMPTZ, scope VARCHAR"""
# kind → (key, event time) of the rows the incremental dbt models rebuild by day (connectors/kinds.py).
CHANGE_KEYS = {k.name: k.change_key for k in KINDS.values() if k.change_key}
API_SUFFIX = " API"  # ledger name of a source's pulled rows; their _file reads "<source> API, account …"


@dataclass
class KindReport:
    kind: str
    files: list[str] = field(default_factory=list)
    landed: list[str] = field(default_factory=list)  # files read tonight (all of them on a full build), API entries
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    files_not_read: list[str] = field(default_factory=list)  # "<file>, line n: <reason>", quarantined as files
    notes: list[str] = field(default_factory=list)  # guessed encodings, columns mkpi does not read


def normalize_header(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.replace("\ufeff", "").strip().lower())


def prepare_schemas(con) -> None:
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {RAW_SCHEMA}")
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {TYPED_SCHEMA}")
    con.execute(f"CREATE TABLE IF NOT EXISTS {TYPED_SCHEMA}.quarantine ({QUARANTINE_COLUMNS})")
    con.execute(f"""CREATE TABLE IF NOT EXISTS {TYPED_SCHEMA}.landed_files
        (kind VARCHAR, file VARCHAR, size BIGINT, mtime_ns BIGINT)""")
    con.execute(f"CREATE OR REPLACE TABLE {TYPED_SCHEMA}.row_changes (kind VARCHAR, row_key VARCHAR, event_at TIMESTAMPTZ)")
    value_parsers.install(con)


def land_kind(con, kind: Kind, files: list[Path], *, pii_salt: str = "", pulled_sources: tuple = (),
              incremental: bool = False, encodings: tuple = ()) -> KindReport:
    """Land `files` and the pulled API rows of `pulled_sources` (from the pull store attached as
    `pulled`). Without `incremental` the kind's tables are replaced; with it, only new and changed
    files are read and the rows of changed and removed ones removed."""
    report = KindReport(kind.name, [str(f) for f in files])
    _create_tables(con, kind, replace=not incremental)
    current = {str(f): _file_stamp(f) for f in files}
    current.update({s + API_SUFFIX: (None, None) for s in pulled_sources})
    ledger = _ledger(con, kind)
    kept = _unchanged_files(ledger, current) if incremental else set()
    previous = [f for f in ledger if f not in kept]
    api = [f for f in previous if f.endswith(API_SUFFIX)]
    # Pulled rows are re-read every night; only those that differ from last night's count as changes.
    compare_api = incremental and kind.name in CHANGE_KEYS and bool(api or pulled_sources)
    if compare_api:
        _snapshot_rows(con, kind, api, "_api_before")
    _forget_files(con, kind, [f for f in previous if f not in api], record=incremental)
    _forget_files(con, kind, api, record=False)
    with tempfile.TemporaryDirectory(prefix="mkpi-land-") as tmp:
        for n, path in enumerate(files):
            if str(path) in kept:
                continue
            try:
                report.notes += _land_file_text(con, kind, path, Path(tmp) / f"{n}.csv", pii_salt,
                                                encoding_for(path, encodings))
                report.landed.append(str(path))
            except SourceError as err:  # one unreadable file never stops the other files and kinds
                _quarantine_file(con, kind, err)
                report.files_not_read.append(str(err))
    for source in pulled_sources:
        if _land_pulled_text(con, kind, source):
            report.files.append(f"{source} (API)")
            report.landed.append(source + API_SUFFIX)
    if report.landed:
        from_files = [f for f in report.landed if not f.endswith(API_SUFFIX)]
        _append_typed_rows(con, kind, rows_of(report.landed),
                           record=rows_of(from_files) if incremental and from_files else None)
    if compare_api:
        _record_differences(con, kind, [f for f in report.landed if f.endswith(API_SUFFIX)], "_api_before")
    _write_ledger(con, kind, current)
    report.rows_read = _count(con, f"{RAW_SCHEMA}.{kind.name}")
    report.rows_loaded = _count(con, f"{TYPED_SCHEMA}.{kind.name}")
    report.rows_quarantined = scalar(
        con, f"SELECT count(DISTINCT (file, line)) FROM {TYPED_SCHEMA}.quarantine WHERE kind = ? AND scope = 'row'",
        [kind.name]
    )
    return report


def scalar(con, sql: str, params: list | None = None):
    """First value of a query; reads the whole result, which DuckDB requires before the next statement."""
    rows = con.execute(sql, params or []).fetchall()
    return rows[0][0] if rows else None


def _count(con, table: str) -> int:
    return scalar(con, f"SELECT count(*) FROM {table}")


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
            first = fh.read(64 * 1024) if encoding.name.startswith("utf-16") else fh.readline()
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
    for name in names:
        if not name:
            raise SourceError(path, "a column in the header has no name", line=1)
        if any(ord(c) < 32 for c in name):
            raise SourceError(path, "a column name in the header holds a control character (is it a CSV file?)",
                              line=1, column=name.encode("unicode_escape").decode()[:40])
        if names.count(name) > 1:
            raise SourceError(path, "the header has this column twice", line=1, column=name)
    missing = [c for c in kind.required if c not in names]
    if missing:
        raise SourceError(
            path,
            f"missing required column for {kind.name} files (the header has: {', '.join(names)})",
            line=1, column=missing[0],
        )


def _land_file_text(con, kind: Kind, path: Path, read_path: Path, pii_salt: str, encoding: Encoding) -> list[str]:
    """Append one file's rows as text to the raw table with their physical line numbers; quarantine
    the lines DuckDB could not read. All or nothing: raises SourceError with nothing of the file kept.
    Returns what the run should tell about the file."""
    names, delimiter = check_header(kind, path, encoding)
    _readable_copy(path, read_path, encoding)
    scan = scan_lines(read_path)
    notes = [f"{path}: {encoding.note}"] if encoding.note else []
    known = {c.name for c in kind.columns}
    extra = [n for n in names if n not in known and not pii_kind(n)]
    if extra:
        absent = [c.name for c in kind.columns if c.name not in names]
        notes.append(f"{path}: column(s) {', '.join(repr(n) for n in extra)} are not read for {kind.name} (kept in "
                     f"{RAW_SCHEMA}.{kind.name} only)" + (f"; was one meant to be {' or '.join(absent)}?" if absent else ""))
    con.execute("BEGIN TRANSACTION")
    try:
        _read_into_raw(con, kind, path, read_path, names, delimiter, scan.blank_lines, pii_salt)
    except BaseException as err:
        con.execute("ROLLBACK")
        if not isinstance(err, duckdb.Error):
            raise
        # DuckDB's own message can run to a hundred lines: keep its first.
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise SourceError(path, f"the file could not be read as CSV ({first})") from None
    con.execute("COMMIT")
    return notes


def _readable_copy(path: Path, read_path: Path, encoding: Encoding) -> None:
    """A path DuckDB reads literally: a UTF-8 copy, or a link with a plain name (DuckDB expands glob
    characters such as [x] or * in a file name, which would read other files)."""
    if encoding.name in UTF8:
        os.symlink(path.resolve(), read_path)
        return
    try:
        transcode_to_utf8(path, read_path, encoding.name)
    except UnicodeDecodeError as err:
        raise SourceError(path, f"the file is not {encoding.name} text (byte {err.start + 1} of a block); "
                                "save it as UTF-8 or fix files.encodings in mkpi.yml") from None


def _read_into_raw(con, kind: Kind, path: Path, read_path: Path, names: list[str], delimiter: str,
                   blank_lines: list[int], pii_salt: str) -> None:
    raw = f"{RAW_SCHEMA}.{kind.name}"
    for name in names:  # a file's extra columns are kept as extra columns
        con.execute(f"ALTER TABLE {raw} ADD COLUMN IF NOT EXISTS {ident(name)} VARCHAR")
    rejects = f"_rej_{kind.name}"
    columns = "{" + ", ".join(f"{literal(n)}: 'VARCHAR'" for n in names) + "}"
    con.execute(
        f"""INSERT INTO {raw} BY NAME
            SELECT *, ?::VARCHAR AS _file, current_timestamp AS _loaded_at
            FROM read_csv(?, header = true, columns = {columns}, delim = ?, quote = '"',
                          escape = '"', store_rejects = true, rejects_table = '{rejects}',
                          rejects_scan = '{rejects}_scan', auto_detect = false)""",
        [str(path), str(read_path), delimiter],
    )
    of_file = f"_file = {literal(str(path))}"
    # Line = record number + 1 (the header) until a blank or rejected line says otherwise. An insert
    # keeps the file's order (preserve_insertion_order), so a row's record number is its row id's
    # offset in this insert: cheaper than row_number() OVER (), which reads the file on one thread.
    new_rows = f"{of_file} AND _line IS NULL"
    con.execute(f"UPDATE {raw} SET _line = rowid - (SELECT min(rowid) FROM {raw} WHERE {new_rows}) + 2 "
                f"WHERE {new_rows}")
    _correct_line_numbers(con, raw, of_file, rejects, blank_lines)
    _hash_personal_data(con, raw, of_file, names, pii_salt)
    _quarantine_rejects(con, kind, path, rejects, names, pii_salt)
    con.execute(f"DROP TABLE {rejects}; DROP TABLE {rejects}_scan")


def _quarantine_file(con, kind: Kind, err: SourceError) -> None:
    """A file that could not be read at all: one quarantine row naming it and why."""
    con.execute(
        f"INSERT INTO {TYPED_SCHEMA}.quarantine VALUES (?, ?, ?, ?, ?, NULL, current_timestamp, 'file')",
        [kind.name, err.path, err.line or 1, err.column, f"file not read: {err.detail}"],
    )


def _land_pulled_text(con, kind: Kind, source: str) -> bool:
    """A source's pulled rows, named for the quarantine by source, account and page, with the row as line."""
    count = scalar(con, f"SELECT count(*) FROM pulled.pulled_{kind.name} WHERE _source = ?", [source])
    if not count:
        return False
    names = ", ".join(f'"{c.name}"' for c in kind.columns)
    con.execute(
        f"""INSERT INTO {RAW_SCHEMA}.{kind.name} BY NAME
            SELECT {names}, _source || ' API, account ' || _account || ', page ' || _page AS _file,
                   _row::BIGINT AS _line, current_timestamp AS _loaded_at
            FROM pulled.pulled_{kind.name} WHERE _source = ?
            ORDER BY _account, _day, _page, _row""",
        [source],
    )
    return True


def _correct_line_numbers(con, table: str, of_file: str, rejects: str, blank_lines: list[int]) -> None:
    """Map the n-th record DuckDB kept to its physical line: skip the header, blank and rejected lines."""
    con.execute("CREATE OR REPLACE TEMP TABLE _skips (line BIGINT)")
    if blank_lines:
        con.executemany("INSERT INTO _skips VALUES (?)", [[n] for n in blank_lines])
    con.execute(f"INSERT INTO _skips SELECT DISTINCT line FROM {rejects}")
    if _count(con, "_skips") == 0:
        return
    # A record numbered r (line r + 1 so far) sits after every skipped line with fewer than r records before it.
    con.execute(
        """CREATE OR REPLACE TEMP TABLE _skip_marks AS
            SELECT line - 1 - row_number() OVER (ORDER BY line) AS records_before FROM _skips"""
    )
    con.execute(
        f"""UPDATE {table} SET _line = _line + (
                SELECT count(*) FROM _skip_marks WHERE records_before < {table}._line - 1)
            WHERE {of_file}"""
    )


def _hash_personal_data(con, table: str, of_file: str, names: list[str], salt: str) -> None:
    for name in names:
        expr = pii_sql(name, salt)
        if expr:
            con.execute(f"UPDATE {table} SET {ident(name)} = {expr} WHERE {of_file}")


def _quarantine_rejects(con, kind: Kind, path: Path, rejects: str, names: list[str], salt: str) -> None:
    rows = con.execute(
        f"""SELECT line, column_name, error_type, error_message, csv_line FROM {rejects} ORDER BY line"""
    ).fetchall()
    for line, column, error_type, message, csv_line in rows:
        reason = f"{error_type.lower()}: {message}"
        if error_type == "INVALID ENCODING":
            reason = "invalid encoding: this line is not UTF-8 text (save the file as UTF-8, or GB18030 throughout)"
        con.execute(
            f"INSERT INTO {TYPED_SCHEMA}.quarantine VALUES (?, ?, ?, ?, ?, ?, current_timestamp, 'row')",
            [kind.name, str(path), line, column, reason, _mask_line(csv_line or "", names, salt)],
        )


def _mask_line(text: str, names: list[str], salt: str) -> str:
    """Hash the personal-data fields of a rejected line, and any e-mail address anywhere in it."""
    text = text.strip("\r\n")
    pii_positions = [i for i, n in enumerate(names) if pii_kind(n)]
    if pii_positions:
        fields = next(csv.reader(io.StringIO(text)), [])
        for i in pii_positions:
            if i < len(fields):
                fields[i] = hash_personal_value(names[i], fields[i], salt) or ""
        buf = io.StringIO()
        csv.writer(buf, lineterminator="").writerow(fields)
        text = buf.getvalue()
    return EMAIL_IN_TEXT.sub("[e-mail removed]", text)


def _file_stamp(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns


def _create_tables(con, kind: Kind, replace: bool) -> None:
    """The kind's raw and typed tables, emptied when `replace`."""
    create = "CREATE OR REPLACE TABLE" if replace else "CREATE TABLE IF NOT EXISTS"
    raw_cols = ", ".join(f'"{c.name}" VARCHAR' for c in kind.columns)
    typed_cols = ", ".join(f'"{c.name}" {value_parsers.TYPES[c.type][0]}' for c in kind.columns)
    con.execute(f"{create} {RAW_SCHEMA}.{kind.name} ({raw_cols}, _file VARCHAR, _line BIGINT, _loaded_at TIMESTAMPTZ)")
    con.execute(f"{create} {TYPED_SCHEMA}.{kind.name} ({typed_cols}, _file VARCHAR, _line BIGINT)")
    if replace:
        con.execute(f"DELETE FROM {TYPED_SCHEMA}.quarantine WHERE kind = ?", [kind.name])
        con.execute(f"DELETE FROM {TYPED_SCHEMA}.landed_files WHERE kind = ?", [kind.name])


def _ledger(con, kind: Kind) -> dict[str, tuple]:
    rows = con.execute(f"SELECT file, size, mtime_ns FROM {TYPED_SCHEMA}.landed_files WHERE kind = ?",
                       [kind.name]).fetchall()
    return {file: (size, mtime) for file, size, mtime in rows}


def _unchanged_files(ledger: dict[str, tuple], current: dict[str, tuple]) -> set[str]:
    """Files landed before with the same size and modification time (API rows never count as unchanged)."""
    return {f for f, stamp in ledger.items() if stamp[0] is not None and current.get(f) == stamp}


def _write_ledger(con, kind: Kind, current: dict[str, tuple]) -> None:
    con.execute(f"DELETE FROM {TYPED_SCHEMA}.landed_files WHERE kind = ?", [kind.name])
    if current:
        con.executemany(f"INSERT INTO {TYPED_SCHEMA}.landed_files VALUES (?, ?, ?, ?)",
                        [[kind.name, f, size, mtime] for f, (size, mtime) in current.items()])


def rows_of(files: list[str], column: str = "_file") -> str:
    """SQL matching the rows of these ledger entries: a file by name, a source's API rows by prefix."""
    terms = [f"starts_with({column}, {literal(f + ', ')})" for f in files if f.endswith(API_SUFFIX)]
    paths = [literal(f) for f in files if not f.endswith(API_SUFFIX)]
    if paths:
        terms.append(f"{column} IN ({', '.join(paths)})")
    return "(" + " OR ".join(terms) + ")" if terms else "false"


def _forget_files(con, kind: Kind, files: list[str], record: bool) -> None:
    """Remove the rows of changed or removed files (and of re-pulled API rows) before they land again."""
    if not files:
        return
    condition = rows_of(files)
    if record:
        _record_rows(con, kind, f"{TYPED_SCHEMA}.{kind.name}", condition)
    for table in (f"{RAW_SCHEMA}.{kind.name}", f"{TYPED_SCHEMA}.{kind.name}"):
        con.execute(f"DELETE FROM {table} WHERE {condition}")
    con.execute(f"DELETE FROM {TYPED_SCHEMA}.quarantine WHERE kind = ? AND {rows_of(files, 'file')}",
                [kind.name])


def _record_rows(con, kind: Kind, relation: str, where: str) -> None:
    """List the rows of `relation` matching `where` as tonight's changes (sessions and leads only)."""
    if kind.name in CHANGE_KEYS:
        key, at = CHANGE_KEYS[kind.name]
        con.execute(f"""INSERT INTO {TYPED_SCHEMA}.row_changes
                        SELECT '{kind.name}', "{key}", "{at}" FROM {relation} WHERE {where}""")


def _snapshot_rows(con, kind: Kind, entries: list[str], table: str) -> None:
    """Key, event time and a hash of each typed row of these ledger entries, to compare after landing."""
    key, at = CHANGE_KEYS[kind.name]
    columns = ", ".join(f'"{c.name}"' for c in kind.columns)
    con.execute(f"""CREATE OR REPLACE TEMP TABLE {table} AS
                    SELECT "{key}" AS row_key, "{at}" AS event_at, hash({columns}, _file, _line) AS row_hash
                    FROM {TYPED_SCHEMA}.{kind.name} WHERE {rows_of(entries)}""")


def _record_differences(con, kind: Kind, entries: list[str], before: str) -> None:
    """Rows of these entries that were not there before, and rows that were and are gone, as changes."""
    after = before + "_after"
    _snapshot_rows(con, kind, entries, after)
    con.execute(f"""INSERT INTO {TYPED_SCHEMA}.row_changes
                    SELECT '{kind.name}', row_key, event_at FROM (
                        (SELECT * FROM {before} EXCEPT ALL SELECT * FROM {after})
                        UNION ALL
                        (SELECT * FROM {after} EXCEPT ALL SELECT * FROM {before}))""")
    con.execute(f"DROP TABLE {before}; DROP TABLE {after}")


def _append_typed_rows(con, kind: Kind, landed: str, record: str | None) -> None:
    """Type every canonical column of the raw rows matching `landed` (SQL); rows with any unusable
    value go to quarantine, one row per field. Rows matching `record` are listed as changes."""
    source = f"(SELECT * FROM {RAW_SCHEMA}.{kind.name} WHERE {landed})"
    typed_cols, checks = [], []
    for col in kind.columns:
        sql_type, parser, expected, empty = value_parsers.TYPES[col.type]
        value = f"nullif(trim(\"{col.name}\"), '')"
        if empty is not None:
            value = f"coalesce({value}, '{empty}')"
        typed = f"{parser}({value})" if parser else value
        typed_cols.append(f'CAST({typed} AS {sql_type}) AS "{col.name}"')
        if col.required:
            checks.append(f"CASE WHEN {value} IS NULL THEN {{'field': '{col.name}', 'reason': '{col.name} is empty'}} END")
        if parser:
            before, after = literal(f"{col.name}: '"), literal(f"' is not {expected}")
            reason = f"{before} || {value} || {after}"
            checks.append(f"CASE WHEN {value} IS NOT NULL AND {typed} IS NULL THEN {{'field': '{col.name}', 'reason': {reason}}} END")
    raw_json = "json_object(" + ", ".join(f"'{c.name}', \"_text_{c.name}\"" for c in kind.columns) + ")"
    errors = f"list_filter([{', '.join(checks)}], lambda e: e IS NOT NULL)" if checks else "[]"
    texts = ", ".join(f'"{c.name}" AS "_text_{c.name}"' for c in kind.columns)
    # The row's text as JSON only where the quarantine needs it.
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _typed AS
            SELECT * EXCLUDE ({', '.join(f'"_text_{c.name}"' for c in kind.columns)}),
                   CASE WHEN len(_errors) > 0 THEN {raw_json}::VARCHAR END AS _raw
            FROM (SELECT {', '.join(typed_cols)}, _file, _line, _loaded_at, {errors} AS _errors, {texts}
                  FROM {source})"""
    )
    names = ", ".join(f'"{c.name}"' for c in kind.columns)
    con.execute(
        f"""INSERT INTO {TYPED_SCHEMA}.{kind.name}
            SELECT {names}, _file, _line FROM _typed WHERE len(_errors) = 0"""
    )
    if record:
        _record_rows(con, kind, "_typed", f"len(_errors) = 0 AND {record}")
    con.execute(
        f"""INSERT INTO {TYPED_SCHEMA}.quarantine
            SELECT '{kind.name}', _file, _line, e.field, e.reason, _raw, _loaded_at, 'row'
            FROM (SELECT *, unnest(_errors) AS e FROM _typed WHERE len(_errors) > 0)"""
    )
    con.execute("DROP TABLE _typed")


def land_all(con, files_by_kind: dict[str, list[Path]], *, pii_salt: str = "", pull_store: Path | None = None,
             pulled_sources: tuple = (), incremental: bool = False, encodings: tuple = ()) -> list[KindReport]:
    """Every kind from its files and, when a pull store is given, the pulled rows of `pulled_sources`;
    `incremental`: into the tables of the last build, reading only what changed (see the module doc)."""
    prepare_schemas(con)
    if pull_store is not None and pull_store.exists():
        con.execute(f"ATTACH {literal(str(pull_store))} AS pulled (READ_ONLY)")
    else:
        pulled_sources = ()
    try:
        reports = [land_kind(con, kind, files_by_kind.get(name, []), pii_salt=pii_salt, pulled_sources=pulled_sources,
                             incremental=incremental, encodings=encodings)
                   for name, kind in KINDS.items()]
        _land_connector_state(con, pulled_sources)
    finally:
        if pulled_sources:
            con.execute("DETACH pulled")
    return reports


def _land_connector_state(con, sources: tuple) -> None:
    """How far each API source got and whether its last pull failed (the tracking check reads it)."""
    con.execute(f"""CREATE OR REPLACE TABLE {TYPED_SCHEMA}.connector_state (source VARCHAR, stream VARCHAR,
        platform VARCHAR, status VARCHAR, message VARCHAR, last_day DATE, cursor VARCHAR, rows_pulled BIGINT,
        last_attempt_at TIMESTAMPTZ, last_success_at TIMESTAMPTZ)""")
    if sources:
        con.execute(f"INSERT INTO {TYPED_SCHEMA}.connector_state SELECT * FROM pulled.connector_state "
                    f"WHERE list_contains(?, source)", [list(sources)])

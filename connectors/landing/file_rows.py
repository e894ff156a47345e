"""A file's rows into its kind's landing table in one pass: typed, with their physical line numbers, and
the columns mkpi does not read kept as text with personal data hashed; the lines DuckDB could not read
quarantined. A source's pulled API rows the same way. Rows with an unusable value land marked
(typed_rows.py)."""

from __future__ import annotations

import csv
import io
import os
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import duckdb

from connectors.errors import SourceError
from connectors.file_scan import UTF8, Encoding, scan_lines, transcode_to_utf8
from connectors.kinds import Kind
from connectors.landing.headers import check_header
from connectors.landing.tables import TYPED_SCHEMA, count_rows, scalar
from connectors.landing.typed_rows import typed_select
from connectors.personal_data import EMAIL_IN_TEXT, hash_personal_value, pii_kind, pii_sql
from connectors.sql_text import ident, literal


def land_file(con, kind: Kind, path: Path, read_path: Path, pii_salt: str, encoding: Encoding) -> list[str]:
    """Append one file's rows to the kind's landing table with their physical line numbers; quarantine
    the lines DuckDB could not read. All or nothing: raises SourceError with nothing of the file kept.
    Returns what the run should tell about the file."""
    names, delimiter = check_header(kind, path, encoding)
    _readable_copy(path, read_path, encoding)
    notes = [f"{path}: {encoding.note}"] if encoding.note else []
    known = {c.name for c in kind.columns}
    extra = [n for n in names if n not in known]
    unread = [n for n in extra if not pii_kind(n)]  # personal data is expected and hashed, not worth a note
    if unread:
        absent = [c.name for c in kind.columns if c.name not in names]
        notes.append(f"{path}: column(s) {', '.join(repr(n) for n in unread)} are not read for {kind.name} (kept as "
                     f"text in {TYPED_SCHEMA}.{kind.name})" + (f"; was one meant to be {' or '.join(absent)}?" if absent else ""))
    con.execute("BEGIN TRANSACTION")
    # The blank-line scan (seconds on a large file) runs while DuckDB reads, which releases the GIL.
    with ThreadPoolExecutor(1) as pool:
        scan = pool.submit(scan_lines, read_path)
        try:
            _read_into_landing(con, kind, path, read_path, names, extra, delimiter, scan, pii_salt)
        except BaseException as err:
            _fail(con, path, err)
    con.execute("COMMIT")
    return notes


def _fail(con, path: Path, err: BaseException):
    """Undo the file's rows; a DuckDB error becomes the file's SourceError, anything else goes on up."""
    con.execute("ROLLBACK")
    if not isinstance(err, duckdb.Error):
        raise err
    # DuckDB's own message can run to a hundred lines: keep its first.
    first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    raise SourceError(path, f"the file could not be read as CSV ({first})") from None


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


def _read_into_landing(con, kind: Kind, path: Path, read_path: Path, names: list[str], extra: list[str],
                       delimiter: str, scan: Future, pii_salt: str) -> None:
    table = f"{TYPED_SCHEMA}.{kind.name}"
    for name in extra:  # a file's extra columns (personal data hashed) are kept as extra text columns
        con.execute(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {ident(name)} VARCHAR")
    rejects = f"_rej_{kind.name}"
    columns = "{" + ", ".join(f"{literal(n)}: 'VARCHAR'" for n in names) + "}"
    texts = [ident(c.name) if c.name in names else f"NULL::VARCHAR AS {ident(c.name)}" for c in kind.columns]
    read = f"""(SELECT {', '.join(texts + [ident(n) for n in extra])}
                FROM read_csv(?, header = true, columns = {columns}, delim = ?, quote = '"', escape = '"',
                              store_rejects = true, rejects_table = '{rejects}', rejects_scan = '{rejects}_scan',
                              auto_detect = false))"""
    kept = [f"{pii_sql(n, pii_salt) or ident(n)} AS {ident(n)}" for n in extra]
    con.execute(f"INSERT INTO {table} BY NAME {typed_select(kind, read, kept + ['?::VARCHAR AS _file', 'NULL::BIGINT AS _line'])}",
                [str(path), str(read_path), delimiter])
    of_file = f"_file = {literal(str(path))}"
    # Line = record number + 1 (the header) until a blank or rejected line says otherwise. An insert
    # keeps the file's order (preserve_insertion_order), so a row's record number is its row id's
    # offset in this insert: cheaper than row_number() OVER (), which reads the file on one thread.
    new_rows = f"{of_file} AND _line IS NULL"
    con.execute(f"UPDATE {table} SET _line = rowid - (SELECT min(rowid) FROM {table} WHERE {new_rows}) + 2 "
                f"WHERE {new_rows}")
    _correct_line_numbers(con, table, of_file, rejects, scan.result().blank_lines)
    _quarantine_rejects(con, kind, path, rejects, names, pii_salt)
    con.execute(f"DROP TABLE {rejects}; DROP TABLE {rejects}_scan")


def quarantine_file(con, kind: Kind, err: SourceError) -> None:
    """A file that could not be read at all: one quarantine row naming it and why."""
    con.execute(
        f"INSERT INTO {TYPED_SCHEMA}.quarantine VALUES (?, ?, ?, ?, ?, NULL, current_timestamp, 'file')",
        [kind.name, err.path, err.line or 1, err.column, f"file not read: {err.detail}"],
    )


def land_pulled_rows(con, kind: Kind, source: str) -> bool:
    """A source's pulled rows, named for the quarantine by source, account and page, with the row as line."""
    count = scalar(con, f"SELECT count(*) FROM pulled.pulled_{kind.name} WHERE _source = ?", [source])
    if not count:
        return False
    names = ", ".join(ident(c.name) for c in kind.columns)
    texts = f"""(SELECT {names}, _source || ' API, account ' || _account || ', page ' || _page AS _file,
                        _row::BIGINT AS _line
                 FROM pulled.pulled_{kind.name} WHERE _source = ?)"""
    con.execute(f"INSERT INTO {TYPED_SCHEMA}.{kind.name} BY NAME {typed_select(kind, texts, ['_file', '_line'])}",
                [source])
    return True


def _correct_line_numbers(con, table: str, of_file: str, rejects: str, blank_lines: list[int]) -> None:
    """Map the n-th record DuckDB kept to its physical line: skip the header, blank and rejected lines."""
    con.execute("CREATE OR REPLACE TEMP TABLE _skips (line BIGINT)")
    if blank_lines:
        con.executemany("INSERT INTO _skips VALUES (?)", [[n] for n in blank_lines])
    con.execute(f"INSERT INTO _skips SELECT DISTINCT line FROM {rejects}")
    if count_rows(con, "_skips") == 0:
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

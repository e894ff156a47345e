"""Adversarial exports: every input row is landed or quarantined (counted), a file that cannot be read is
quarantined as a file, nothing outside the data folder is touched, and nothing read reaches SQL as code.

Each case names how many data records its file holds, counted by hand from the bytes written here.
"""

from __future__ import annotations

import random
import shutil
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from connectors import landing
from connectors.kinds import KINDS
from connectors.source_folder import scan
from tests.conftest import TINY_CONFIG, TINY_ORG, files_containing, run_mkpi
from tests.sink_servers import RecordingServer, Reply

ORDERS = "order_id,lead_id,ordered_at,amount,currency\n"


@dataclass
class Case:
    name: str  # the file name, hostile itself sometimes
    data: bytes
    records: int | None  # data records in the file; None: the file cannot be read and is quarantined whole


def _outside(tmp: Path) -> Path:
    """Where an injected statement would write: beside the data folder, never inside it."""
    return tmp.parent / f"{tmp.name}-pwned.csv"


def cases(tmp: Path) -> list[Case]:
    rng = random.Random(13)
    outside = _outside(tmp)
    injection = f'x" VARCHAR); COPY (SELECT 42) TO \'{outside}\'; --'
    return [
        Case("orders_utf8.csv", (ORDERS + "A1,L1,2026-10-01,12.50,USD\n").encode(), 1),
        Case("orders_bom.csv", (ORDERS + "A2,L1,2026-10-01,1,USD\n").encode("utf-8-sig"), 1),
        Case("orders_utf16le.csv", (ORDERS + "U1,Zoë,2026-10-01,3.00,EUR\nU2,L2,2026-10-02,4.00,EUR\n").encode("utf-16"), 2),
        Case("orders_utf16be.csv", codecs_bom_be(ORDERS + "U3,L3,2026-10-01,5.00,EUR\n"), 1),
        Case("orders_cp1252.csv", (ORDERS + "W1,Crème brûlée,2026-10-01,6.00,EUR\n").encode("cp1252"), 1),
        Case("orders_gb18030.csv", (ORDERS + "G1,双十一大促,2026-10-01,\"¥1,250,000.00\",CNY\n").encode("gb18030"), 1),
        Case("orders_semicolon.csv", "order_id;lead_id;ordered_at;amount;currency\nS1;L1;2026-10-01;7;USD\n".encode(), 1),
        Case("orders_tab.tsv", "order_id\tlead_id\tordered_at\tamount\tcurrency\nT1\tL1\t2026-10-01\t8\tUSD\n".encode(), 1),
        Case("orders_pipe.csv", "order_id|lead_id|ordered_at|amount|currency\nP1|L1|2026-10-01|9|USD\n".encode(), 1),
        Case("orders_quoting.csv", (ORDERS + 'Q1,"L ""one""",2026-10-01,1,USD\n'
                                   + 'Q2,"multi\nline",2026-10-01,1,USD\n' + 'Q3,"unbalanced,2026-10-01,1,USD\n').encode(), 3),
        Case("orders_numbers.csv", (ORDERS + 'N1,L1,2026-10-01,"-1,250,000.00",CNY\n'
                                   + "N2,L1,2026-10-01,123456789012345678.12,JPY\n" + "N3,L1,2026-10-01,1e10,USD\n"
                                   + "N4,L1,2026-10-01,NaN,USD\n" + "N5,L1,2026-10-01,15000000,JPY\n").encode(), 5),
        Case("orders_sql_values.csv", (ORDERS + "'); DROP TABLE landing.orders; --,L1,2026-10-01,1,USD\n"
                                      + 'V2,"\'||(SELECT 1)||\'",2026-10-01,1,USD\n').encode(), 2),
        Case("orders_sql_header.csv", (ORDERS.strip() + f',"{injection.replace(chr(34), chr(34) * 2)}"\n'
                                      + "H1,L1,2026-10-01,1,USD,x\n").encode(), 1),
        Case("orders_x.csv", (ORDERS + "X1,L1,2026-10-01,1,USD\n").encode(), 1),
        Case("orders_[x].csv", (ORDERS + "B1,L1,2026-10-01,1,USD\nB2,L1,2026-10-01,1,USD\n").encode(), 2),
        Case("orders_*.csv", (ORDERS + "S*,L1,2026-10-01,1,USD\n").encode(), 1),
        Case("orders_?{a,b}.csv", (ORDERS + "Q?,L1,2026-10-01,1,USD\n").encode(), 1),
        Case("orders_中文 'q\".csv", (ORDERS + "Z1,L1,2026-10-01,1,USD\n").encode(), 1),
        Case("orders_truncated.csv", (ORDERS + "R1,L1,2026-10-01,1,USD\nR2,L1,2026-10-0").encode(), 2),
        Case("orders_blank_lines.csv", (ORDERS + "\nK1,L1,2026-10-01,1,USD\n\n\nK2,L1,2026-10-01,1,USD\n").encode(), 2),
        Case("orders_empty.csv", b"", None),
        Case("orders_header_only.csv", ORDERS.encode(), 0),
        Case("orders_missing_column.csv", b"order_id,lead_id\nM1,L1\n", None),
        Case("orders_garbage.csv", ORDERS.encode() + bytes(rng.randrange(256) for _ in range(4000)), None),
        Case("orders_random.csv", bytes(rng.randrange(256) for _ in range(4000)), None),
        Case("orders_nul_header.csv", b"order_id,lead\x00_id,ordered_at,amount,currency\nN,L,2026-10-01,1,USD\n", None),
    ]


def codecs_bom_be(text: str) -> bytes:
    return b"\xfe\xff" + text.encode("utf-16-be")


@pytest.fixture
def landed(tmp_path):
    folder = tmp_path / "data" / "exports"
    folder.mkdir(parents=True)
    written = cases(folder)
    for case in written:
        (folder / case.name).write_bytes(case.data)
    con = duckdb.connect(str(tmp_path / "data" / "w.duckdb"))
    landing.prepare_schemas(con)
    files = scan(folder).files["orders"]
    report = landing.land_kind(con, KINDS["orders"], files)
    yield con, report, folder, written
    con.close()


def test_every_row_is_landed_or_quarantined_and_bad_files_are_quarantined_whole(landed):
    con, report, folder, written = landed
    assert sorted(Path(f).name for f in report.files) == sorted(c.name for c in written)
    for case in written:
        path = str(folder / case.name)
        whole = con.execute("SELECT count(*) FROM landing.quarantine WHERE file = ? AND scope = 'file'", [path]).fetchall()
        if case.records is None:
            assert whole == [(1,)], case.name
            continue
        loaded = con.execute("SELECT count(*) FROM landing.orders WHERE _file = ?", [path]).fetchall()[0][0]
        rejected = con.execute("SELECT count(DISTINCT line) FROM landing.quarantine WHERE file = ? AND scope = 'row'",
                               [path]).fetchall()[0][0]
        assert (whole, loaded + rejected) == ([(0,)], case.records), case.name
    assert len(report.files_not_read) == sum(c.records is None for c in written)


def test_nothing_outside_the_data_folder_is_touched(landed, tmp_path):
    _con, _report, folder, _written = landed
    assert not _outside(folder).exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]


def test_hostile_text_lands_as_text(landed):
    con, _report, folder, _written = landed
    got = dict(con.execute("SELECT order_id, lead_id FROM landing.orders").fetchall())
    assert got["U1"] == "Zoë" and got["W1"] == "Crème brûlée" and got["G1"] == "双十一大促"
    assert got["'); DROP TABLE landing.orders; --"] == "L1"
    assert got["V2"] == "'||(SELECT 1)||'"
    assert got["Q1"] == 'L "one"' and got["Q2"] == "multi\nline"
    assert {"X1", "B1", "B2", "S*", "Q?", "Z1"} <= set(got)  # glob characters never read another file
    header = [c for c in con.execute("DESCRIBE landing.orders").fetchall() if c[0].startswith('x"')]
    assert len(header) == 1  # the hostile header is a column name, nothing more


def test_amounts_keep_their_magnitude_and_sign(landed):
    con, _report, _folder, _written = landed
    amounts = dict(con.execute("SELECT order_id, amount FROM landing.orders WHERE order_id LIKE 'N%' OR order_id = 'G1'")
                   .fetchall())
    assert amounts == {"N1": Decimal("-1250000"), "N5": Decimal("15000000"), "G1": Decimal("1250000")}
    reasons = dict(con.execute("SELECT raw_text::JSON->>'order_id', reason FROM landing.quarantine "
                               "WHERE reason LIKE 'amount%'").fetchall())
    assert set(reasons) == {"N2", "N3", "N4"}
    # 18 integer digits: more than any order, and times a rate more than the exact product holds downstream
    assert reasons["N2"] == ("amount: '123456789012345678.12' is larger than mkpi accepts "
                             "(at most 15 digits before the point)")


def test_implausible_dates_and_amounts_are_quarantined_per_row_with_the_reason(tmp_path):
    """Placeholders before 2000, a sentinel 9999-12-31, a day past the as-of date's allowance, a 32-digit
    amount; the rows around them land. A target may be planned ahead."""
    import datetime as dt

    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "orders.csv").write_text(ORDERS + "\n".join([
        "D1,L1,2026-10-01,10,USD", "D2,L1,0001-01-01,10,USD", "D3,L1,1900-01-01 00:00,10,USD",
        "D4,L1,9999-12-31,10,USD", "D5,L1,2026-12-23,10,USD", "D6,L1,2026-12-22T23:00:00Z,10,USD",
        "D7,L1,2026-10-02,12345678901234567890123456789012,USD", "D8,L1,2026-10-02,999999999999999.99,JPY"]) + "\n",
        encoding="utf-8")
    (folder / "targets.csv").write_text("employee_id,kpi,target,effective_from\nE1,cpl,50,2027-06-01\n"
                                        "E1,cpl,50,9999-12-31\n", encoding="utf-8")
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    try:
        landing.land_all(con, scan(folder).files, latest_date=dt.date(2026, 12, 22))
        landed = sorted(r[0] for r in con.execute("SELECT order_id FROM landing.orders").fetchall())
        reasons = dict(con.execute("SELECT line, reason FROM landing.quarantine WHERE kind = 'orders'").fetchall())
        targets = con.execute("SELECT effective_from FROM landing.targets").fetchall()
        target_reasons = [r[0] for r in con.execute("SELECT reason FROM landing.quarantine WHERE kind = 'targets'").fetchall()]
    finally:
        con.close()
    assert landed == ["D1", "D6", "D8"]
    outside = "is outside the dates mkpi accepts (2000-01-01 to 2026-12-22)"
    assert reasons == {3: f"ordered_at: '0001-01-01' {outside}", 4: f"ordered_at: '1900-01-01 00:00' {outside}",
                       5: f"ordered_at: '9999-12-31' {outside}", 6: f"ordered_at: '2026-12-23' {outside}",
                       8: "amount: '12345678901234567890123456789012' is larger than mkpi accepts "
                          "(at most 15 digits before the point)"}
    assert targets == [(dt.date(2027, 6, 1),)]
    assert target_reasons == ["effective_from: '9999-12-31' is outside the dates mkpi accepts (2000-01-01 to 2100-12-31)"]


def test_guessed_encodings_are_named_in_the_notes(landed):
    _con, report, folder, _written = landed
    notes = "\n".join(report.notes)
    assert f"{folder / 'orders_cp1252.csv'}: not UTF-8: read as Windows-1252" in notes
    assert "orders_gb18030.csv" not in notes  # common Chinese: a sure guess needs no note
    assert f"{folder / 'orders_sql_header.csv'}: column(s)" in notes  # the extra column is named, not silently kept


def test_an_encoding_override_wins_over_the_guess(tmp_path):
    path = tmp_path / "orders_latin.csv"
    path.write_bytes((ORDERS + "L1,Crème,2026-10-01,1,EUR\n").encode("latin-1"))
    con = duckdb.connect()
    landing.prepare_schemas(con)
    report = landing.land_kind(con, KINDS["orders"], [path], encodings=(("orders_latin*.csv", "latin-1"),))
    assert report.notes == [] and con.execute("SELECT lead_id FROM landing.orders").fetchall() == [("Crème",)]


def test_links_that_lead_nowhere_are_named_not_skipped_silently(tmp_path):
    (tmp_path / "orders_dead.csv").symlink_to(tmp_path / "nowhere.csv")
    (tmp_path / "orders_loop_a.csv").symlink_to(tmp_path / "orders_loop_b.csv")
    (tmp_path / "orders_loop_b.csv").symlink_to(tmp_path / "orders_loop_a.csv")
    (tmp_path / "orders_real.csv").write_text(ORDERS)
    (tmp_path / "orders_link.csv").symlink_to(tmp_path / "orders_real.csv")
    folder = scan(tmp_path)
    assert [p.name for p in folder.files["orders"]] == ["orders_link.csv", "orders_real.csv"]
    assert folder.skipped == [f"{tmp_path / 'orders_dead.csv'}: a symbolic link to nothing, skipped",
                              f"{tmp_path / 'orders_loop_a.csv'}: a symbolic link that loops, skipped",
                              f"{tmp_path / 'orders_loop_b.csv'}: a symbolic link that loops, skipped"]



TOKEN = "tok-SECRET-4242-never-shown"


def test_a_night_on_hostile_exports_publishes_and_never_shows_a_secret(tmp_path):
    data = tmp_path / "data"
    exports = data / "exports"
    shutil.copytree(TINY_ORG, exports)
    for case in cases(exports):
        if case.name in ("orders_garbage.csv", "orders_cp1252.csv", "orders_[x].csv", "orders_sql_header.csv"):
            (exports / case.name).write_bytes(case.data)
    # A platform credit: real, and worth a word in the summary (the expectation spend >= 0 fails).
    (exports / "ad_spend_credit.csv").write_text("date,platform,campaign_name,spend,currency\n"
                                                 "2026-10-03,google_ads,Spring Sale,-120.00,USD\n")
    config = data / "mkpi.yml"
    config.write_text(TINY_CONFIG.read_text() + "alerts:\n  backoff_seconds: 0.01\n  retries: 1\n  sinks:\n"
                      "    - type: webhook\n      url_env: TEST_HOOK\n")
    # A sink that refuses and echoes the token it was called with, as some gateways do.
    with RecordingServer([Reply(400, f"bad request /hook?access_token={TOKEN}")]) as hook:
        result = run_mkpi("run", "--source-dir", str(exports), "--warehouse", str(data / "w.duckdb"),
                          "--config", str(config), env={"TEST_HOOK": hook.url(f"/hook?access_token={TOKEN}"),
                                                        "DAGSTER_HOME": str(data / "dagster"),
                                                        "MKPI_STATE_DIR": str(data / "state")})
    assert result.returncode == 0, result.stderr
    assert "files not read: 1" in result.stdout and "[error] unreadable_file" in result.stdout
    assert "webhook: FAILED - HTTP 400: bad request /hook?access_token=[redacted]" in result.stdout
    assert "ad_spend: expectation expect_column_values_to_be_between failed on spend (1 value(s), e.g. -120.0)" in (
        result.stdout)
    assert "failed data expectation(s)" in hook.received[0].json()["summary"]
    assert "Landing: " in hook.received[0].json()["summary"] and "1 file(s) not read" in hook.received[0].json()["summary"]
    checks = run_mkpi("checks", "--warehouse", str(data / "w.duckdb"))
    assert checks.returncode == 1 and "unreadable_file" in checks.stdout  # an error-level issue: scripts can act
    assert checks.stderr.strip().startswith("exit code 1: ") and "error-level issue(s)" in checks.stderr
    assert TOKEN not in result.stdout + result.stderr
    assert files_containing(tmp_path, TOKEN.encode()) == []
    assert not _outside(exports).exists()
    con = duckdb.connect(str(data / "w.duckdb"), read_only=True)
    try:
        got = con.execute("SELECT stage, count(*) FROM marts.fct_quarantined_rows WHERE file LIKE '%orders_garbage%' "
                          "GROUP BY ALL").fetchall()
        bracket = con.execute("SELECT count(*) FROM landing.orders WHERE ends_with(_file, 'orders_[x].csv')").fetchall()
    finally:
        con.close()
    assert got == [("file", 1)] and bracket == [(2,)]


@pytest.mark.parametrize("url", [f"htps://hooks.example/send?access_token={TOKEN}",
                                 f"hooks.example/send?access_token={TOKEN}", f"https:///?access_token={TOKEN}"])
def test_a_malformed_sink_address_is_named_by_its_variable_never_shown(tmp_path, url):
    config = tmp_path / "mkpi.yml"
    config.write_text("alerts:\n  sinks:\n    - type: dingtalk\n      url_env: TEST_DING\n")
    sent = run_mkpi("alert", "--test", "--config", str(config), env={"TEST_DING": url})
    run = run_mkpi("run", "--source-dir", str(TINY_ORG), "--warehouse", str(tmp_path / "w.duckdb"),
                   "--config", str(config), env={"TEST_DING": url})
    assert sent.returncode == 1 and sent.stdout.strip() == (
        "dingtalk: FAILED - dingtalk: environment variable TEST_DING does not hold a web address starting with "
        "https:// (or http://)")
    assert run.returncode == 2 and run.stderr.strip().splitlines() == [
        f"error: {config}: alert sink dingtalk: environment variable TEST_DING does not hold a web address starting "
        "with https:// (or http://)"]
    assert TOKEN not in sent.stdout + sent.stderr + run.stdout + run.stderr
    assert files_containing(tmp_path, TOKEN.encode()) == []


def test_a_hidden_export_is_named_and_a_file_thousands_of_columns_wide_is_refused_as_a_file(tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "..leads.csv").write_text("lead_id,created_at\nL1,2026-10-01\nL2,2026-10-01\nL3,2026-10-01\n")
    (folder / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")  # the system's own: passed over in silence
    wide = ",".join(["order_id", "lead_id", "ordered_at", "amount", "currency"] + [f"c{i}" for i in range(5000)])
    (folder / "orders_wide.csv").write_text(wide + "\n" + ",".join(["W1", "L1", "2026-10-01", "1", "USD"] + ["x"] * 5000)
                                            + "\n")
    found = scan(folder)
    assert found.skipped == [f"{folder / '..leads.csv'}: a hidden file (its name starts with a dot), skipped; "
                             "rename it without the dot to read it"]
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    try:
        landing.prepare_schemas(con)
        report = landing.land_kind(con, KINDS["orders"], found.files["orders"])
        reasons = con.execute("SELECT scope, reason FROM landing.quarantine").fetchall()
    finally:
        con.close()
    assert report.rows_loaded == 0 and len(report.files_not_read) == 1
    assert reasons == [("file", "file not read: the header has 5,005 columns; mkpi reads files of at most 256 (orders "
                                "files have 6): is this the right export?")]

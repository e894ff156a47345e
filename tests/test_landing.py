"""Landing files into a real DuckDB file: encodings, number formats, line numbers, quarantine, PII."""

from __future__ import annotations

import hashlib
import re
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from connectors import landing, personal_data
from connectors.errors import SourceError
from connectors.file_scan import detect_encoding
from connectors.kinds import KINDS
from connectors.source_folder import kind_of, scan
from connectors.value_parsers import RATE_SQL
from pipelines.settings import PROJECT_ROOT

HEADER = "date,platform,campaign_name,impressions,clicks,spend,currency\n"


@pytest.fixture
def con(tmp_path):
    c = duckdb.connect(str(tmp_path / "test.duckdb"))
    landing.prepare_schemas(c)
    yield c
    c.close()


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def land(con, kind, *files):
    return landing.land_kind(con, KINDS[kind], list(files))


def quarantine(con):
    return con.execute("SELECT line, field, reason FROM landing.quarantine ORDER BY line").fetchall()


def test_utf8_bom_and_number_formats(con, tmp_path):
    f = write(tmp_path / "ad_spend.csv", HEADER
              + '2026-10-01,google_ads,A,"1,200",12,"1,200.50",usd\n'
              + "2026/10/02,google_ads,A,5,1,$3.50,USD\n"
              + "2026年10月03日,baidu_sem,品牌,7,1,¥12,RMB\n", "utf-8-sig")
    report = land(con, "ad_spend", f)
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (3, 3, 0)
    got = con.execute("SELECT cast(date AS VARCHAR), impressions, spend, currency, _line FROM landing.ad_spend ORDER BY _line").fetchall()
    assert [(d, i, float(s), c, n) for d, i, s, c, n in got] == [
        ("2026-10-01", 1200, 1200.5, "USD", 2), ("2026-10-02", 5, 3.5, "USD", 3), ("2026-10-03", 7, 12.0, "CNY", 4)]


def test_gb18030_file_with_chinese_and_thousands_separators(con, tmp_path):
    f = write(tmp_path / "ad_spend_baidu.csv", HEADER + '2026-10-01,baidu_sem,双十一大促,"12,000",300,"¥8,888.88",CNY\n', "gb18030")
    assert detect_encoding(f).name == "gb18030"
    land(con, "ad_spend", f)
    assert con.execute("SELECT campaign_name, impressions, spend FROM landing.ad_spend").fetchall() == [
        ("双十一大促", 12000, Decimal("8888.88"))]


def test_utf8_with_one_damaged_byte_is_not_mistaken_for_gbk(con, tmp_path):
    good = HEADER + "2026-10-01,baidu_sem,品牌词,1,1,1,CNY\n" * 5
    f = tmp_path / "ad_spend.csv"
    f.write_bytes(good.encode() + b"2026-10-02,baidu_sem,\xff\xfe,1,1,1,CNY\n")
    assert detect_encoding(f).name == "utf-8"
    report = land(con, "ad_spend", f)
    assert (report.rows_loaded, report.rows_quarantined) == (5, 1)
    (line, _field, reason), = quarantine(con)
    assert line == 7 and "not UTF-8" in reason


def test_bad_rows_are_quarantined_with_physical_line_numbers(con, tmp_path):
    f = write(tmp_path / "ad_spend.csv", HEADER
              + "2026-10-01,google_ads,A,10,1,5,USD\n"      # line 2 ok
              + "\n"                                           # line 3 blank
              + "2026-10-02,google_ads,A,10,1,5,USD,extra\n"  # line 4 too many fields
              + "2026-13-45,google_ads,A,10,1,5,USD\n"        # line 5 bad date
              + "2026-10-03,google_ads,A,10,1,,USD\n"         # line 6 spend empty
              + "2026-10-04,google_ads,A,10,1,5,USD\n")       # line 7 ok
    report = land(con, "ad_spend", f)
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (5, 2, 3)
    assert con.execute("SELECT _line FROM landing.ad_spend ORDER BY 1").fetchall() == [(2,), (7,)]
    got = quarantine(con)
    assert [(line, field) for line, field, _ in got] == [(4, None), (5, "date"), (6, "spend")]
    assert "too many columns" in got[0][2]
    assert got[1][2] == "date: '2026-13-45' is not a date such as 2026-10-01 or 2026/10/01"
    assert got[2][2] == "spend is empty"


def test_line_numbers_stay_physical_in_a_file_read_in_parallel(con, tmp_path):
    """DuckDB reads a large file in parallel chunks; every row still names its own line."""
    rows = [f"s{n},2026-10-01T00:00:00Z,v{n},https://x.example/p{n % 97}\n" for n in range(2, 700_002)]
    rows[150_000] = "\n"  # line 150,002 blank
    rows[250_000] = "s250002,not a time,v1,https://x.example/\n"  # line 250,002 unusable
    f = write(tmp_path / "sessions.csv", "session_id,started_at,visitor_id,landing_url\n" + "".join(rows))
    report = land(con, "sessions", f)
    assert (report.rows_loaded, report.rows_quarantined) == (699_998, 1)
    # Each session was written on the line its number says.
    assert con.execute("SELECT count(*) FROM landing.sessions WHERE _line <> substr(session_id, 2)::BIGINT").fetchall() == [(0,)]
    assert [line for line, _, _ in quarantine(con)] == [250_002]


def test_missing_required_column_quarantines_the_file_and_lands_the_others(con, tmp_path):
    bad = write(tmp_path / "ad_spend_x.csv", "date,platform,campaign_name,clicks,currency\n2026-10-01,g,A,1,USD\n")
    good = write(tmp_path / "ad_spend_y.csv", HEADER + "2026-10-01,g,A,1,1,2.50,USD\n")
    with pytest.raises(SourceError) as err:
        landing.check_header(KINDS["ad_spend"], bad)
    message = str(err.value)
    assert message.startswith(f"{bad}, line 1, column 'spend': missing required column for ad_spend files")
    assert "\n" not in message
    report = land(con, "ad_spend", bad, good)
    assert (report.rows_loaded, report.files_not_read) == (1, [message])
    assert con.execute("SELECT file, line, field, reason, scope FROM landing.quarantine").fetchall() == [
        (str(bad), 1, "spend", "file not read: " + err.value.detail, "file")]


@pytest.mark.parametrize("name", ["_file", "_line", "_errors", "_raw", "_text_session_id"])
def test_a_column_named_like_mkpi_bookkeeping_refuses_the_file_with_the_column_named(con, tmp_path, name):
    f = write(tmp_path / "sessions.csv", f"session_id,started_at,{name}\nA1,2026-10-01T00:00:00Z,x\n")
    report = land(con, "sessions", f)
    assert report.rows_loaded == 0
    assert con.execute("SELECT line, field, reason FROM landing.quarantine").fetchall() == [
        (1, name, f"file not read: the column name {name} is kept for mkpi's own bookkeeping; rename the column")]


def test_columns_mkpi_does_not_read_land_as_text_beside_the_typed_ones(con, tmp_path):
    a = write(tmp_path / "orders_a.csv", "order_id,lead_id,ordered_at,amount,currency,Sales Rep\n"
                                        "O1,L1,2026-10-01,\"1,200\",CNY,Li\nO2,L2,2026-10-01,oops,CNY,Wang\n")
    b = write(tmp_path / "orders_b.csv", "order_id,lead_id,ordered_at,amount,currency\nO3,L3,2026-10-02,5,USD\n")
    report = land(con, "orders", a, b)
    assert any("'sales_rep' are not read for orders (kept as text in landing.orders)" in n for n in report.notes)
    assert con.execute("SELECT order_id, amount, sales_rep FROM landing.orders ORDER BY 1").fetchall() == [
        ("O1", Decimal("1200"), "Li"), ("O3", Decimal("5"), None)]
    # The bad row is in quarantine only, and the marks it carried while landing are gone.
    assert [r[:3] for r in quarantine(con)] == [(3, "amount", "amount: 'oops' is not an amount such as 1200.50, 1,200.50 or ¥1,200")]
    assert [c[0] for c in con.execute("DESCRIBE landing.orders").fetchall()][-3:] == ["_file", "_line", "sales_rep"]


def test_several_files_union_by_column_name_and_optional_columns(con, tmp_path):
    a = write(tmp_path / "sessions_a.csv", "session_id,started_at,utm_source\nA1,2026-10-01T00:00:00Z,google\n")
    b = write(tmp_path / "sessions_b.csv", "started_at,session_id,referrer\n2026-10-01 08:00:00+08:00,B1,https://x.cn/\n")
    report = land(con, "sessions", a, b)
    assert report.rows_loaded == 2
    got = con.execute("SELECT session_id, utm_source, referrer, started_at = TIMESTAMPTZ '2026-10-01 00:00:00+00' FROM landing.sessions ORDER BY 1").fetchall()
    assert got == [("A1", "google", None, True), ("B1", None, "https://x.cn/", True)]


def test_absent_kind_gives_empty_typed_table(con):
    report = land(con, "orders")
    assert report.rows_loaded == 0
    cols = [c[0] for c in con.execute("DESCRIBE landing.orders").fetchall()]
    assert cols == ["order_id", "lead_id", "ordered_at", "amount", "currency", "status", "_file", "_line"]


def test_pii_in_a_rejected_line_is_hashed_too(con, tmp_path):
    f = write(tmp_path / "leads.csv", "lead_id,created_at,email\nL1,2026-10-01,ann@example.com,surplus\n")
    land(con, "leads", f)
    (raw,) = con.execute("SELECT raw_text FROM landing.quarantine").fetchone()
    assert "ann@example.com" not in raw
    assert personal_data.hash_personal_value("email", "ann@example.com", "") in raw


def test_kind_of_file_names():
    assert kind_of(Path("ad_spend_google_2026-10.csv")) == "ad_spend"
    assert kind_of(Path("Sessions.CSV")) == "sessions"
    assert kind_of(Path("content_items.csv")) == "content"
    assert kind_of(Path("orders.xlsx")) is None
    assert kind_of(Path("readme.csv")) is None


def test_scan_reports_unknown_files(tmp_path):
    write(tmp_path / "leads.csv", "lead_id,created_at\n")
    write(tmp_path / "budget_plan.csv", "x\n")
    folder = scan(tmp_path)
    assert list(folder.files) == ["leads"]
    assert [p.name for p in folder.unknown] == ["budget_plan.csv"]


def test_incremental_landing_lists_only_what_changed(con, tmp_path):
    """Unchanged files are not read again; a changed file's and the re-pulled API rows' differences are listed."""
    from connectors.pull_store import PullStore

    lead = "L{n},2026-10-0{n}T10:00:00Z,v{n},web form,,,,{status},,\n"
    header = "lead_id,created_at,visitor_id,lead_source,utm_source,utm_medium,utm_campaign,status,email,phone\n"
    old = write(tmp_path / "leads_old.csv", header + lead.format(n=1, status="new") + lead.format(n=2, status="new"))
    new = write(tmp_path / "leads_new.csv", header + lead.format(n=3, status="new"))
    store = tmp_path / "pulled.duckdb"
    with PullStore(store) as pulled:
        pulled.con.execute("""INSERT INTO pulled_leads (lead_id, created_at, status, _source, _account, _page, _row)
                              VALUES ('H1', '2026-10-05T08:00:00Z', 'open', 'crm', 'a', 1, 1),
                                     ('H2', '2026-10-06T08:00:00Z', 'open', 'crm', 'a', 1, 2)""")

    def night(incremental, sources=("crm",)):
        landing.land_all(con, {"leads": [old, new]}, pull_store=store, pulled_sources=sources, incremental=incremental)
        return sorted(con.execute("SELECT row_key FROM landing.row_changes").fetchall())

    assert night(incremental=False) == []
    assert night(incremental=True) == []
    write(new, header + lead.format(n=3, status="won") + lead.format(n=4, status="new"))
    with PullStore(store) as pulled:
        pulled.con.execute("UPDATE pulled_leads SET status = 'won' WHERE lead_id = 'H2'")
    # L3 went and came back changed, L4 is new, H2 changed (old and new row); L1, L2 and H1 did not move.
    assert night(incremental=True) == [("H2",), ("H2",), ("L3",), ("L3",), ("L4",)]
    assert con.execute("SELECT count(*) FROM landing.leads").fetchone()[0] == 6
    assert con.execute("SELECT status FROM landing.leads WHERE lead_id = 'H2'").fetchone() == ("won",)
    # A source switched on brings all its rows as changes; one switched off takes its rows away.
    with PullStore(store) as pulled:
        pulled.con.execute("""INSERT INTO pulled_leads (lead_id, created_at, status, _source, _account, _page, _row)
                              VALUES ('X1', '2026-10-07T08:00:00Z', 'open', 'shop', 'b', 1, 1)""")
    assert night(incremental=True, sources=("crm", "shop")) == [("X1",)]
    assert night(incremental=True, sources=("shop",)) == [("H1",), ("H2",)]


def test_landed_rates_keep_the_scale_the_models_convert_with():
    """value_parsers.RATE_SQL and dbt's rate_type() (macros/money.sql) are one choice written in two languages."""
    macros = (PROJECT_ROOT / "dbt_project" / "macros" / "money.sql").read_text()
    (rate_type,) = re.findall(r"macro rate_type\(\) %\}(.*?)\{%", macros)
    assert rate_type.strip().lower() == RATE_SQL.lower()


def test_one_personal_data_rule_for_files_and_api_pages(con, tmp_path):
    # A file with a platform's own spellings (mobile_phone, work_email) and empty values.
    f = write(tmp_path / "leads.csv", "lead_id,created_at,email,mobile_phone,work_email\n"
                                      "L1,2026-10-01, Ann@Example.com ,+86 138-0013-8000,\n"
                                      "L2,2026-10-01,,  ,bo@example.com\n")
    landing.land_kind(con, KINDS["leads"], [f], pii_salt="pepper")
    rows = con.execute("SELECT lead_id, email, mobile_phone, work_email FROM landing.leads ORDER BY 1").fetchall()
    # The same API page fields through the connectors' path.
    page = personal_data.scrub([{"email": " Ann@Example.com ", "mobile_phone": "+86 138-0013-8000", "work_email": ""},
                                {"email": "", "mobile_phone": "  ", "work_email": "bo@example.com"}], "pepper")
    expected_email = hashlib.sha256(b"pepperann@example.com").hexdigest()  # trimmed, lower-cased
    expected_phone = hashlib.sha256(b"pepper+8613800138000").hexdigest()  # digits and + only
    assert rows[0] == ("L1", expected_email, expected_phone, None)
    assert rows[1] == ("L2", None, None, hashlib.sha256(b"pepperbo@example.com").hexdigest())
    assert [tuple(p.values()) for p in page] == [r[1:] for r in rows]  # empty stays empty on both paths
    assert [personal_data.pii_kind(n) for n in ("mobile_phone", "mobilephone", "Work_Email", "手机", "campaign")] == [
        "phone", "phone", "email", "phone", None]

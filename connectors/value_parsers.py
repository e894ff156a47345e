"""DuckDB macros that turn exported text into typed values, or NULL when the text is not valid.

Exports from ad platforms and Excel spell numbers as "1,200.00", "¥1,200" or "$3.50" and dates as
2026-10-01, 2026/10/01 or 2026年10月01日. Anything else is not guessed: it becomes NULL here and
the loader quarantines the row with the reason.
"""

from __future__ import annotations

import datetime as dt

from connectors.kinds import BOOLEAN, COUNT, CURRENCY, DATE, DECIMAL, MONEY, TEXT, TIMESTAMP
from connectors.sql_text import literal

_CURRENCY_MARK = r"(¥|￥|\$|US\$|HK\$|€|£|RMB|CNY|USD|EUR|HKD|GBP|元)?"
_NUMBER_BODY = r"[-+]?([0-9]{1,3}(,[0-9]{3})+|[0-9]+)(\.[0-9]+)?"
NUMBER_PATTERN = rf"^[-+]?\s*{_CURRENCY_MARK}\s*{_NUMBER_BODY}\s*{_CURRENCY_MARK}$"
COUNT_PATTERN = r"^[-+]?([0-9]{1,3}(,[0-9]{3})+|[0-9]+)(\.0+)?$"

DATE_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y.%m.%d", "%Y年%m月%d日"]
TIMESTAMP_FORMATS = [
    "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%d %H:%M", "%Y年%m月%d日 %H:%M:%S", "%Y年%m月%d日 %H:%M",
]
CURRENCY_ALIASES = {"RMB": "CNY", "人民币": "CNY", "¥": "CNY", "￥": "CNY", "元": "CNY", "美元": "USD", "US$": "USD"}


def _sql_list(values: list[str]) -> str:
    return "[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


# Sized for money (eight-figure JPY, years of CNY) and for FX rates below 0.0001; dbt's money_type() and
# rate_type() (dbt_project/macros/money.sql) carry the same choice on the models' side.
MONEY_SQL, RATE_SQL = "DECIMAL(38, 6)", "DECIMAL(38, 10)"


# What a value may be once typed. A date before 2000 is a placeholder (0001-01-01, 1900-01-01), one past
# the latest day (the as-of date plus mkpi.yml's files.max_days_after_as_of) a typo or a far-off
# sentinel such as 9999-12-31 that would break month arithmetic downstream; a planned date (a target's
# effective_from) may lie ahead, up to LATEST_PLANNED. Numbers stay within 15 integer digits (an
# eight-figure JPY day has 8): an amount times a rate then fits the 22 integer digits of their exact
# product (dbt_project/macros/money.sql).
EARLIEST_DATE, LATEST_PLANNED = dt.date(2000, 1, 1), dt.date(2100, 12, 31)
PLANNED_DATES = frozenset({"effective_from"})  # columns whose dates may lie ahead, up to LATEST_PLANNED
MAX_ABS = {MONEY: 10**15, DECIMAL: 10**15, COUNT: 10**15}
MAX_ABS_OF_COLUMN = {"rate_to_reporting": 10**6}  # a rate multiplies amounts of up to 15 integer digits


def _currency_case() -> str:
    whens = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in CURRENCY_ALIASES.items())
    return f"CASE upper(v) {whens} ELSE upper(v) END"


MACROS = [
    f"""CREATE OR REPLACE TEMP MACRO mkpi_number(v) AS
        CASE WHEN regexp_full_match(v, '{NUMBER_PATTERN}')
             THEN TRY_CAST(regexp_replace(v, '[^0-9.\\-]', '', 'g') AS {MONEY_SQL}) END""",
    f"""CREATE OR REPLACE TEMP MACRO mkpi_decimal(v) AS
        CASE WHEN regexp_full_match(v, '{NUMBER_PATTERN}')
             THEN TRY_CAST(regexp_replace(v, '[^0-9.\\-]', '', 'g') AS {RATE_SQL}) END""",
    f"""CREATE OR REPLACE TEMP MACRO mkpi_count(v) AS
        CASE WHEN regexp_full_match(v, '{COUNT_PATTERN}')
             THEN TRY_CAST(regexp_replace(regexp_replace(v, '\\.0+$', ''), '[^0-9\\-]', '', 'g') AS BIGINT) END""",
    f"""CREATE OR REPLACE TEMP MACRO mkpi_date(v) AS
        COALESCE(TRY_CAST(v AS DATE), try_strptime(v, {_sql_list(DATE_FORMATS)})::DATE)""",
    # ISO 8601 with or without offset; a timestamp without offset is read in the session time zone.
    f"""CREATE OR REPLACE TEMP MACRO mkpi_timestamp(v) AS
        COALESCE(TRY_CAST(v AS TIMESTAMPTZ), try_strptime(v, {_sql_list(TIMESTAMP_FORMATS)})::TIMESTAMPTZ,
                 mkpi_date(v)::TIMESTAMPTZ)""",
    """CREATE OR REPLACE TEMP MACRO mkpi_boolean(v) AS
        CASE WHEN lower(v) IN ('true', 't', 'yes', 'y', '1', '是', '原创') THEN true
             WHEN lower(v) IN ('false', 'f', 'no', 'n', '0', '否', '转载') THEN false END""",
    f"""CREATE OR REPLACE TEMP MACRO mkpi_currency(v) AS
        CASE WHEN regexp_full_match({_currency_case()}, '[A-Z]{{3}}') THEN {_currency_case()} END""",
]

# type → (SQL type, parse macro, what a valid value looks like, empty value)
TYPES = {
    TEXT: ("VARCHAR", None, "text", None),
    CURRENCY: ("VARCHAR", "mkpi_currency", "a 3-letter currency code such as USD or CNY", None),
    MONEY: (MONEY_SQL, "mkpi_number", "an amount such as 1200.50, 1,200.50 or ¥1,200", None),
    DECIMAL: (RATE_SQL, "mkpi_decimal", "a number such as 0.1385", None),
    COUNT: ("BIGINT", "mkpi_count", "a whole number such as 1200 or 1,200", "0"),
    DATE: ("DATE", "mkpi_date", "a date such as 2026-10-01 or 2026/10/01", None),
    TIMESTAMP: ("TIMESTAMPTZ", "mkpi_timestamp", "a date and time such as 2026-10-01 08:30:00+08:00", None),
    BOOLEAN: ("BOOLEAN", "mkpi_boolean", "true/false, yes/no or 1/0", None),
}


def install(con, latest_date: dt.date | None = None) -> None:
    """The parsing macros, and the range of dates a row may carry: up to `latest_date` (none given: up to
    LATEST_PLANNED)."""
    for sql in MACROS:
        con.execute(sql)
    con.execute(f"CREATE OR REPLACE TEMP MACRO mkpi_earliest_date() AS {literal(EARLIEST_DATE.isoformat())}::DATE")
    con.execute(f"CREATE OR REPLACE TEMP MACRO mkpi_latest_date() AS "
                f"{literal((latest_date or LATEST_PLANNED).isoformat())}::DATE")
    con.execute(f"CREATE OR REPLACE TEMP MACRO mkpi_latest_planned() AS {literal(LATEST_PLANNED.isoformat())}::DATE")

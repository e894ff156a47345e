"""The period's scorecards for spreadsheets: a CSV (scorecards) and an .xlsx workbook (scorecards, KPI scores,
to approve). Scores rounded to 2 decimals, flags as yes/no, text that a spreadsheet would run kept as text."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path


from pipelines.reporting.labels import value_label

# sheet → the query of its rows for one period
SHEETS = {
    "scorecards": "SELECT * FROM marts.employee_scorecards WHERE period = ? ORDER BY rank_in_team, employee_id",
    "kpi_scores": """SELECT employee_id, name, role, team, kpi, category, weight, target, actual, achievement,
                            weighted_points, data_status, formula FROM marts.kpi_scores WHERE period = ?
                     ORDER BY team, employee_id, weight DESC, kpi""",
    "to_approve": """SELECT employee_id, name, team, flag, earned_in, amount FROM marts.scorecard_flags WHERE period = ?
                     ORDER BY amount IS NULL, flag, name""",
}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def write_spreadsheets(con, period: str, out_dir: Path) -> list[Path]:
    """The CSV in English and in Chinese (flags 是/否, grades and states in Chinese), and the workbook."""
    csv_path, book_path = out_dir / f"scorecards-{period}.csv", out_dir / f"scorecards-{period}.xlsx"
    zh_path = out_dir / f"scorecards-{period}.zh.csv"
    write_csv(con, period, csv_path)
    write_csv(con, period, zh_path, "zh")
    from openpyxl import Workbook  # 0.1 s of imports, for the nights that write a closed period's file

    book = Workbook()
    book.remove(book.active)
    for name, query in SHEETS.items():
        header, rows = _rows(con, query, period)
        sheet = book.create_sheet(name)
        sheet.append(header)
        for row in rows:
            sheet.append([_xlsx_cell(v) for v in row])
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # "=HYPERLINK(…)" from a name stays text, never a formula
        sheet.freeze_panes = "A2"
    book.save(book_path)
    return [csv_path, zh_path, book_path]


def write_csv(con, period: str, path: Path, lang: str = "en") -> None:
    header, rows = _rows(con, SHEETS["scorecards"], period, lang)
    with open(path, "w", newline="", encoding="utf-8-sig") as fh:  # BOM: Excel opens Chinese names correctly
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows([spreadsheet_safe(v) for v in row] for row in rows)


def _rows(con, query: str, period: str, lang: str = "en") -> tuple[list[str], list[list]]:
    """The header (column names, as analysts query them) and the rows, each value as `lang` reads it."""
    result = con.execute(query, [period])
    header = [d[0] for d in result.description]
    return header, [[_cell(v, lang, column) for v, column in zip(row, header)] for row in result.fetchall()]


YES_NO = {"en": ("yes", "no"), "zh": ("是", "否")}
WORDED = {"grade": "grade", "status": "data_status", "data_status": "data_status"}  # column → report's value list


def _cell(value, lang: str = "en", column: str = ""):
    """A value as a spreadsheet reader wants it: a flag as yes/no (是/否), a grade or state in the reader's
    language, a score to 2 decimals (the report shows 1)."""
    if isinstance(value, bool):
        return YES_NO[lang][0] if value else YES_NO[lang][1]
    if isinstance(value, str) and lang != "en" and column in WORDED:
        return value_label(lang, WORDED[column], value)
    if isinstance(value, (float, Decimal)):
        return round(value, 2)
    return value


def _xlsx_cell(value):
    """Excel has no time zones: a timestamp is written as its UTC time."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return value


def spreadsheet_safe(value):
    """Text a spreadsheet would run as a formula (=HYPERLINK(...), +cmd, @SUM) gets a leading apostrophe,
    which Excel, LibreOffice and Google Sheets show as plain text. Numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value

"""How values read in the report and the dashboard: escaped, money with its currency, rates as
percentages, counts whole."""

from __future__ import annotations

from html import escape

from pipelines.scoring.metrics import COUNT, MONEY, PERCENT


def e(value) -> str:
    """Escape anything shown in a page: names, campaigns and formulas come from user data."""
    return escape("" if value is None else str(value))


def d(value) -> str:
    """User data (names, teams, campaigns, reasons): escaped, and marked so the language check skips it."""
    return f'<span class="data">{e(value)}</span>'


def number(value, digits: int = 2) -> str:
    return "" if value is None else f"{value:,.{digits}f}"


def percent(value, digits: int = 1) -> str:
    return "" if value is None else f"{value * 100:,.{digits}f}%"


def money(value, currency: str) -> str:
    return "" if value is None else f"{currency} {value:,.2f}"


def in_unit(value, unit: str | None, currency: str) -> str:
    """A KPI's target or actual as its unit reads: 5.5%, CNY 1,200.00, 3,000, or 4.25."""
    if value is None:
        return ""
    if unit == PERCENT:
        return percent(value)
    if unit == MONEY:
        return money(value, currency)
    if unit == COUNT or float(value).is_integer():
        return f"{value:,.0f}"
    return number(value)


def compact(value: float) -> str:
    """An axis label: 170.7k, 1.2M, 12.5."""
    size = abs(value)
    if size >= 1e6:
        return f"{value / 1e6:,.1f}M"
    if size >= 1e4:
        return f"{value / 1e3:,.1f}k"
    return f"{value:,.0f}" if size >= 100 or float(value).is_integer() else f"{value:,.2f}"

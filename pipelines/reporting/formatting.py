"""How numbers read in the report: money with its currency, rates as percentages, counts whole."""

from __future__ import annotations

from pipelines.scoring.metrics import COUNT, MONEY, PERCENT


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

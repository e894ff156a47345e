"""The canonical tables: one per kind of source file, with the columns the pipeline relies on.

A column is `required` when the file must have it and every row must fill it; other columns may
be missing from a file (they load as empty). Types are parsed leniently (thousands separators,
currency symbols, several date spellings); a value that cannot be parsed sends its row to
quarantine with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass

TEXT, DATE, TIMESTAMP, MONEY, COUNT, DECIMAL, BOOLEAN, CURRENCY = (
    "text", "date", "timestamp", "money", "count", "decimal", "boolean", "currency",
)

# Column names that carry personal data anywhere they appear; hashed before anything is stored.
EMAIL_COLUMNS = frozenset({"email", "e_mail", "email_address", "邮箱", "电子邮件"})
PHONE_COLUMNS = frozenset({"phone", "mobile", "phone_number", "mobile_phone", "tel", "telephone", "手机", "电话", "手机号"})


@dataclass(frozen=True)
class Column:
    name: str
    type: str = TEXT
    required: bool = False


@dataclass(frozen=True)
class Kind:
    name: str
    columns: tuple[Column, ...]
    description: str
    # (key, event time) of a kind whose dbt models rebuild by day: landing lists the rows that came,
    # went or changed by these (dbt_project.yml's vars mkpi_rebuilt_kinds says the same; a test checks).
    change_key: tuple[str, str] | None = None

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]


def _cols(*specs: str) -> tuple[Column, ...]:
    """'name:type!' → Column; '!' marks a required column."""
    out = []
    for spec in specs:
        name, _, typ = spec.partition(":")
        required = typ.endswith("!")
        out.append(Column(name, typ.rstrip("!") or TEXT, required))
    return tuple(out)


KINDS: dict[str, Kind] = {
    k.name: k
    for k in [
        Kind("ad_spend", _cols(
            "date:date!", "platform:text!", "account_id", "campaign_id", "campaign_name:text!",
            "utm_campaign", "impressions:count", "clicks:count", "spend:money!", "currency:currency!",
        ), "Daily ad cost and delivery per campaign, from any ad platform."),
        Kind("ad_spend_totals", _cols(
            "date:date!", "platform:text!", "account_id:text!", "impressions:count", "clicks:count", "spend:money!",
            "currency:currency!",
        ), "Daily ad cost per account as the platform's account-level report states it; proves ad_spend's rows."),
        Kind("sessions", _cols(
            "session_id:text!", "started_at:timestamp!", "visitor_id", "landing_url", "referrer",
            "utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term",
        ), "One row per web session from the analytics tool.", ("session_id", "started_at")),
        Kind("traffic_daily", _cols(
            "date:date!", "source:text!", "medium", "campaign", "sessions:count!", "conversions:count",
        ), "Sessions per day, source, medium and campaign (GA4 runReport); used on days without session rows."),
        Kind("leads", _cols(
            "lead_id:text!", "created_at:timestamp!", "visitor_id", "lead_source",
            "utm_source", "utm_medium", "utm_campaign", "status",
        ), "CRM leads (contacts) with their own UTM fields.", ("lead_id", "created_at")),
        Kind("orders", _cols(
            "order_id:text!", "lead_id:text!", "ordered_at:timestamp!", "amount:money!",
            "currency:currency!", "status",
        ), "CRM orders or won deals, linked to the lead that became the customer."),
        Kind("social_accounts", _cols(
            "date:date!", "platform:text!", "account:text!", "followers:count",
            "new_followers:count", "lost_followers:count",
        ), "Daily follower figures per social account."),
        Kind("content", _cols(
            "content_id:text!", "platform", "account", "published_at:timestamp", "author",
            "is_original:boolean", "reads:count", "likes:count", "comments:count", "shares:count",
        ), "Published content items and their engagement."),
        Kind("fx_rates", _cols(
            "date:date!", "currency:currency!", "rate_to_reporting:decimal!",
        ), "Exchange rates: one unit of `currency` is worth `rate_to_reporting` reporting-currency units."),
        Kind("roster", _cols(
            "employee_id:text!", "name", "role:text!", "team",
        ), "The marketing team: who is who, in which role and team."),
        Kind("ownership", _cols(
            "employee_id:text!", "scope:text!", "value:text!", "share:decimal",
        ), "Which channels, campaigns, content authors or teams a person answers for."),
        Kind("targets", _cols(
            "employee_id:text!", "kpi:text!", "target:decimal!", "effective_from:date!", "reason",
        ), "Per-person KPI targets from a date, kept by the lead in a spreadsheet (override kpi.yml's)."),
        Kind("manual_scores", _cols(
            "period:text!", "employee_id:text!", "kpi:text!", "value:decimal!", "reason",
        ), "Scores entered by a lead: behaviour ratings, adopted proposals, special contributions."),
    ]
}

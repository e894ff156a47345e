"""Personal data is hashed before anything is stored, by one rule for export files (in SQL) and API
pages (in Python): which columns are personal, how a value is normalized, and that an empty value
stays empty (NULL) rather than becoming the hash of nothing."""

from __future__ import annotations

import hashlib
import re

from connectors.kinds import EMAIL_COLUMNS, PHONE_COLUMNS
from connectors.sql_text import ident, literal

EMAIL, PHONE = "email", "phone"
EMAIL_IN_TEXT = re.compile(r"[^\s,;\"'<>]+@[^\s,;\"'<>]+\.[A-Za-z]{2,}")
NOT_PHONE_CHARACTERS = "[^0-9+]"


def pii_kind(column: str) -> str | None:
    """EMAIL, PHONE or None for a column or field name, however a platform spells it: the listed names,
    anything ending in "email" (work_email) and anything containing "phone" (mobile_phone, mobilephone)."""
    name = column.strip().lower()
    if name in EMAIL_COLUMNS or name.endswith("email"):
        return EMAIL
    if name in PHONE_COLUMNS or "phone" in name:
        return PHONE
    return None


def _normalized(kind: str, value: str) -> str | None:
    value = value.strip()
    value = re.sub(NOT_PHONE_CHARACTERS, "", value) if kind == PHONE else value.lower()
    return value or None


def hash_personal_value(column: str, value: str | None, salt: str) -> str | None:
    """The salted SHA-256 (hex) of a personal value, None when empty; the same digest as `pii_sql`."""
    kind = pii_kind(column)
    normalized = _normalized(kind, value) if kind and value is not None else None
    return hashlib.sha256((salt + normalized).encode("utf-8")).hexdigest() if normalized else None


def pii_sql(column: str, salt: str) -> str | None:
    """The SQL expression hashing a personal column the way `hash_personal_value` does; None when the
    column is not personal."""
    kind = pii_kind(column)
    if kind is None:
        return None
    value = f"trim({ident(column)})"
    value = (f"regexp_replace({value}, {literal(NOT_PHONE_CHARACTERS)}, '', 'g')" if kind == PHONE
             else f"lower({value})")
    return f"sha256({literal(salt)} || nullif({value}, ''))"


def scrub(value, salt: str, key: str = ""):
    """A parsed JSON document with personal fields hashed and stray e-mail addresses removed."""
    if isinstance(value, dict):
        return {k: scrub(v, salt, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub(v, salt, key) for v in value]
    if isinstance(value, str):
        if pii_kind(key):
            return hash_personal_value(key, value, salt)
        return EMAIL_IN_TEXT.sub("[e-mail removed]", value)
    return value

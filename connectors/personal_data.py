"""Personal data is hashed before anything is stored: the same salted SHA-256 for files and API pages."""

from __future__ import annotations

import hashlib
import re

from connectors.kinds import EMAIL_COLUMNS, PHONE_COLUMNS

EMAIL_IN_TEXT = re.compile(r"[^\s,;\"'<>]+@[^\s,;\"'<>]+\.[A-Za-z]{2,}")
# API field names that carry the same data under the platforms' own spellings (HubSpot: mobilephone).
API_PII_FIELDS = EMAIL_COLUMNS | PHONE_COLUMNS | {"mobilephone", "work_email"}


def hash_personal_value(column: str, value: str, salt: str) -> str:
    """The digest landing computes in SQL (`landing._pii_expr`), for values handled in Python."""
    value = value.strip()
    value = re.sub(r"[^0-9+]", "", value) if column in PHONE_COLUMNS or "phone" in column else value.lower()
    return hashlib.sha256((salt + value).encode("utf-8")).hexdigest()


def scrub(value, salt: str, key: str = ""):
    """A parsed JSON document with personal fields hashed and stray e-mail addresses removed."""
    if isinstance(value, dict):
        return {k: scrub(v, salt, str(k).lower()) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub(v, salt, key) for v in value]
    if isinstance(value, str):
        if key in API_PII_FIELDS and value.strip():
            return hash_personal_value(key, value, salt)
        return EMAIL_IN_TEXT.sub("[e-mail removed]", value)
    return value

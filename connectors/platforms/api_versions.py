"""The API versions the connectors call, and the dates the platforms said they stop answering them.

A platform switches a version off on a set day and every request to it fails from then on, so the
versions are one table here, read by the connectors (their default) and by `mkpi sources check`,
which warns WARN_DAYS ahead of a version's end and fails past it, saying what to change. Only dates
the vendor published are listed; a version without one has no end announced. Sources:

- Google Ads: developers.google.com/google-ads/api/docs/sunset-dates and the sunset reminders on the
  Ads developer blog (v20: 10 June 2026, v21: 5 August 2026, v22: 7 October 2026); v26 released
  14 October 2026. Google projects about a year per major version but dates only announce nearer.
- Meta Marketing API: developers.facebook.com/documentation/ads-commerce/marketing-api/
  marketing-api-changelog/versions (v23.0: 9 June 2026, v24.0: 10 November 2026, v25.0: 23 February
  2027; v26.0 and v27.0, released 29 July and 4 November 2026, to be announced).
- Tencent Marketing API: developers.e.qq.com (3.0 is current; v1.3 has no end date announced, but its
  campaign level misses the ads created in 3.0, so 3.0 is the default).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

WARN_DAYS = 60

# source type → the version mkpi calls unless sources.yml pins another (api_version)
DEFAULTS = {"google_ads": "v26", "meta_ads": "v27.0", "tencent_ads": "v3.0"}
NAMES = {"google_ads": "Google Ads API", "meta_ads": "Meta Marketing API", "tencent_ads": "Tencent Marketing API"}

# (source type, version) → the day it stops answering
SUNSETS = {
    ("google_ads", "v20"): dt.date(2026, 6, 10),
    ("google_ads", "v21"): dt.date(2026, 8, 5),
    ("google_ads", "v22"): dt.date(2026, 10, 7),
    ("meta_ads", "v23.0"): dt.date(2026, 6, 9),
    ("meta_ads", "v24.0"): dt.date(2026, 11, 10),
    ("meta_ads", "v25.0"): dt.date(2027, 2, 23),
}


@dataclass(frozen=True)
class VersionStatus:
    level: str  # ok, warn or fail
    text: str


def status(source_type: str, version: str | None, today: dt.date) -> VersionStatus | None:
    """What `mkpi sources check` says of the version a source calls (None for a platform without a table)."""
    if source_type not in DEFAULTS:
        return None
    version = version or DEFAULTS[source_type]
    name, ends = NAMES[source_type], SUNSETS.get((source_type, version))
    change = (f"remove api_version from sources.yml to use mkpi's {DEFAULTS[source_type]}"
              if version != DEFAULTS[source_type] else "upgrade mkpi, or set a newer api_version in sources.yml")
    if ends is None:
        return VersionStatus("ok", f"{name} {version}, no end date announced")
    days = (ends - today).days
    if days <= 0:
        return VersionStatus("fail", f"{name} {version} was switched off on {ends}: every request fails; {change}")
    if days <= WARN_DAYS:
        return VersionStatus("warn", f"{name} {version} is switched off on {ends}, in {days} days: {change}")
    return VersionStatus("ok", f"{name} {version}, answered until {ends}")

"""Every connector, by the `type:` a sources.yml source names: the one table sources.yml's checks,
pulling, `mkpi sources check`, sources.example.yml and docs/connectors.md are read from or tested
against. A connector is a module of connectors/platforms with a CONNECTOR; nothing else lists it.
The modules are imported on first use, not with this one (a night without API sources never needs
them)."""

from __future__ import annotations

import functools
import importlib
import pkgutil

from connectors import platforms
from connectors.source_options import Connector


@functools.cache
def connectors() -> dict[str, Connector]:
    found = {}
    for module in sorted(m.name for m in pkgutil.iter_modules(platforms.__path__)):
        declared = getattr(importlib.import_module(f"{platforms.__name__}.{module}"), "CONNECTOR", None)
        if declared is not None:
            found[declared.type] = declared
    return found

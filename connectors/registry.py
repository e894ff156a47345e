"""Every connector, by the `type:` a sources.yml source names: the one table sources.yml's checks,
pulling, `mkpi sources check`, sources.example.yml and docs/connectors.md are read from or tested
against. A new connector is one module with its CONNECTOR, listed here."""

from __future__ import annotations

from connectors.platforms import (baidu_marketing, ga4, google_ads, hubspot, json_api, meta_ads, ocean_engine,
                                  tencent_ads, wechat_oa)
from connectors.source_options import Connector

CONNECTORS: dict[str, Connector] = {module.CONNECTOR.type: module.CONNECTOR for module in (
    google_ads, meta_ads, hubspot, ga4, ocean_engine, tencent_ads, baidu_marketing, wechat_oa, json_api)}

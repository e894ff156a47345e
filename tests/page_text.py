"""The words a page says itself, for the check that a Chinese page has no English label left."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser


class LabelText(HTMLParser):
    """The page's own words: every text outside user data (class "data") and computation traces (class
    "formula", quoted mart columns), and outside the style sheet."""

    SKIP = ("data", "formula")

    def __init__(self):
        super().__init__()
        self.stack, self.words, self.svg = [], [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("meta", "br", "img", "rect", "circle", "polyline"):
            return
        attrs = dict(attrs)
        self.svg += tag == "svg"
        # The style sheet and the sorting script; a chart's hover text (an SVG title) names the user's
        # channels and campaigns; a link naming the other language is written in it (lang="…").
        self.stack.append(tag in ("style", "script") or (tag == "title" and self.svg > 0)
                          or (tag != "html" and "lang" in attrs)
                          or any(c in self.SKIP for c in (attrs.get("class") or "").split()))

    def handle_endtag(self, tag):
        if tag not in ("meta", "br", "img", "rect", "circle", "polyline") and self.stack:
            self.svg -= tag == "svg"
            self.stack.pop()

    def handle_data(self, text):
        if not any(self.stack):
            self.words += re.findall(r"[A-Za-z_]{2,}", unescape(text))


ACRONYMS = {"KPI", "CPL", "CAC", "ROI", "ROAS", "CTR", "CPC", "CSV", "SEM", "SEO", "USD", "UTM", "ID"}  # read as such in Chinese marketing teams

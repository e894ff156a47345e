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
        self.stack, self.words = [], []

    def handle_starttag(self, tag, attrs):
        if tag in ("meta", "br", "img", "rect", "circle", "polyline"):
            return
        classes = (dict(attrs).get("class") or "").split()
        self.stack.append(tag == "style" or any(c in self.SKIP for c in classes))

    def handle_endtag(self, tag):
        if tag not in ("meta", "br", "img", "rect", "circle", "polyline") and self.stack:
            self.stack.pop()

    def handle_data(self, text):
        if not any(self.stack):
            self.words += re.findall(r"[A-Za-z_]{2,}", unescape(text))


ACRONYMS = {"KPI", "CPL", "CAC", "ROI", "CTR", "SEM", "SEO", "USD"}  # read as such in Chinese marketing teams

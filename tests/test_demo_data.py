"""The demo organisation: deterministic, realistic formats, and the planted defects present."""

from __future__ import annotations

import datetime as dt
import filecmp

from pipelines.sources.demo_data import generate

END = dt.date(2026, 10, 31)


def test_same_seed_same_files_other_seed_other_files(tmp_path):
    generate(tmp_path / "a", seed=3, days=20, end_date=END)
    generate(tmp_path / "b", seed=3, days=20, end_date=END)
    generate(tmp_path / "c", seed=4, days=20, end_date=END)
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    match, mismatch, errors = filecmp.cmpfiles(tmp_path / "a", tmp_path / "b", names, shallow=False)
    assert (mismatch, errors) == ([], []) and len(match) == len(names) >= 12
    assert not filecmp.cmp(tmp_path / "a" / "sessions.csv", tmp_path / "c" / "sessions.csv", shallow=False)


def test_formats_and_planted_defects(tmp_path):
    counts = generate(tmp_path, seed=7, days=30, end_date=END)
    assert counts["sessions"] > 15_000 and counts["leads"] > 100 and counts["orders"] > 20
    baidu = (tmp_path / "ad_spend_baidu_sem.csv").read_bytes()
    assert "品牌词".encode("gb18030") in baidu and "¥".encode("gb18030") in baidu
    sessions = (tmp_path / "sessions.csv").read_text(encoding="utf-8")
    assert "utm_campaign=spring_sael" in sessions  # the typo
    assert "?gclid=" in sessions and "?fbclid=" in sessions  # tags lost
    orders = (tmp_path / "orders.csv").read_text(encoding="utf-8")
    assert ",refunded" in orders and ",CNY," in orders
    assert "N/A" in (tmp_path / "ad_spend_meta_ads.csv").read_text()  # the malformed row

"""Headless Chromium from the OS packages (`make test` installs it): render a page, read its console and DOM,
take a screenshot."""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib
from pathlib import Path

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


def chromium() -> str:
    path = shutil.which("chromium")
    assert path, "chromium is not installed: run `make test` (it installs Debian's chromium) or apt-get install chromium"
    return path


def render(page: Path, profile: Path) -> tuple[str, list[str]]:
    """The DOM after loading `page`, and every console message it produced."""
    result = subprocess.run([chromium(), *FLAGS, f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0",
                             "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120)
    return result.stdout, [line for line in result.stderr.splitlines() if ":CONSOLE" in line]


def screenshot(page: Path, png: Path, profile: Path, size: str = "1200,1600") -> None:
    subprocess.run([chromium(), *FLAGS, f"--user-data-dir={profile}", f"--window-size={size}",
                    f"--screenshot={png}", page.as_uri()], capture_output=True, timeout=120, check=True)


def ink_share(png: Path) -> float:
    """The share of image bytes that are not white: 0 for a blank page."""
    data = png.read_bytes()
    pos, idat = 8, b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == b"IDAT":
            idat += data[pos + 8:pos + 8 + length]
        pos += 12 + length
    raw = zlib.decompress(idat)
    return sum(1 for b in raw if b not in (0, 255)) / len(raw)

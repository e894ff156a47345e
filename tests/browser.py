"""Headless Chromium from the OS packages (`make test` installs it): render a page, read its console and DOM,
take a screenshot."""

from __future__ import annotations

import re
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
    return render_url(page.as_uri(), profile)


def render_url(url: str, profile: Path, size: str = "1200,1600") -> tuple[str, list[str]]:
    """The DOM after loading `url` (its scripts run) in a window of `size`, and the console's messages."""
    result = subprocess.run([chromium(), *FLAGS, f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0",
                             f"--window-size={size}", "--dump-dom", url], capture_output=True, text=True, timeout=120)
    return result.stdout, [line for line in result.stderr.splitlines() if ":CONSOLE" in line]


def page_width(page: Path, width: int, tmp: Path) -> int:
    """How wide `page` lays out in a frame `width` pixels wide (a phone is narrower than headless Chromium's
    smallest window, 500 px): the frame's document scroll width, written into the DOM by a probe page."""
    probe = page.with_name(f"probe-{width}-{page.name}")
    probe.write_text(f'''<html><body style="margin:0"><iframe id="f" src="{page.name}" style="width:{width}px;height:900px;border:0">
        </iframe><script>document.getElementById("f").onload = function () {{
        document.body.setAttribute("data-width", this.contentDocument.documentElement.scrollWidth); }};</script>
        </body></html>''', encoding="utf-8")
    try:
        result = subprocess.run([chromium(), *FLAGS, f"--user-data-dir={tmp / 'profile'}", "--allow-file-access-from-files",
                                 "--virtual-time-budget=5000", "--window-size=1600,1000", "--dump-dom", probe.as_uri()],
                                capture_output=True, text=True, timeout=120)
    finally:
        probe.unlink()
    return int(re.search(r'data-width="(\d+)"', result.stdout).group(1))


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

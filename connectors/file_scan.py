"""Fast passes over a source file's bytes: which encoding it is in, and where its blank lines are.

DuckDB reads UTF-8 only and skips blank lines, so the loader transcodes every other encoding to a
UTF-8 copy first and needs the physical lines that hold no record, for exact line numbers.

Encodings, most certain first: a byte-order mark (UTF-8, UTF-16); valid UTF-8; then a legacy
code page. GB18030 decodes most byte sequences, Western European text included ("Crème" reads as
"Cr鑝e"), so it is taken only when the characters it yields are common Chinese ones; otherwise
Windows-1252 (Latin-1 where 1252 has no character for a byte). A guess that could be wrong comes
with a note, and `files.encodings` in mkpi.yml overrides the guess for a file pattern.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from pathlib import Path

CHUNK = 64 * 1024 * 1024
_ASCII = bytes(range(128))
_BLANK_LINE = re.compile(rb"\n[ \t\r]*(?=\n)")
UTF8_BOM = codecs.BOM_UTF8
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
UTF8 = ("utf-8", "utf-8-sig")
# Share of the characters GB18030 yields that must be common (GB2312) Chinese to call a file Chinese.
GB_SURE, GB_LIKELY = 0.9, 0.6
LATIN_END = 0x24F


@dataclass
class Encoding:
    name: str  # a Python codec name: utf-8, utf-8-sig, utf-16, gb18030, cp1252, latin-1 or an override
    note: str | None = None  # set when the guess could be wrong


@dataclass
class FileScan:
    path: Path
    blank_lines: list[int] = field(default_factory=list)  # 1-based physical line numbers


def detect_encoding(path: Path) -> Encoding:
    with open(path, "rb") as fh:
        head = fh.read(4)
    if head.startswith(UTF8_BOM):
        return Encoding("utf-8-sig")
    if head.startswith(UTF16_BOMS):
        return Encoding("utf-16")
    bad, good = _utf8_damage(path)
    # A UTF-8 file with a few damaged bytes still has many valid multibyte characters; a legacy
    # code page fails UTF-8 on nearly every non-ASCII character.
    if bad == 0 or good > bad:
        return Encoding("utf-8")
    return _legacy_encoding(path)


def _utf8_damage(path: Path) -> tuple[int, int]:
    """(undecodable sequences, valid non-ASCII characters) when read as UTF-8, judged on the first
    block that has any non-ASCII byte: one block tells a code page from UTF-8 (bench: sessions files
    of several GB are never decoded twice)."""
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            if not len(chunk.translate(None, _ASCII)):
                continue
            text = decoder.decode(chunk, final=len(chunk) < CHUNK)
            bad = text.count("\ufffd")
            return bad, len(text) - len(text.encode("ascii", "ignore")) - bad
    return 0, 0


def _legacy_encoding(path: Path) -> Encoding:
    data = path.read_bytes()  # only legacy exports come here: Excel files of modest size
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = None
    if text is not None:
        share = _common_chinese_share(text)
        if share >= GB_SURE:
            return Encoding("gb18030")
        if share >= GB_LIKELY:
            return Encoding("gb18030", f"read as GB18030 (Chinese), but {1 - share:.0%} of its non-ASCII characters "
                                       "are rare ones; if the text looks wrong, set files.encodings in mkpi.yml")
    western = "cp1252" if _decodes(data, "cp1252") else "latin-1"
    label = "Windows-1252" if western == "cp1252" else "Latin-1"
    return Encoding(western, f"not UTF-8: read as {label} (Western European); if accents or Chinese look wrong, "
                             "save it as UTF-8 or set files.encodings in mkpi.yml")


def _common_chinese_share(text: str) -> float:
    # Latin letters and signs (¥, é) come from GB18030's four-byte codes, which a misread Western file
    # rarely forms; judge by the two-byte characters.
    chars = [c for c in text if ord(c) > LATIN_END]
    if not chars:
        return 0.0
    common = sum(1 for c in chars if _in_gb2312(c))
    return common / len(chars)


def _in_gb2312(char: str) -> bool:
    try:
        char.encode("gb2312")
        return True
    except UnicodeEncodeError:
        return False


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def scan_lines(path: Path) -> FileScan:
    """The blank lines of a file, which DuckDB's reader skips without counting them: one pass with
    substring search in the common case of none. (Damaged bytes need no scan: DuckDB rejects those
    lines and they are quarantined with their line number.)"""
    if _no_blank_line(path):
        return FileScan(path)
    return _scan_slowly(path)


def _no_blank_line(path: Path) -> bool:
    tail = b""  # from the previous chunk's last newline: a blank line may start there
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            first = chunk.find(b"\n")
            if _BLANK_LINE.search(chunk) or _BLANK_LINE.search(tail + (chunk[:first + 1] if first >= 0 else chunk)):
                return False
            cut = chunk.rfind(b"\n")
            tail = chunk[cut:] if cut >= 0 else tail + chunk
    return True


def _scan_slowly(path: Path) -> FileScan:
    blank: list[int] = []
    line_base = 1
    with open(path, "rb") as fh:
        carry = b""
        while True:
            chunk = fh.read(CHUNK)
            if not chunk and not carry:
                break
            data = carry + chunk
            # Keep the tail after the last newline for the next round so lines never split.
            cut = data.rfind(b"\n") + 1 if chunk else len(data)
            body, carry = data[:cut], data[cut:]
            pos, line_no = 0, line_base
            for m in _BLANK_LINE.finditer(body):
                line_no += body.count(b"\n", pos, m.start())
                pos = m.start()
                blank.append(line_no + 1)
            line_base = line_no + body.count(b"\n", pos)
            if not chunk:
                break
    return FileScan(path, blank)


def transcode_to_utf8(src: Path, dst: Path, encoding: str) -> None:
    """Rewrite `src` as UTF-8 into `dst`, streaming so large exports never sit in memory. Raises
    UnicodeDecodeError when `src` is not in `encoding`."""
    with open(src, "r", encoding=encoding, newline="") as fin, open(dst, "w", encoding="utf-8", newline="") as fout:
        while block := fin.read(CHUNK // 4):
            fout.write(block)

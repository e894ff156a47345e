"""One fast pass over a source file's bytes: which encoding it is in and where its blank lines are.

DuckDB reads UTF-8 only and skips blank lines, so the pass tells the loader whether to transcode
(GB18030/GBK exports from Excel) and which physical lines hold no record, for exact line numbers.
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


@dataclass
class FileScan:
    path: Path
    encoding: str  # "utf-8", "utf-8-sig" or "gb18030"
    blank_lines: list[int] = field(default_factory=list)  # 1-based physical line numbers
    damaged_utf8: bool = False  # some bytes are not UTF-8: those lines will be quarantined


def scan_file(path: Path) -> FileScan:
    """Classify the encoding and find blank lines, reading the file in large chunks."""
    if _plain_utf8(path):
        with open(path, "rb") as fh:
            has_bom = fh.read(len(UTF8_BOM)) == UTF8_BOM
        return FileScan(path, "utf-8-sig" if has_bom else "utf-8")
    return _classify(path)


def _plain_utf8(path: Path) -> bool:
    """The common case, at C speed: valid UTF-8 without a single blank line."""
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    tail = b""  # a blank line starting in the previous chunk starts at its last newline
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                return False
            if _BLANK_LINE.search(tail + chunk):
                return False
            cut = chunk.rfind(b"\n")
            tail = chunk[cut:] if cut >= 0 else tail + chunk
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _classify(path: Path) -> FileScan:
    """The slow path: count valid and invalid multibyte text to tell GB18030 from damaged UTF-8."""
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    bad = good_non_ascii = 0
    blank: list[int] = []
    line_base = 1
    has_bom = False
    with open(path, "rb") as fh:
        first = True
        carry = b""
        while True:
            chunk = fh.read(CHUNK)
            if first:
                has_bom = chunk.startswith(UTF8_BOM)
                first = False
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
            if len(body.translate(None, _ASCII)):
                text = decoder.decode(body)
                n_bad = text.count("\ufffd")
                bad += n_bad
                good_non_ascii += len(text) - len(text.encode("ascii", "ignore")) - n_bad
            if not chunk:
                break
    if bad == 0:
        return FileScan(path, "utf-8-sig" if has_bom else "utf-8", blank)
    # Real GBK text fails UTF-8 on nearly every Chinese character; a UTF-8 file with a few
    # damaged bytes still has many valid multibyte characters. Only the former is transcoded.
    if good_non_ascii <= bad and _decodes(path, "gb18030"):
        return FileScan(path, "gb18030", blank)
    return FileScan(path, "utf-8", blank, damaged_utf8=True)


def _decodes(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def transcode_to_utf8(src: Path, dst: Path, encoding: str) -> None:
    """Rewrite `src` as UTF-8 into `dst`, streaming so large exports never sit in memory."""
    with open(src, "r", encoding=encoding, newline="") as fin, open(dst, "w", encoding="utf-8", newline="") as fout:
        while block := fin.read(CHUNK // 4):
            fout.write(block)

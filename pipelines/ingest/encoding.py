"""Decode input bytes into text, and say which encoding was used.

Order of evidence: a byte-order mark; strict UTF-8; UTF-16 recognised by its
NUL pattern; GB18030 (the superset of GBK/GB2312, used by many Chinese
government sites); finally charset-normalizer's best guess. Files with NUL
bytes that are not UTF-16 are binary.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from pipelines.lang.zh.script import HAN
from pipelines.records import InputError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Characters we expect in a readable document: CJK, ASCII letters and digits,
# whitespace and common punctuation. Used to judge a non-UTF-8 decode.
_READABLE = re.compile(rf"[{HAN}\u3000-\u303f\uff00-\uffef\w\s\"'“”‘’.,;:!?()\-—%/]")


def _readable_ratio(text: str) -> float:
    if not text:
        return 0.0
    sample = text[:20000]
    return len(_READABLE.findall(sample)) / len(sample)


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text without BOM has NULs on every other byte for ASCII/CJK."""
    if len(data) < 4 or len(data) % 2:
        return None
    even_nuls = data[0::2].count(0)
    odd_nuls = data[1::2].count(0)
    half = len(data) // 2
    for enc, nuls in (("utf-16-le", odd_nuls), ("utf-16-be", even_nuls)):
        if nuls > 0.2 * half:
            try:
                text = data.decode(enc)
            except UnicodeDecodeError:
                continue
            if _readable_ratio(text) > 0.9:
                return enc
    return None


def decode_bytes(data: bytes, name: str) -> tuple[str, str]:
    """Return `(text, encoding)` or raise InputError naming the reason.

    >>> decode_bytes("政府工作报告".encode("gb18030"), "x.txt")
    ('政府工作报告', 'gb18030')
    """
    if not data.strip():
        raise InputError(f"{name}: empty file")
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc), ("utf-8-sig" if enc == "utf-8-sig" else enc)
            except UnicodeDecodeError as exc:
                raise InputError(f"{name}: has a {enc} byte-order mark but is not valid {enc} ({exc.reason} at byte {exc.start})") from exc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if b"\x00" in data:
        enc = _utf16_without_bom(data)
        if enc:
            return data.decode(enc), enc
        raise InputError(f"{name}: binary file (contains NUL bytes and is not UTF-16 text)")
    try:
        text = data.decode("gb18030")
        if _readable_ratio(text) > 0.9:
            return text, "gb18030"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is not None and best.encoding:
        text = str(best)
        if _readable_ratio(text) > 0.9:
            return text, codecs.lookup(best.encoding).name
    raise InputError(f"{name}: undecodable (not UTF-8, UTF-16 or GB18030, and no other encoding gives readable text)")

"""Chinese script: the Han character ranges, and traditional to simplified.

Every module that asks "is this a Chinese character?" uses `HAN` (a regex
character-class body), so cleaning, task markers, entities and terms agree.

>>> re.fullmatch(f"[{HAN}]+", "新质生产力") is not None
True
>>> simplified("工業總產值")
'工业总产值'
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

# CJK Unified Ideographs, Extension A, Compatibility Ideographs, Extensions B–G.
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
HAN_RE = re.compile(f"[{HAN}]")
HAN_RUN_RE = re.compile(f"[{HAN}]+")
# A web address or a percent-encoded stretch: ASCII only, so `详见https://www.gov.cn/a.html。今年增长5%`
# ends at the `。` and the figure after it stays a figure.
URL_RE = re.compile(r"(?:https?://|www\.)[!-~]+|[A-Za-z0-9./_-]*(?:%[0-9A-Fa-f]{2}){2,}[!-~]*")
_PERCENT_PAIR = re.compile(r"%[0-9A-Fa-f]{2}%[0-9A-Fa-f]{2}")


def find_urls(text: str, pos: int = 0, endpos: int | None = None) -> list[re.Match]:
    """`URL_RE`'s matches in `text[pos:endpos]`. The pattern can start at any character, so
    its scan tries every one (0.06 s of the national corpus each time); a text without
    `://`, `www.` or two percent-encoded bytes (`%E4%B8`), as most are, has none, which
    `in` and a scan for `%` tell in microseconds."""
    end = len(text) if endpos is None else endpos
    if "://" not in text and "www." not in text and not _PERCENT_PAIR.search(text):
        return []
    return list(URL_RE.finditer(text, pos, end))


def is_han(s: str) -> bool:
    """True when `s` is one or more Han characters and nothing else."""
    return bool(s) and HAN_RUN_RE.fullmatch(s) is not None


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def simplified(s: str | None) -> str | None:
    """`s` in simplified characters (OpenCC t2s): subjects and entity normal
    forms use them, so 1957's `工業总产值` matches 2024's `工业总产值`. Short strings (names,
    subjects: the same few thousand over and over) are converted once each."""
    if not s:
        return s
    return _simplified_short(s) if len(s) <= 32 else _t2s().convert(s)


@lru_cache(maxsize=65536)
def _simplified_short(s: str) -> str:
    return _t2s().convert(s)


# Characters only traditional script writes (國 for 国, 會 for 会...): a text with many of them
# is segmented, recognised and read for figures in simplified characters (`analysis_text`).
_TRADITIONAL = re.compile("[國會們這個為說與發經濟業產對區學時從實現進關於開東車門長義書歲億萬貫徹務農總並機]")


def analysis_text(text: str) -> str:
    """`text` in simplified characters where it is written in traditional ones (the 1954
    and 1957 reports, the 三大 report), so jieba's dictionary, the gazetteers, the entity
    model and the numeral reader, all simplified, know its words; otherwise `text` itself.
    Only where OpenCC's t2s keeps every offset (it converts character for character here),
    so token, entity and figure offsets hold for the text as given; a simplified text
    quoting a few traditional characters (under one in a thousand) is left as it is."""
    n = len(_TRADITIONAL.findall(text, 0, 20000))
    if n < 5 or n * 1000 < min(len(text), 20000):
        return text
    out = simplified(text)
    return out if len(out) == len(text) else text


def finditer_cued(pattern: re.Pattern, cue: re.Pattern, text: str) -> Iterator[re.Match]:
    """`pattern.finditer(text)`, the same matches, tried only where `cue` matches.

    Python's `re` scans for a pattern's first character in C when the pattern opens with
    a literal or a set of them; one that opens with a lookbehind or an optional part is
    tried at every character of the text (each figure pattern, 0.04-0.09 s of the
    national corpus). `cue` opens with a literal or a set and matches wherever a match
    of `pattern` can start (a necessary condition, `[0-9]{4}年` for a date): from each
    place it finds, `pattern.match` is tried, and a match resumes the search at its end,
    as `finditer` does. Lookbehinds see the text before each place, as in `finditer`.
    `pattern`'s matches are all non-empty, or all empty (a lookahead alone, which
    `finditer` finds at every place it holds)."""
    pos = 0
    while (c := cue.search(text, pos)) is not None:
        m = pattern.match(text, c.start())
        if m is None:
            pos = c.start() + 1
        else:
            yield m
            pos = m.end() if m.end() > m.start() else m.start() + 1

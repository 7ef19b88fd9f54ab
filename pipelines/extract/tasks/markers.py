"""Markers of enumerated units, and lead sentences that stand for them.

A marker's *style* names its list (`(N)`, `N是`, `第N，`, … see
`marker_style`): ordinals count within one style. Lead sentences are read with
the word lists in `pipelines/data/task_lead_words.txt`, and the salutations
that turn to a report's closing topics with `task_salutations.txt`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pipelines.lang.zh import lexicon
from pipelines.lang.zh.lexicon import alternation
from pipelines.lang.zh.numerals import CN_SMALL, ascii_digits, ordinal
from pipelines.lang.zh.script import HAN

_CN = CN_SMALL


def _cn_int(s: str) -> int:
    """`三` -> 3, `十二` -> 12, `二十三` -> 23; 0 for what is not an ordinal."""
    return ordinal(s) or 0


_N = rf"[{_CN}]{{1,3}}"
_D = r"[0-9０-９]{1,2}"
# Shapes shared by paragraph-start and inline markers.
_ITEM = (
    rf"(?P<di>第(?P<di_n>{_N})(?:[，,、：:](?!第?[{_CN}]+[、，,])|(?P<di_shi>是)))"
    rf"|(?P<shi>(?P<shi_n>{_N})(?P<shi_w>[是要]))"
)
_SECTION = rf"(?P<sec>[（(](?P<sec_n>{_N})[）)])"
_PNUM = rf"(?P<pnum>[（(](?P<pnum_n>{_D})[）)])"
_CIRC = r"(?P<circ>[①-⑳])"

# At the start of a paragraph (after indentation and an optional `### `).
# Laws, regulations and plan outlines: 第一篇 / 第一部分, 第一章, 第一节, 第一条
# (the number may run past ten: 第七十八条), followed by a blank or the end of the line.
_ORDER = "[一二三四五六七八九十百零〇]{1,6}"
_DIVISION = rf"(?P<div>第(?P<div_n>{_ORDER})(?P<div_k>篇|部分|章|节|条))(?=[ \t\u3000]|$)"
DIVISION_KIND = {"篇": "part", "部分": "part", "章": "chapter", "节": "section", "条": "article"}
BULLETS = "■●◆▲"

BLOCK_RE = re.compile(
    rf"{_DIVISION}"
    rf"|(?P<part>(?P<part_n>{_N})[、．.](?![{_CN}]+[、，,]|两))"
    rf"|{_SECTION}|{_PNUM}"
    rf"|(?P<num>(?P<num_n>{_D})(?:[.．](?![0-9０-９])|、(?![0-9０-９])))"
    rf"|{_CIRC}|{_ITEM}"
    r"|(?P<first>首先[，,]?)"   # stands for 第一，/一是 when 第二，/二是 follows (十一大, 1955)
    rf"|(?P<bullet>—{{2,}}|―{{2,}}|─{{2,}}|--(?!-)|[{BULLETS}])"
)
# Inside a paragraph, right after a sentence end.
# After a comma only ordinal words count: `深化企业改革，一要…` (1988).
INLINE_RE = re.compile(rf"(?<=[。；;：:！!？?，,])(?:{_ITEM}|{_SECTION}|{_PNUM}|{_CIRC}|(?P<first>首先[，,]?))")

RULE_RE = re.compile(r"[ \t]*(?:[-*_][ \t]*){3,}$")
# URLs and percent-encoded paths (ASCII only, so no scan runs over Chinese text).
SENTENCE_END_RE = re.compile(r"[。；;！!？?]")


LEAD_ROLES = ("adverb", "verb", "not", "stop")


def lead_word_lists() -> dict[str, list[str]]:
    """The words of `data/task_lead_words.txt` by role (`adverb`, `verb`, `not`, `stop`); the
    entity rules read its verbs and adverbs too (a list's first name starts after them). Not
    cached: its callers cache what they build from it, and clearing theirs rereads the file."""
    return lexicon.keyed(lexicon.path_of("task_lead_words.txt"), LEAD_ROLES)


@lru_cache(maxsize=1)
def lead_words() -> tuple[re.Pattern, re.Pattern | None, re.Pattern | None]:
    """(opener, not-opener, stop-word) patterns from `data/task_lead_words.txt`."""
    words = lead_word_lists()
    opener = re.compile(rf"(?:(?:{alternation(words['adverb'])})地?)*(?:{alternation(words['verb'])})")
    not_opener = re.compile(alternation(words["not"])) if words["not"] else None
    stop = re.compile(alternation(words["stop"])) if words["stop"] else None
    return opener, not_opener, stop


# A lead starts with a word, not with punctuation left over from a broken line.
_LEAD_START_RE = re.compile(rf"[{HAN}“A-Za-z0-9０-９]")
# A run-in lead sentence: at most this many characters, no comma or colon.
_LEAD_MAX = 32
# `是` makes it a statement (`改善民生是经济发展的根本目的。`), not a task.
_LEAD_SENTENCE_RE = re.compile(rf"[^，,：:；;！!？?。是\n]{{2,{_LEAD_MAX}}}。(?=\S)")
# A lead sentence set apart on its own line: one sentence, at most 80 characters.
_ALONE_SENTENCE_RE = re.compile(r"[^。！!？?；;\n]{4,79}。[ \t\u3000]*$")
# `旧城区面貌要明显改善。`: a short subject, 要, what it must do.
_SUBJECT_MUST_RE = re.compile(r"[^，,：:；;。要\n]{2,14}(?<![需重主只纲概首])要(?![素求])[^，,：:；;。\n]{2,20}。")


def _body_follows(text: str, end: int) -> bool:
    """Whether the next line continues the paragraph: one line break, no indent.

    An indented next line is a paragraph of its own (the 海拉尔 reports put
    every paragraph on one indented line), so the sentence is not set apart.
    """
    if not text.startswith("\n", end):
        return False
    nxt = text.find("\n", end + 1)
    body = text[end + 1:nxt if nxt >= 0 else len(text)]
    return bool(body.strip()) and not body[0].isspace() and not BLOCK_RE.match(body)


def is_lead(text: str, start: int, end: int) -> bool:
    """Whether the paragraph text[start:end] opens with a lead sentence.

    Run in: the lead sentence opens the paragraph and the body follows on the
    same line; then it must be short, without comma or 是, and open with a
    task verb (or `X要Y`). Set apart: the sentence stands alone on its line
    with the body on the next line (1995, 2000 reports, bold in the original);
    the layout says it is a lead, so only its length is checked. (Runs of
    short statements are found by `_close_run`.)

    >>> s = "培育壮大新兴产业、未来产业。实施产业创新工程。"
    >>> is_lead(s, 0, len(s))
    True
    >>> s = "我国加快发展新质生产力有丰富的内涵、广阔的舞台。新质生产力强调的是创新。"
    >>> is_lead(s, 0, len(s))
    False
    >>> s = "坚决控制物价上涨幅度。\\n这是今年宏观调控的首要任务。"
    >>> is_lead(s, 0, s.index("\\n"))
    True
    """
    opener, not_opener, stop = lead_words()
    if not _LEAD_START_RE.match(text, start, end) or not_opener and not_opener.match(text, start, end):
        return False
    alone = _ALONE_SENTENCE_RE.match(text, start, end)
    if alone and _body_follows(text, end):
        return True
    sentence = _LEAD_SENTENCE_RE.match(text, start, end)
    if not sentence:
        return False
    if not (opener.match(text, start, end) or _SUBJECT_MUST_RE.match(text, start, sentence.end())):
        return False
    return not (stop and stop.search(text, start, sentence.end()))


# A short statement (`经济建设取得重大成就。`), or two short parallel ones
# (`动能稳步转，创新在发力。`, `实现伟大梦想，必须进行伟大斗争。`).
_STATEMENT_RE = re.compile(r"(?P<single>[^，,：:；;！!？?。是\n]{4,20})。(?=\S)"
                           r"|(?P<parallel>[^，,：:；;！!？?。是\n]{2,8}[，,][^，,：:；;！!？?。是\n]{3,12})。(?=\S)")


def statement_lead(text: str, start: int, end: int) -> str | None:
    """The shape of a paragraph's opening statement, `single` (`人民生活不断改善。…`,
    十九大) or `parallel` (`底盘很稳固，韧性在增强。…`); None when it has none."""
    _, not_opener, _ = lead_words()
    m = _STATEMENT_RE.match(text, start, end)
    if not m or not _LEAD_START_RE.match(text, start, end) or (not_opener and not_opener.match(text, start, end)):
        return None
    return "single" if m.group("single") else "parallel"


# `各位代表！` turns to the closing topics (defence, Hong Kong, diplomacy…):
# lead paragraphs after it belong to the part, not to its last section.
@lru_cache(maxsize=1)
def salutation_re() -> re.Pattern:
    """`各位代表！`, from `data/task_salutations.txt`."""
    return re.compile("(?:" + alternation(lexicon.words(lexicon.path_of("task_salutations.txt"), per_line=True)) + ")[！!：:，,]")


@dataclass
class Mark:
    """A candidate unit before the tree is built."""

    pos: int        # where text[start:] begins (marker or lead sentence)
    anchor: int     # where the previous unit's text ends (line start for headings)
    marker: str
    ordinal: int
    style: str      # list identity: ordinals count within one style
    kind: str
    block: bool     # begins a paragraph (else inline, after a sentence end)
    line: int       # index of the line
    form: str = "inline"  # block marks: `heading` (no final punctuation), `para`, or `bare` (marker alone)
    para: int = 0         # index of the paragraph


def style_of(m: re.Match, heading: int) -> tuple[str, str, int]:
    """(style, kind, ordinal) for a marker match."""
    g = m.groupdict()
    if g.get("div"):
        kind, ordinal = DIVISION_KIND[g["div_k"]], _cn_int(g["div_n"])
    elif g.get("sec"):
        kind, ordinal = "section", _cn_int(g["sec_n"])
    elif g.get("pnum"):
        kind, ordinal = "numbered", int(ascii_digits(g["pnum_n"]))
    elif g.get("circ"):
        kind, ordinal = "numbered", ord(g["circ"]) - 0x245F
    elif g.get("di"):
        kind, ordinal = "item", _cn_int(g["di_n"])
    elif g.get("first"):
        return "首先", "item", 1  # takes the style of the `第二，`/`二是` that follows
    elif g.get("shi"):
        kind, ordinal = "item", _cn_int(g["shi_n"])
    elif g.get("part"):
        kind, ordinal = "part", _cn_int(g["part_n"])
    elif g.get("num"):
        kind, ordinal = "numbered", int(ascii_digits(g["num_n"]))
    else:
        return "——" if m.group()[0] not in BULLETS else m.group()[0], "bullet", 0
    style = marker_style(m.group())
    if heading:
        return f"h{heading}:{style}", kind, ordinal  # `### 一、`: a part written as a markdown heading
    return style, kind, ordinal



_SHAPE_RE = re.compile(rf"[{_CN}]+|[0-9０-９]+|[①-⑳]")
_SHAPE_FOLD = {"N．": "N、", "N.": "N、", "D、": "D.", "D．": "D.", "第N,": "第N，",
               "第N：": "第N，", "第N:": "第N，", "(N)": "(N)", "(D)": "(D)"}


def _shape_token(m: re.Match) -> str:
    s = m.group()
    return "①" if "①" <= s[0] <= "⑳" else "D" if s[0] in "0123456789０１２３４５６７８９" else "N"


def marker_style(marker: str) -> str:
    """The list a marker belongs to: `（三）` and `(三)` -> `(N)`, `3．` -> `D.`.

    Ordinals count within one style; `第一，` and `一是` are different lists.

    >>> [marker_style(m) for m in ["二、", "（二）", "(二)", "二是", "第二，", "第二、", "2．", "（２）", "②"]]
    ['N、', '(N)', '(N)', 'N是', '第N，', '第N、', 'D.', '(D)', '①']
    """
    shape = _SHAPE_RE.sub(_shape_token, marker.strip()).replace("（", "(").replace("）", ")")
    return _SHAPE_FOLD.get(shape, shape)


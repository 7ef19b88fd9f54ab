"""Enumerated tasks: the numbered structure of a policy document as data.

Policy documents are lists of tasks nested in numbered parts. This module
finds every enumerated unit at every level and returns it as a `Task` with its
parent, depth, marker as written, ordinal, kind, title and character offsets.

>>> text = ("### 二、深入实施发展新质生产力的重大任务举措\\n\\n"
...         "  （一）强化科技创新是发展新质生产力的核心驱动。必须加快高水平科技自立自强。"
...         "一是加强基础研究和原始创新。提高基础研究投入比重。"
...         "二是加强关键核心技术攻关。完善新型举国体制。")
>>> [(t.path, t.kind, t.title) for t in extract_tasks(text)]  # doctest: +NORMALIZE_WHITESPACE
[('二', 'heading', '深入实施发展新质生产力的重大任务举措'),
 ('二/（一）', 'section', '强化科技创新是发展新质生产力的核心驱动'),
 ('二/（一）/一是', 'item', '加强基础研究和原始创新'),
 ('二/（一）/二是', 'item', '加强关键核心技术攻关')]

Kinds (the `kind` column):

- `heading`: a markdown heading carrying a marker (`### 一、…`).
- `part`: `一、`, `一．` at the start of a paragraph.
- `section`: `（一）`, `(一)`.
- `item`: ordinal words `一是`, `一要`, `第一，`, `第一、`, `第一是` (and `首先`
  standing for the first of them), at a paragraph start or run in after a
  sentence end (`。二是…`).
- `numbered`: Arabic or circled numbers: `1.`, `1．`, `1、`, `（1）`, `①`.
- `lead`: an unmarked paragraph opening with a lead sentence that names the
  task (`培育壮大新兴产业、未来产业。…`); `marker` is `''`, `ordinal` its
  place among the leads of its parent. Three layouts count: a short run-in
  sentence opening with a task verb or `X要Y` (verbs and stop words in
  `pipelines/data/task_lead_words.txt`); a sentence set apart on its own line
  with the body on the next (1995, 2000); a run of three or more paragraphs
  each opening with a short statement (十九大 `经济建设取得重大成就。…`).
- `bullet`: a `——` paragraph (`——经济总体回升向好。…`); `marker` is `——`.

How the tree is built. Candidates are read in text order. Each marker has a
*style* (`(N)`, `N是`, `第N，`, … see `marker_style`). A marker continues the
open list of its style whose last ordinal is one less; it starts a new list,
nested in the innermost open unit, when its ordinal is 1; it continues
numbering straight through across parents (`（十一）` under part 三 after
`（十）` under part 二). A list does not nest in itself, except items ending
in `；`/`。` (or a bare `一、` line) under a heading-like line of the same style
(`四、有重点地进行技术改造` over `一、节约能源…；`, 1981).

Markers run in mid-paragraph must follow a sentence end (`。；：`; a comma for
ordinal words), must not sit inside quotation marks, must fit the sequence and
must have a second member; otherwise they are words, not markers (`统一是`,
`之一是`, `第一生产力`, `一、二、三产业`, `5%`, `2024年`). Markers in URLs,
blockquotes, a trailing repost footer or a `注：` footnote block are ignored
(and `①` run in is then a footnote reference). Markers at the start of a
paragraph are kept even when the text skips a number;
`benchmarks/structure_report.py` lists such gaps and restarts.

Unmarked paragraphs. Leads and bullets hang under the innermost part,
section, heading, numbered unit or `第一，` paragraph, never under a `一是`
item, so a report's date line `——2024年3月5日…` is not a bullet. A `一是…`
paragraph followed by leads and then `二是…` owns those leads (2015 report).
After a salutation (`各位代表！`) leads belong to the part, not its last
section: the closing topics are not part of `（十）`. A bullet holds only
what is run in its own paragraph; a lead holds a list that opens in the
paragraph right after it.

Offsets: `text[start:end]` is the whole unit, from its marker (or lead
sentence) to where its next sibling or an ancestor's next sibling begins,
without trailing whitespace, markdown rules or footer.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

__all__ = ["Task", "KINDS", "SequenceIssue", "extract_tasks", "sequence_issues", "tasks_to_records"]

KINDS = ("heading", "part", "section", "item", "numbered", "lead", "bullet")

_LEAD_WORDS_FILE = Path(__file__).parent / "data" / "task_lead_words.txt"


@dataclass(frozen=True)
class Task:
    """One enumerated unit of a document.

    For the seed's `（一）强化科技创新是发展新质生产力的核心驱动。…` under
    `### 二、…`: index 5, parent 4, depth 2, marker `（一）`, ordinal 1, kind
    `section`, title `强化科技创新是发展新质生产力的核心驱动`, path `二/（一）`.
    """

    index: int
    parent: int | None
    depth: int
    marker: str
    ordinal: int
    kind: str
    title: str
    start: int
    end: int
    path: str


# ---------------------------------------------------------------- numerals

_CN_DIGIT = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN = "一二三四五六七八九十"
_FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")


def _cn_int(s: str) -> int:
    """`三` -> 3, `十` -> 10, `十二` -> 12, `二十` -> 20, `二十三` -> 23."""
    if "十" not in s:
        return _CN_DIGIT.get(s, 0) if len(s) == 1 else 0
    tens, _, ones = s.partition("十")
    return (_CN_DIGIT.get(tens, 0) if tens else 1) * 10 + (_CN_DIGIT.get(ones, 0) if ones else 0)


# ---------------------------------------------------------------- markers

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
_BLOCK_RE = re.compile(
    rf"(?P<part>(?P<part_n>{_N})[、．.](?![{_CN}]+[、，,]|两))"
    rf"|{_SECTION}|{_PNUM}"
    rf"|(?P<num>(?P<num_n>{_D})(?:[.．](?![0-9０-９])|、(?![0-9０-９])))"
    rf"|{_CIRC}|{_ITEM}"
    r"|(?P<first>首先[，,]?)"   # stands for 第一，/一是 when 第二，/二是 follows (十一大, 1955)
    r"|(?P<bullet>—{2,}|―{2,}|─{2,}|--(?!-))"
)
# Inside a paragraph, right after a sentence end.
# After a comma only ordinal words count: `深化企业改革，一要…` (1988).
_INLINE_RE = re.compile(rf"(?<=[。；;：:！!？?，,])(?:{_ITEM}|{_SECTION}|{_PNUM}|{_CIRC}|(?P<first>首先[，,]?))")

_LINE_RE = re.compile(r"[^\n]+")
_INDENT_RE = re.compile(r"[ \t\u3000\u2003\u00a0]*")
_HEADING_RE = re.compile(r"#{1,6}[ \t]*")
_RULE_RE = re.compile(r"[ \t]*(?:[-*_][ \t]*){3,}$")
_NOTES_RE = re.compile(r"(?:注|注释|註|註釋|注解)[ \t]*[：:]?[ \t]*$")
_NOTE_LABEL_RE = re.compile(r"[①-⑳]|[\[［(（]?[0-9０-９]")
# URLs and percent-encoded paths (ASCII only, so no scan runs over Chinese text).
_URL_RE = re.compile(r"(?:https?://|www\.)[!-~]+|[A-Za-z0-9./_-]*(?:%[0-9A-Fa-f]{2}){2,}[!-~]*")
_SENTENCE_END_RE = re.compile(r"[。；;！!？?]")
_OPEN_QUOTES = "“「『"
_CLOSE_QUOTES = "”」』"


@lru_cache(maxsize=1)
def _lead_words() -> tuple[re.Pattern, re.Pattern | None, re.Pattern | None]:
    """(opener, not-opener, stop-word) patterns from `data/task_lead_words.txt`."""
    words: dict[str, list[str]] = {"adverb": [], "verb": [], "not": [], "stop": []}
    for line in _LEAD_WORDS_FILE.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        role, _, word = line.partition(" ")
        if role in words and word.strip():
            words[role].append(re.escape(word.strip()))

    def alt(ws: list[str]) -> str:
        return "|".join(sorted(set(ws), key=len, reverse=True))

    opener = re.compile(rf"(?:(?:{alt(words['adverb'])})地?)*(?:{alt(words['verb'])})")
    not_opener = re.compile(alt(words["not"])) if words["not"] else None
    stop = re.compile(alt(words["stop"])) if words["stop"] else None
    return opener, not_opener, stop


# A lead starts with a word, not with punctuation left over from a broken line.
_LEAD_START_RE = re.compile(r"[\u3400-\u9fff“A-Za-z0-9０-９]")
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
    return bool(body.strip()) and not body[0].isspace() and not _BLOCK_RE.match(body)


def _is_lead(text: str, start: int, end: int) -> bool:
    """Whether the paragraph text[start:end] opens with a lead sentence.

    Run in: the lead sentence opens the paragraph and the body follows on the
    same line; then it must be short, without comma or 是, and open with a
    task verb (or `X要Y`). Set apart: the sentence stands alone on its line
    with the body on the next line (1995, 2000 reports, bold in the original);
    the layout says it is a lead, so only its length is checked. (Runs of
    short statements are found by `_close_run`.)

    >>> s = "培育壮大新兴产业、未来产业。实施产业创新工程。"
    >>> _is_lead(s, 0, len(s))
    True
    >>> s = "我国加快发展新质生产力有丰富的内涵、广阔的舞台。新质生产力强调的是创新。"
    >>> _is_lead(s, 0, len(s))
    False
    >>> s = "坚决控制物价上涨幅度。\\n这是今年宏观调控的首要任务。"
    >>> _is_lead(s, 0, s.index("\\n"))
    True
    """
    opener, not_opener, stop = _lead_words()
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


# `各位代表！` turns to the closing topics (defence, Hong Kong, diplomacy…):
# lead paragraphs after it belong to the part, not to its last section.
_SALUTATION_RE = re.compile(r"(?:各位代表|各們代表|同志们|同志們|代表们|各位委员)[！!：:，,]")


@dataclass
class _Mark:
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


def _style_of(m: re.Match, heading: int) -> tuple[str, str, int]:
    """(style, kind, ordinal) for a marker match."""
    g = m.groupdict()
    if g.get("sec"):
        kind, ordinal = "section", _cn_int(g["sec_n"])
    elif g.get("pnum"):
        kind, ordinal = "numbered", int(g["pnum_n"].translate(_FULLWIDTH))
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
        kind, ordinal = "numbered", int(g["num_n"].translate(_FULLWIDTH))
    else:
        return "——", "bullet", 0
    style = marker_style(m.group())
    if heading:
        return f"h{heading}:{style}", "heading", ordinal
    return style, kind, ordinal


# ---------------------------------------------------------------- scanning


@dataclass
class _Lines:
    """Paragraph (line) geometry of a text."""

    starts: list[int]        # line start offsets
    content: list[int]       # offset of first non-indent character
    ends: list[int]
    skip: list[bool]         # blockquotes, rules: never hold markers
    heading: list[int]       # markdown heading level, 0 if none
    body_end: int            # where metadata footers and notes begin
    notes: bool              # the text ends with footnotes (`注：` then `① …`)
    para: list[int]          # paragraph of each line (a line may go on the one above)

    def index(self, pos: int) -> int:
        return bisect.bisect_right(self.starts, pos) - 1


def _scan_lines(text: str) -> _Lines:
    starts, content, ends, skip, heading, para = [], [], [], [], [], []
    for m in _LINE_RE.finditer(text):
        s, e = m.span()
        c = _INDENT_RE.match(text, s, e).end()
        if c == e:  # whitespace only
            continue
        level = 0
        h = _HEADING_RE.match(text, c, e)
        if h:
            level = len(h.group().rstrip())
            c = h.end()
        # One line break and no indent: the line goes on with the paragraph.
        joined = bool(ends) and s == ends[-1] + 1 and c == s and not level
        para.append(para[-1] if joined else (para[-1] + 1 if para else 0))
        starts.append(s)
        content.append(c)
        ends.append(e)
        skip.append(text.startswith(">", c) or bool(_RULE_RE.match(text, c, e)))
        heading.append(level)
    # Trailing rules and blockquotes are a repost footer; `注：` opens notes.
    n = len(starts)
    while n and skip[n - 1]:
        n -= 1
    notes = False
    for i in range(n - 1):
        if _NOTES_RE.match(text, content[i], ends[i]) and _NOTE_LABEL_RE.match(text, content[i + 1]):
            n, notes = i, True
            break
    body_end = starts[n] if n < len(starts) else len(text)
    return _Lines(starts, content, ends, skip, heading, body_end, notes, para)


def _inside_quotes(text: str, start: int, pos: int) -> bool:
    """True when `pos` sits inside “…” opened after `start` (same paragraph)."""
    seg = text[start:pos]
    return sum(seg.count(q) for q in _OPEN_QUOTES) > sum(seg.count(q) for q in _CLOSE_QUOTES)


# Statement leads (`经济建设取得重大成就。…`) count only in a run of this many
# consecutive paragraphs that each open with a lead or statement lead.
_STATEMENT_RUN = 3
_STATEMENT_RE = re.compile(r"[^，,：:；;！!？?。是\n]{4,20}。(?=\S)")


def _is_statement_lead(text: str, start: int, end: int) -> bool:
    """A paragraph opening with a short statement: `人民生活不断改善。…` (十九大)."""
    _, not_opener, _ = _lead_words()
    return (bool(_STATEMENT_RE.match(text, start, end)) and bool(_LEAD_START_RE.match(text, start, end))
            and not (not_opener and not_opener.match(text, start, end)))


def _close_run(run: list[tuple[int, bool]], marks: dict[int, "_Mark"], lines: _Lines) -> None:
    """Turn a long enough run of statement-lead paragraphs into leads; empty the run."""
    if len(run) >= _STATEMENT_RUN:
        for i, is_lead in run:
            if not is_lead:
                c = lines.content[i]
                marks[c] = _Mark(c, c, "", 0, "lead", "lead", True, i, "para", lines.para[i])
    run.clear()


def _candidates(text: str, lines: _Lines) -> list[_Mark]:
    """Every place a unit could begin, in text order."""
    marks: dict[int, _Mark] = {}
    nlines = bisect.bisect_left(lines.starts, lines.body_end)
    continuation = -1  # the line after a bare marker (`一是` alone) is its body
    run: list[tuple[int, bool]] = []  # consecutive paragraphs opening with a short sentence
    for i in range(nlines):
        if lines.skip[i] or i == continuation:
            _close_run(run, marks, lines)
            continue
        c, e, level = lines.content[i], lines.ends[i], lines.heading[i]
        anchor = lines.starts[i] if level else c
        m = _BLOCK_RE.match(text, c, e)
        if m:
            style, kind, ordinal = _style_of(m, level)
            if kind == "bullet" and text[m.end():e].strip() == "":
                continue
            rest = text[m.end():e].rstrip()
            form = "bare" if not rest.strip() else "para" if rest[-1] in "。；;！!？?：:" else "heading"
            marks[c] = _Mark(c, anchor, m.group().rstrip(), ordinal, style, kind, True, i, form, lines.para[i])
            _close_run(run, marks, lines)
            if form == "bare":
                continuation = i + 1
            continue
        if level:
            continue
        if _SALUTATION_RE.match(text, c, e):
            marks[c] = _Mark(c, c, "", 0, "", "salutation", True, i, "para", lines.para[i])
        elif _is_lead(text, c, e):
            marks[c] = _Mark(c, c, "", 0, "lead", "lead", True, i, "para", lines.para[i])
            run.append((i, True))
            continue
        elif _is_statement_lead(text, c, e):
            run.append((i, False))
            continue
        _close_run(run, marks, lines)
    _close_run(run, marks, lines)

    urls = [u.span() for u in _URL_RE.finditer(text, 0, lines.body_end)]
    url_starts = [s for s, _ in urls]
    for m in _INLINE_RE.finditer(text, 0, lines.body_end):
        pos = m.start()
        if pos in marks:
            continue
        i = lines.index(pos)
        if lines.skip[i]:
            continue
        j = bisect.bisect_right(url_starts, pos) - 1
        if j >= 0 and urls[j][0] <= pos < urls[j][1]:
            continue
        if _inside_quotes(text, lines.content[i], pos):
            continue
        style, kind, ordinal = _style_of(m, 0)
        if text[pos - 1] in "，," and kind != "item":
            continue
        if style == "①" and lines.notes:  # footnote references, not a list
            continue
        marks[pos] = _Mark(pos, pos, m.group(), ordinal, style, kind, False, i, "inline", lines.para[i])
    return [marks[p] for p in sorted(marks)]


# ---------------------------------------------------------------- tree


# Item styles whose first member may be written `首先`.
_ORDINAL_WORDS = {"第N，", "第N、", "N是", "N要", "第N是"}


@dataclass
class _Node:
    mark: _Mark
    parent: int | None   # index into the accepted list
    ordinal: int
    style: str = ""      # the mark's style; `首先` takes its list's style

    def __post_init__(self) -> None:
        self.style = self.style or self.mark.style


def _can_contain(parent: _Mark, child: _Mark) -> bool:
    """Whether `child` may open a new list inside `parent`."""
    if parent.style == child.style:
        return False  # a list never nests in itself: same style is a sibling or a restart
    if not parent.block and child.block:
        return False  # a unit begun mid-paragraph holds only inline units
    if child.kind in ("lead", "bullet"):
        # Not under `一是` items (a lead after them is a new topic), but under
        # the `第一，…` paragraphs that head sections in older reports (1980).
        return parent.kind in ("heading", "part", "section", "numbered") or parent.style == "第N，" and parent.block
    if parent.kind == "bullet":
        return child.para == parent.para  # a bullet is one paragraph
    if parent.kind == "lead":
        # `推进X。…` then `一是…` paragraphs right below it (2009, 2000); a list
        # after other prose is the part's, not the lead's (1995).
        return not child.block or child.kind in ("item", "numbered") and child.para == parent.para + 1
    return True


def _build(marks: list[_Mark], rejected: set[int]) -> list[_Node]:
    """Nest accepted marks into a tree (see module docstring for the rules)."""
    nodes: list[_Node] = []
    stack: list[int] = []                 # indices into nodes
    last_of_style: dict[str, int] = {}    # for numbering straight through parents

    def push(m: _Mark, ordinal: int) -> None:
        parent = stack[-1] if stack else None
        nodes.append(_Node(m, parent, ordinal))
        stack.append(len(nodes) - 1)
        last_of_style[m.style] = ordinal

    def pop_until_fits(m: _Mark) -> None:
        while stack and not _can_contain(nodes[stack[-1]].mark, m):
            stack.pop()

    def innermost(style: str) -> int | None:
        return next((k for k in range(len(stack) - 1, -1, -1) if nodes[stack[k]].style == style), None)

    def previous_sibling(style: str, ordinal: int) -> int | None:
        """The open unit this one continues: same style, ordinal one less."""
        for k in range(len(stack) - 1, -1, -1):
            node = nodes[stack[k]]
            if node.ordinal == ordinal - 1 and (node.style == style or node.style == "首先" and style in _ORDINAL_WORDS):
                node.style = style
                return k
        return None

    def adopt_between(style: str, ordinal: int) -> int | None:
        """`一是…` / lead paragraphs / `二是…`: the leads belong to 一是 (2015, 2016).

        Finds the closed previous sibling whose parent is still open and with
        only lead or bullet paragraphs after it at its level; moves those under
        it and reopens it. Returns its stack position, or None.
        """
        for j in range(len(nodes) - 1, -1, -1):
            node = nodes[j]
            if node.ordinal == ordinal - 1 and (node.style == style or node.style == "首先" and style in _ORDINAL_WORDS):
                break
        else:
            return None
        parent = node.parent
        if parent is not None and parent not in stack or j in stack or not node.mark.block:
            return None
        between = [i for i in range(j + 1, len(nodes)) if nodes[i].parent == parent]
        if not between or any(nodes[i].mark.kind not in ("lead", "bullet") for i in between):
            return None
        for i in between:
            nodes[i].parent = j
        node.style = style
        del stack[(stack.index(parent) + 1) if parent is not None else 0:]
        stack.append(j)
        return len(stack) - 1

    def replace(at: int, m: _Mark, ordinal: int) -> None:
        del stack[at:]
        push(m, ordinal)

    after_salutation = False
    for m in marks:
        if m.pos in rejected:
            continue
        if m.kind == "salutation":
            after_salutation = True
            continue
        if m.kind in ("lead", "bullet"):
            # Unmarked paragraphs are siblings of the outermost open one.
            outer = next((k for k, i in enumerate(stack) if nodes[i].mark.kind in ("lead", "bullet")), None)
            if outer is not None:
                del stack[outer:]
            if after_salutation:
                del stack[1:]
            pop_until_fits(m)
            if not stack:
                continue  # only inside a numbered unit
            push(m, 0)  # numbered below, once adoption has settled who its siblings are
            continue
        after_salutation = False
        k = m.ordinal
        at = previous_sibling(m.style, k)
        if at is None and m.block:
            while stack and not nodes[stack[-1]].mark.block:
                stack.pop()  # an inline list ended with its paragraph
        if at is None and m.block and k > 1 and (prev := adopt_between(m.style, k)) is not None:
            replace(prev, m, k)                    # next sibling, after lead paragraphs it now holds
        elif at is not None:
            replace(at, m, k)                      # next sibling
        elif k == 1 and stack and nodes[stack[-1]].style == m.style and nodes[stack[-1]].mark.form == "heading" \
                and m.form in ("para", "bare"):
            push(m, k)                             # `一、…；` items under a `四、…` heading (1981, 1986)
        elif k == 1:
            pop_until_fits(m)                      # a new list
            push(m, k)
        elif not m.block:
            continue                               # inline and out of sequence: not a marker
        elif (at := innermost(m.style)) is None and last_of_style.get(m.style) == k - 1:
            pop_until_fits(m)                      # numbered straight through parents
            push(m, k)
        elif at is not None:
            replace(at, m, k)                      # as written: a gap or restart in the text
        else:
            pop_until_fits(m)
            push(m, k)
    # Unmarked units count in order among their siblings (after any adoption).
    counts: dict[tuple[int | None, str], int] = {}
    for n in nodes:
        if n.mark.kind in ("lead", "bullet"):
            key = (n.parent, n.mark.kind)
            counts[key] = n.ordinal = counts.get(key, 0) + 1
    return nodes


def _singleton_inline_lists(nodes: list[_Node]) -> set[int]:
    """Lists that are not lists: `。第一，…` with no `第二`, `首先，` with no `第二，`."""
    members: dict[int, int] = {}
    head_of: dict[tuple[int | None, str], int] = {}
    for i, n in enumerate(nodes):
        if n.mark.kind in ("lead", "bullet"):
            continue
        key = (n.parent, n.style)
        if n.ordinal == 1 or key not in head_of:
            head_of[key] = i
            members[i] = 1
        else:
            members[head_of[key]] += 1
    return {nodes[i].mark.pos for i, count in members.items()
            if count == 1 and (not nodes[i].mark.block or nodes[i].mark.marker.startswith("首先"))}


# ---------------------------------------------------------------- output


_TITLE_MAX = 60


def _title(text: str, m: _Mark, lines: _Lines, limit: int) -> str:
    """The lead clause or sentence after the marker, stopping at `limit` (the next unit)."""
    pos = m.pos + len(m.marker)
    i = m.line
    end = lines.ends[i]
    while pos < end and text[pos] in " \t\u3000\u2003\u00a0":
        pos += 1
    if pos >= end and i + 1 < len(lines.starts):  # marker alone on its line
        pos, end = lines.content[i + 1], lines.ends[i + 1]
    stop = _SENTENCE_END_RE.search(text, pos, min(end, max(limit, pos)))
    end = min(end, max(limit, pos))
    title = text[pos:stop.start() if stop else end].strip(" \t\u3000：:，,、")
    if len(title) > _TITLE_MAX:  # a long first sentence: its lead clause
        clause = re.split(r"[，,]", title, maxsplit=1)[0]
        title = clause if len(clause) >= 4 else title
    return title


def _path_part(m: _Mark, ordinal: int) -> str:
    if m.kind == "lead":
        return f"¶{ordinal}"
    if m.kind == "bullet":
        return f"—{ordinal}"
    return m.marker.rstrip("、．.，,：:")


def _trim_end(text: str, start: int, end: int) -> int:
    """Drop trailing whitespace, markdown rules and blockquote footers."""
    while True:
        while end > start and text[end - 1].isspace():
            end -= 1
        nl = text.rfind("\n", start, end)
        if nl < 0:
            return end
        last = text[nl + 1:end].strip()
        if last.startswith(">") or last.startswith("#") and not last.strip("#") or _RULE_RE.match(last):
            end = nl
        else:
            return end


def extract_tasks(text: str) -> list[Task]:
    """Every enumerated unit of `text`, in document order.

    >>> ts = extract_tasks("三、2024年政府工作任务\\n\\n（一）大力推进现代化产业体系建设。"
    ...                    "充分发挥创新主导作用。\\n\\n推动产业链供应链优化升级。保持工业经济平稳运行。\\n\\n"
    ...                    "积极培育新兴产业和未来产业。实施产业创新工程。")
    >>> [(t.path, t.depth, t.marker, t.kind, t.title) for t in ts]  # doctest: +NORMALIZE_WHITESPACE
    [('三', 1, '三、', 'part', '2024年政府工作任务'),
     ('三/（一）', 2, '（一）', 'section', '大力推进现代化产业体系建设'),
     ('三/（一）/¶1', 3, '', 'lead', '推动产业链供应链优化升级'),
     ('三/（一）/¶2', 3, '', 'lead', '积极培育新兴产业和未来产业')]
    """
    lines = _scan_lines(text)
    marks = _candidates(text, lines)
    rejected: set[int] = set()
    for _ in range(4):  # dropping a singleton list can change what follows
        nodes = _build(marks, rejected)
        more = _singleton_inline_lists(nodes) - rejected
        if not more:
            break
        rejected |= more

    tasks: list[Task] = []
    paths: list[str] = []
    depths: list[int] = []
    for i, n in enumerate(nodes):
        depth = depths[n.parent] + 1 if n.parent is not None else 1
        part = _path_part(n.mark, n.ordinal)
        path = f"{paths[n.parent]}/{part}" if n.parent is not None else part
        depths.append(depth)
        paths.append(path)
        tasks.append(Task(i, n.parent, depth, n.mark.marker, n.ordinal, n.mark.kind,
                          _title(text, n.mark, lines, nodes[i + 1].mark.pos if i + 1 < len(nodes) else len(text)),
                          n.mark.pos, 0, path))

    # A unit ends where the next unit that is not its descendant begins.
    ends = [lines.body_end] * len(tasks)
    open_: list[int] = []
    for i, t in enumerate(tasks):
        while open_ and tasks[open_[-1]].depth >= t.depth:
            ends[open_.pop()] = nodes[i].mark.anchor
        open_.append(i)
    return [
        Task(t.index, t.parent, t.depth, t.marker, t.ordinal, t.kind, t.title, t.start,
             _trim_end(text, t.start, ends[i]), t.path)
        for i, t in enumerate(tasks)
    ]


@dataclass(frozen=True)
class SequenceIssue:
    """An ordinal that does not follow its previous sibling of the same style.

    `kind` is `gap` (`第二，` after `第四，`... or a list starting at 2) or
    `restart` (back to 1 or lower under the same parent).
    """

    index: int
    kind: str
    expected: int
    found: int
    path: str


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


def _begins_paragraph(text: str, pos: int) -> bool:
    line_start = text.rfind("\n", 0, pos) + 1
    return not text[line_start:pos].strip(" \t\u3000\u2003\u00a0#")


def sequence_issues(tasks: list[Task], text: str) -> list[SequenceIssue]:
    """Gaps and restarts in the ordinals of marked units of `text`.

    Siblings of one style under one parent should count 1, 2, 3, …; a list may
    also continue the numbering of the same style under the previous parent
    (`（一）`…`（十）` under part 二, `（十一）` under part 三). A new list that
    starts inside a paragraph (`…有两个可能性：第一，…；第二，…`) is not a
    restart of a paragraph-level list, nor the other way round.

    >>> text = "一、甲\\n\\n二、乙\\n\\n四、丁"
    >>> [(i.kind, i.expected, i.found, i.path) for i in sequence_issues(extract_tasks(text), text)]
    [('gap', 3, 4, '四')]
    """
    issues: list[SequenceIssue] = []
    prev: dict[tuple[int | None, str], tuple[int, bool]] = {}
    last_of_style: dict[str, int] = {}
    styles = [("h:" if t.kind == "heading" else "") + marker_style(t.marker) for t in tasks]
    for i, t in enumerate(tasks):
        if t.marker.startswith("首先"):  # the style of the `第二，`/`二是` that follows
            styles[i] = next((styles[j] for j in range(i + 1, len(tasks))
                              if tasks[j].parent == t.parent and tasks[j].ordinal == 2), styles[i])
    for t, style in zip(tasks, styles):
        if t.kind in ("lead", "bullet"):
            continue
        key = (t.parent, style)
        block = _begins_paragraph(text, t.start)
        if key not in prev:
            if t.ordinal != 1 and t.ordinal != last_of_style.get(style, 0) + 1:
                issues.append(SequenceIssue(t.index, "gap", 1, t.ordinal, t.path))
        else:
            before, before_block = prev[key]
            if t.ordinal <= before:
                if block and before_block:
                    issues.append(SequenceIssue(t.index, "restart", before + 1, t.ordinal, t.path))
            elif t.ordinal != before + 1:
                issues.append(SequenceIssue(t.index, "gap", before + 1, t.ordinal, t.path))
        prev[key] = (t.ordinal, block)
        last_of_style[style] = t.ordinal
    return issues


def tasks_to_records(doc_id: str, text: str, tasks: list[Task]) -> list[dict]:
    """Rows for the `tasks` table (see DATASET_CONTRACT.md).

    >>> t = extract_tasks("一、总体要求\\n\\n（一）坚持稳中求进。稳是大局。")
    >>> tasks_to_records("d1", "一、总体要求\\n\\n（一）坚持稳中求进。稳是大局。", t)[1]["parent_id"]
    'd1-0000'
    """
    return [
        {
            "doc_id": doc_id,
            "task_id": f"{doc_id}-{t.index:04d}",
            "parent_id": f"{doc_id}-{t.parent:04d}" if t.parent is not None else None,
            "depth": t.depth,
            "marker": t.marker,
            "ordinal": t.ordinal,
            "kind": t.kind,
            "title": t.title,
            "text": text[t.start:t.end],
            "start": t.start,
            "end": t.end,
            "path": t.path,
        }
        for t in tasks
    ]

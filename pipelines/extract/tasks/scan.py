"""Scanning a text: its lines and paragraphs, and every place a unit could begin."""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass

from pipelines.extract.tasks.markers import (
    BLOCK_RE,
    INLINE_RE,
    RULE_RE,
    Mark,
    is_lead,
    salutation_re,
    statement_lead,
    style_of,
)
from pipelines.lang.zh.script import find_urls

_LINE_RE = re.compile(r"[^\n]+")
_INDENT_RE = re.compile(r"[ \t\u3000\u2003\u00a0]*")
_HEADING_RE = re.compile(r"#{1,6}[ \t]*")
_NOTES_RE = re.compile(r"(?:注|注释|註|註釋|注解)[ \t]*[：:]?[ \t]*$")
_NOTE_LABEL_RE = re.compile(r"[①-⑳]|[\[［(（]?[0-9０-９]")
_BOLD_RE = re.compile(r"\*\*[ \t]*([^*\n]+?)[ \t]*\*\*[ \t]*$")
# A table of contents: `目  录` and the chapter lines after it are not units.
_CONTENTS_RE = re.compile(r"目[ \t\u3000]*录[ \t\u3000]*$")
_QUESTION_END = "？?"
_OPEN_QUOTES = "“「『"
_CLOSE_QUOTES = "”」』"


@dataclass
class Lines:
    """Paragraph (line) geometry of a text."""

    starts: list[int]        # line start offsets
    content: list[int]       # offset of first non-indent character
    ends: list[int]
    skip: list[bool]         # blockquotes, rules: never hold markers
    heading: list[int]       # markdown heading level, 0 if none
    body_end: int            # where metadata footers and notes begin
    notes: bool              # the text ends with footnotes (`注：` then `① …`)
    para: list[int]          # paragraph of each line (a line may go on the one above)
    bold: list[bool]         # a line set in bold (`**一、总体要求**`): content and ends exclude the `**`

    def index(self, pos: int) -> int:
        return bisect.bisect_right(self.starts, pos) - 1


def scan_lines(text: str) -> Lines:
    starts, content, ends, skip, heading, para, bold = [], [], [], [], [], [], []
    blank_lines = "\n\n" in text
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
        # (Not in a text without any blank line, such as a CSV export: there every line is a paragraph.)
        joined = bool(ends) and s == ends[-1] + 1 and c == s and not level and not (bold and bold[-1]) and blank_lines
        b = _BOLD_RE.match(text, c, e)
        if b:
            c, e = b.start(1), b.end(1)
        para.append(para[-1] if joined else (para[-1] + 1 if para else 0))
        starts.append(s)
        content.append(c)
        ends.append(e)
        skip.append(text.startswith(">", c) or bool(RULE_RE.match(text, c, e)))
        heading.append(level)
        bold.append(bool(b))
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
    return Lines(starts, content, ends, skip, heading, body_end, notes, para, bold)


def _inside_quotes(text: str, start: int, pos: int) -> bool:
    """True when `pos` sits inside “…” opened after `start` (same paragraph)."""
    seg = text[start:pos]
    return sum(seg.count(q) for q in _OPEN_QUOTES) > sum(seg.count(q) for q in _CLOSE_QUOTES)


# Statement leads (`经济建设取得重大成就。…`) count only in a run of this many
# consecutive paragraphs that each open with a lead or statement lead.
_STATEMENT_RUN = 3
def _first_clause(text: str, lines: Lines, i: int) -> int:
    c = lines.content[i]
    return min(text.find(sep, c, lines.ends[i]) % (1 << 30) for sep in "，,") - c


def _close_run(run: list[tuple[int, str]], marks: dict[int, "Mark"], lines: Lines, text: str) -> None:
    """Turn a long enough run of statement-lead paragraphs into leads; empty the run.
    Entries are (line, `lead` | `single` | `parallel`): a series is written in one shape,
    and parallel statements (排比) in one measure: `底盘很稳固，…` `动能稳步转，…` all
    open with five characters, so an opening of another length is not of the series."""
    parallel = [i for i, shape in run if shape == "parallel"]
    if parallel:
        measure = Counter(_first_clause(text, lines, i) for i in parallel).most_common(1)[0][0]
        run[:] = [(i, shape) for i, shape in run if shape != "parallel" or _first_clause(text, lines, i) == measure]
    if len(run) >= _STATEMENT_RUN:
        for i, shape in run:
            if shape != "lead":
                c = lines.content[i]
                marks[c] = Mark(c, c, "", 0, "lead", "lead", True, i, "para", lines.para[i])
    run.clear()


def candidates(text: str, lines: Lines) -> list[Mark]:
    """Every place a unit could begin, in text order."""
    marks: dict[int, Mark] = {}
    nlines = bisect.bisect_left(lines.starts, lines.body_end)
    continuation = -1  # the line after a bare marker (`一是` alone) is its body
    run: list[tuple[int, str]] = []  # consecutive paragraphs opening with a short sentence
    contents, contents_last = False, 0  # inside a table of contents; its last chapter number
    last_question = -2  # line of the last question (`**如何…？**`)
    for i in range(nlines):
        if lines.skip[i] or i == continuation:
            _close_run(run, marks, lines, text)
            continue
        c, e, level = lines.content[i], lines.ends[i], lines.heading[i]
        anchor = lines.starts[i] if level or lines.bold[i] else c
        m = BLOCK_RE.match(text, c, e)
        if _CONTENTS_RE.match(text, c, e):
            contents, contents_last = True, 0
            continue
        if contents:
            # Chapter lines of the table of contents, until the numbering starts again (the body).
            if m and m.group("div") and m.group("div_k") in ("篇", "部分", "章", "节") and style_of(m, 0)[2] > contents_last:
                contents_last = style_of(m, 0)[2]
                continue
            contents = False
        if m:
            style, kind, ordinal = style_of(m, level)
            if kind == "bullet" and (text[m.end():e].strip() == "" or level):
                continue  # an empty dash line, or a subtitle (`## ——元旦献词`)
            rest = text[m.end():e].rstrip()
            form = "bare" if not rest.strip() else "para" if rest[-1] in "。；;！!？?：:" else "heading"
            marks[c] = Mark(c, anchor, m.group().rstrip(), ordinal, style, kind, True, i, form, lines.para[i])
            _close_run(run, marks, lines, text)
            if form == "bare":
                continuation = i + 1
            continue
        if level:
            continue
        if lines.bold[i]:
            # A bold line without a marker: a question of an explainer (`**如何…？**`)
            # and the answer's headline right below it; other bold lines are no units.
            if text[e - 1] in _QUESTION_END:
                marks[c] = Mark(c, anchor, "", 0, "?", "question", True, i, "heading", lines.para[i])
                last_question = i
            elif last_question == i - 1:
                marks[c] = Mark(c, anchor, "", 0, "lead", "lead", True, i, "heading", lines.para[i])
            _close_run(run, marks, lines, text)
            continue
        if salutation_re().match(text, c, e):
            marks[c] = Mark(c, c, "", 0, "", "salutation", True, i, "para", lines.para[i])
        elif is_lead(text, c, e):
            marks[c] = Mark(c, c, "", 0, "lead", "lead", True, i, "para", lines.para[i])
            run.append((i, "lead"))
            continue
        elif shape := statement_lead(text, c, e):
            if any(k not in ("lead", shape) for _, k in run):
                _close_run(run, marks, lines, text)  # a series of another shape ends here
            run.append((i, shape))
            continue
        _close_run(run, marks, lines, text)
    _close_run(run, marks, lines, text)

    urls = [u.span() for u in find_urls(text, 0, lines.body_end)]
    url_starts = [s for s, _ in urls]
    for m in INLINE_RE.finditer(text, 0, lines.body_end):
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
        style, kind, ordinal = style_of(m, 0)
        if text[pos - 1] in "，," and kind != "item":
            continue
        if style == "①" and lines.notes:  # footnote references, not a list
            continue
        marks[pos] = Mark(pos, pos, m.group(), ordinal, style, kind, False, i, "inline", lines.para[i])
    return [marks[p] for p in sorted(marks)]


"""Clean extracted text without changing its wording.

What changes: line endings, zero-width characters, the spaces inside
spaced-out title lines (`政 府 工 作 报 告`), and soft line breaks that split a
sentence in texts whose paragraphs are separated by blank lines (wiki and web
exports break lines around links: `政府工作报\\n告`). Nothing else: no
character is replaced, punctuation and full-width digits stay as written.
"""

from __future__ import annotations

import re

from pipelines.lang.zh.script import HAN

_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad\x00"  # and NUL, which no text holds
# Unicode's other line and page breaks are line endings too: a Word manual line break
# exported as \x0b, a form feed between PDF pages, NEL, the old record separators
# \x1c-\x1e, and web text's line and paragraph separators (U+2028, U+2029), as
# `str.splitlines` has them. Left in, they join a heading to the line after it.
# Line and paragraph separators other than \n: each a line break, a paragraph separator a blank line.
# Found with a regex (a set scanned in C), not `str.translate`, which looks up every character of a
# Chinese text in the table (0.12 s of the national corpus; this, 0.01 s).
_LINE_BREAKS = {"\u2028": "\n", "\x85": "\n", "\x0b": "\n", "\x0c": "\n", "\x1c": "\n", "\x1d": "\n",
                "\x1e": "\n", "\u2029": "\n\n"}
_LINE_BREAK_RE = re.compile(f"[{''.join(_LINE_BREAKS)}]")
_ZW_RE = re.compile(f"[{_ZERO_WIDTH}]")
# A line holding nothing but zero-width characters is an artefact, not a
# paragraph break: drop it with its line break.
_ZW_LINE_RE = re.compile(f"\n[{_ZERO_WIDTH}]+(?=\n)")

# A spaced-out line: single Han characters separated by blanks, nothing else.
_SPACED_LINE_RE = re.compile(rf"^([ \t\u3000]*)([{HAN}](?:[ \t\u3000]+[{HAN}])+)([ \t\u3000]*)$", re.M)
_BLANKS_RE = re.compile(r"[ \t\u3000]+")

# Characters that may sit on either side of a soft break inside a sentence.
_TEXT_CHAR = re.compile(rf"[{HAN}0-9０-９A-Za-zＡ-Ｚａ-ｚ，、：；。！？“”‘’《》（）()%％]")
_STRUCTURAL_START = re.compile(
    r"^(?:#|>|[-*+] |\||```|——|—|-{2,}|={3,}"
    r"|[（(][一二三四五六七八九十百\d０-９]+[）)]"
    r"|[一二三四五六七八九十]+、"
    r"|[\d０-９]+[.．、]"
    r"|第[一二三四五六七八九十百]+[章节条部分篇]"
    r"|[①-⑳])"
)


def _despace_titles(text: str) -> str:
    def fix(m: re.Match) -> str:
        return m.group(1) + _BLANKS_RE.sub("", m.group(2)) + m.group(3)

    return _SPACED_LINE_RE.sub(fix, text)


def _uses_blank_line_paragraphs(lines: list[str]) -> bool:
    """True when paragraphs are separated by blank lines (markdown, wiki)."""
    # Weighted by length: wiki exports put links on short lines of their own,
    # while the body paragraphs follow blank lines.
    single = double = 0
    prev_blank = None  # the first line follows nothing
    for line in lines:
        blank = not line.strip()
        if not blank and prev_blank is not None:
            if prev_blank:
                double += len(line)
            else:
                single += len(line)
        if not blank or prev_blank is not None:
            prev_blank = blank
    return double > single


def _join_soft_breaks(text: str) -> str:
    lines = text.split("\n")
    if len(lines) < 3 or not _uses_blank_line_paragraphs(lines):
        return text
    out = [lines[0]]
    for line in lines[1:]:
        prev = out[-1]
        if (
            prev
            and line
            and not prev[-1].isspace()
            and not line[0].isspace()
            and _TEXT_CHAR.match(prev[-1])
            and _TEXT_CHAR.match(line[0])
            and not _STRUCTURAL_START.match(prev.lstrip())
            and not _STRUCTURAL_START.match(line)
        ):
            out[-1] = prev + line
        else:
            out.append(line)
    return "\n".join(out)


def clean_text(raw: str) -> str:
    """Return the cleaned text; the wording is never changed.

    >>> clean_text("政 府 工 作 报 告\\r\\n\\r\\n过去一年，交出一份人\\n\\u200b\\n民满意的答卷。\\r\\n")
    '政府工作报告\\n\\n过去一年，交出一份人民满意的答卷。'
    >>> clean_text("一、回顾\\u2028（一）稳定增长。\\x0c二、任务")
    '一、回顾\\n（一）稳定增长。\\n二、任务'
    >>> clean_text("国务院\\x00总理\\x1e李强")
    '国务院总理\\n李强'
    """
    text = _LINE_BREAK_RE.sub(lambda m: _LINE_BREAKS[m.group()], raw.replace("\r\n", "\n").replace("\r", "\n"))
    text = _ZW_LINE_RE.sub("", text)
    text = _ZW_RE.sub("", text)
    text = _despace_titles(text)
    text = _join_soft_breaks(text)
    # Trailing blanks on a line carry no wording; leading indentation stays.
    text = re.sub(r"[ \t]+\n", "\n", text)
    return text.strip("\n ").rstrip()

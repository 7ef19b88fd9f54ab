"""Read document metadata out of the text itself.

Sources, in the order a reader meets them:
- a first markdown heading (`# 何立峰同志署名文章：因地制宜发展新质生产力`);
- blockquote lines (`> 本文节选自《人民日报》2025年11月11日`, `> 作者何立峰`);
- a report's header: the dated occasion line
  (`——2024年3月5日在第十四届全国人民代表大会第二次会议上`), the speaker line
  (`国务院总理　李　强`, `海拉尔区人民政府区长　　张天喜`), a dated line in
  brackets (`（2022年10月16日）`);
- footers that are metadata, not content: a repost footer with its URL, and
  Wikisource's licence boilerplate. These are cut from the text.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from pipelines.lang.zh.script import HAN

_HEAD_CHARS = 600  # header metadata sits in the first lines of a document

_HEADING_RE = re.compile(r"^#\s+(?P<title>.+?)\s*#*\s*$", re.M)
_EXCERPT_RE = re.compile(r"^>\s*本文(?:节选|摘编|选)?(?:自|来源[于：:]?|刊载于|原载)\s*(?P<pub>《[^》]+》|[^\s\d]+?)\s*(?:(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日)?", re.M)
_AUTHOR_QUOTE_RE = re.compile(rf"^>\s*作者[：:\s]*(?P<name>[{HAN}·]{{2,8}})\s*$", re.M)
_OCCASION_RE = re.compile(
    r"^[ \t\u3000]*(?:[—–－-]{1,4}[ \t\u3000]*)?(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日\s*在(?P<occasion>[^\n]{2,60}?)上[ \t\u3000]*$",
    re.M,
)
_OCCASION_NODATE_RE = re.compile(r"^[ \t\u3000]*[—–－-]{1,4}[ \t\u3000]*在(?P<occasion>[^\n]{2,60}?)上(?:的报告|的讲话)?[ \t\u3000]*$", re.M)
_BRACKET_DATE_RE = re.compile(r"^[ \t\u3000]*[（(](?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日(?P<rest>[^\n）)]*)[）)][ \t\u3000]*$", re.M)
_ROLES = r"代?总理|代?省长|代?市长|代?区长|代?县长|代?州长|代?旗长|代?主席"
_SPEAKER_RE = re.compile(
    rf"^[ \t\u3000]*(?P<issuer>(?:[{HAN}]{{0,16}}(?:国务院|人民政府|委员会))?)(?P<role>{_ROLES})[ \t\u3000]*\n?[ \t\u3000]*(?P<name>[{HAN}]{{2,4}})[ \t\u3000]*$",
    re.M,
)
_NAME_LINE_RE = re.compile(rf"^[ \t\u3000]*(?P<name>[{HAN}]{{2,4}})[ \t\u3000]*$", re.M)

# Footers: a rule followed by a blockquote naming a reposter and a URL.
_REPOST_FOOTER_RE = re.compile(
    r"\n[ \t]*(?:-{3,}|\*{3,}|_{3,})[ \t]*\n(?P<body>(?:[ \t]*\n|[ \t]*>[^\n]*\n?)*?[ \t]*>[^\n]*(?:URL|url|链接|原文)[:：][^\n]*\n?(?:[ \t]*>[^\n]*\n?|[ \t]*\n)*)$"
)
_FOOTER_URL_RE = re.compile(r"(?:URL|url|链接|原文)[:：]\s*<?(?P<url>https?://\S+?)>?\s*$", re.M)
_FOOTER_BY_RE = re.compile(r"作者[:：]\s*\[?(?P<by>[^\]\n]+?)\]?(?:\(|\s*$)", re.M)
# Wikisource licence boilerplate that closes many official texts there.
_LICENCE_FOOTER_RE = re.compile(r"\n[^\n]*(?:本作品|这部作品)(?:是|来自|在)[^\n]*(?:\n[^\n]*){0,12}?(?:公有领域|公有領域|著作权法|版權)[\s\S]*$")


@dataclass
class TextMetadata:
    title: str | None = None
    issuer: str | None = None
    author: str | None = None
    published: dt.date | None = None
    occasion: str | None = None
    url: str | None = None
    reposted_by: str | None = None
    removed_footers: list[str] = field(default_factory=list)


def _date(y: str, m: str, d: str) -> dt.date | None:
    try:
        return dt.date(int(y), int(m), int(d))
    except ValueError:
        return None


def strip_footers(text: str, meta: TextMetadata) -> str:
    """Cut repost and licence footers off `text`, keeping what they say in `meta`."""
    m = _REPOST_FOOTER_RE.search(text)
    if m:
        body = m.group("body")
        url = _FOOTER_URL_RE.search(body)
        if url:
            meta.url = url.group("url")
        by = _FOOTER_BY_RE.search(body)
        if by:
            meta.reposted_by = by.group("by").strip()
        meta.removed_footers.append("repost")
        text = text[: m.start()]
    m = _LICENCE_FOOTER_RE.search(text)
    if m and m.start() > len(text) * 0.5:
        meta.removed_footers.append("licence")
        text = text[: m.start()]
    return text.rstrip()


def _first_paragraph_end(head: str) -> int:
    """Offset of the end of the first long (body) line of the header."""
    pos = 0
    for line in head.split("\n"):
        pos += len(line) + 1
        if len(line.strip()) > 60:
            return pos
    return len(head)


def read_header(text: str, meta: TextMetadata) -> None:
    """Fill `meta` from the header lines of `text` (the text is not changed)."""
    head = text[:_HEAD_CHARS]
    m = _HEADING_RE.search(head)
    if m and m.start() < 200:
        meta.title = m.group("title").strip()
    m = _EXCERPT_RE.search(head)
    if m:
        meta.issuer = m.group("pub").strip("《》")
        if m.group("y"):
            meta.published = _date(m.group("y"), m.group("m"), m.group("d"))
    m = _AUTHOR_QUOTE_RE.search(head)
    if m:
        meta.author = m.group("name")
    occasion_end = None
    m = _OCCASION_RE.search(head)
    if m:
        meta.published = meta.published or _date(m.group("y"), m.group("m"), m.group("d"))
        meta.occasion = m.group("occasion").strip()
        occasion_end = m.end()
    else:
        m = _OCCASION_NODATE_RE.search(head)
        if m:
            meta.occasion = m.group("occasion").strip()
            occasion_end = m.end()
        b = _BRACKET_DATE_RE.search(head)
        if b:
            meta.published = meta.published or _date(b.group("y"), b.group("m"), b.group("d"))
            if b.group("rest").strip().endswith("通过") and not meta.occasion:
                meta.occasion = b.group("rest").strip()[: -len("通过")] or None
            occasion_end = max(occasion_end or 0, b.end())
    m = _SPEAKER_RE.search(head)
    if m and _first_paragraph_end(head) < m.start():
        m = None  # a speaker line belongs before the body text
    if m:
        issuer = m.group("issuer")
        meta.issuer = meta.issuer or (issuer or None)
        meta.author = meta.author or m.group("name")
    elif occasion_end is not None and not meta.author:
        # A bare name line right after the occasion line: `习　近　平`.
        n = _NAME_LINE_RE.match(head, occasion_end + 1)
        if n is None:
            n = _NAME_LINE_RE.search(head, occasion_end, occasion_end + 40)
        if n:
            meta.author = n.group("name")


def extract_metadata(text: str) -> tuple[str, TextMetadata]:
    """Return the text without metadata footers, and the metadata found.

    >>> body, meta = extract_metadata("政府工作报告\\n\\n——2024年3月5日在第十四届全国人民代表大会第二次会议上\\n\\n国务院总理　\\n李强\\n\\n各位代表：")
    >>> meta.published, meta.occasion, meta.issuer, meta.author
    (datetime.date(2024, 3, 5), '第十四届全国人民代表大会第二次会议', '国务院', '李强')
    """
    meta = TextMetadata()
    text = strip_footers(text, meta)
    read_header(text, meta)
    return text, meta

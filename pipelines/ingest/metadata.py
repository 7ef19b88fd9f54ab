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
_BRACKET_DATE_RE = re.compile(r"^[ \t\u3000]*(?:#{1,6}[ \t]*)?[（(](?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日(?P<rest>[^\n）)]*)[）)][ \t\u3000]*$", re.M)
_ROLES = r"代?总理|代?省长|代?市长|代?区长|代?县长|代?州长|代?旗长|代?主席"
_SPEAKER_RE = re.compile(
    rf"^[ \t\u3000]*(?:(?P<issuer>[{HAN}]{{0,16}}(?:国务院|人民政府|委员会))|(?P<place>[{HAN}]{{2,8}}?(?:省|市|自治区|区|县|旗|州)))?"
    rf"(?P<role>{_ROLES})[ \t\u3000]*\n?[ \t\u3000]*(?P<name>[{HAN}](?:[ \t\u3000]?[{HAN}]){{1,3}})[ \t\u3000]*$",
    re.M,
)
# 发文字号 on a line of its own: `国发〔2025〕5号`, `中办发［2024］12号`.
_DOC_NUMBER_RE = re.compile(rf"^[ \t\u3000]*(?P<num>[{HAN}]{{1,10}}[〔\[［(（]\d{{4}}[〕\]］)）]\d{{1,4}}号)[ \t\u3000]*$", re.M)
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
    doc_number: str | None = None
    paper: str | None = None  # the newspaper a print comes from (`人民日报`)
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
    m = _DOC_NUMBER_RE.search(head)
    if m:
        meta.doc_number = m.group("num")
    m = _SPEAKER_RE.search(head)
    if m and _first_paragraph_end(head) < m.start():
        m = None  # a speaker line belongs before the body text
    if m:
        issuer = m.group("issuer") or (m.group("place") + "人民政府" if m.group("place") else None)
        meta.issuer = meta.issuer or issuer
        meta.author = meta.author or re.sub(r"[ \t\u3000]", "", m.group("name"))
    elif occasion_end is not None and not meta.author:
        # A bare name line right after the occasion line: `习　近　平`.
        n = _NAME_LINE_RE.match(head, occasion_end + 1)
        if n is None:
            # whole lines only: a window cut inside a line would make `$` match there
            stop = head.find("\n", occasion_end + 40)
            n = _NAME_LINE_RE.search(head, occasion_end, stop if stop >= 0 else len(head))
        if n:
            meta.author = n.group("name")


# 人民日报 prints: `> 本报记者  常  钦《人民日报》（2025年01月04日第 02 版）`; what
# stands before the paper's name is the byline (a reporter, or an issuing body).
_PRINT_LINE_RE = re.compile(r"^>\s*(?P<by>[^\n《]*?)\s*《(?P<paper>人民日报|光明日报|经济日报|求是)》[（(](?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日", re.M)
_KICKER_RE = re.compile(r"\A\s*###\s+(?P<kicker>[^\n]+)\n", re.M)
_BODY_END_RE = re.compile(r"(?:部|委|局|署|厅|办公室|委员会|中央|国务院|政治局|组织部)$")
# News leads: `据新华社北京1月1日电  （记者姜琳）`, `本报上海4月30日电`, `（综合本报记者孙秀艳和新华社记者徐鹏航、彭韵佳报道）`.
_DATELINE_RE = re.compile(r"^(?:据)?(?P<agency>新华社|本报)[^\n。，]{0,16}?电")
_REPORTER_RE = re.compile(rf"[（(]\s*(?:综合)?(?:本报|新华社)?记者\s*(?P<names>[{HAN}、·和 \u3000]{{2,40}}?)\s*(?:报道)?[）)]")
_REPORTERS_SPLIT = re.compile(r"(?:和)?(?:本报|新华社)?记者|[、和 \u3000]+")
# A central body issuing or adopting a text: `中共中央政治局召开会议`, `…常务委员会第十五次会议通过`.
_MEETING_BODY_RE = re.compile(rf"^(?P<body>中共中央政治局(?:常务委员会)?|国务院常务会议|中央[{HAN}]{{2,12}}委员会)(?:\d+月\d+日)?召开会议")
_ADOPTED_BY_RE = re.compile(rf"第[一二三四五六七八九十]+届(?P<body>[{HAN}]{{2,20}}?(?:常务委员会|代表大会))第[一二三四五六七八九十]+次(?:全体)?会议")
_ISSUERS_RE = re.compile(rf"(?:^|，)(?P<bodies>(?:(?:中共中央|国务院|中央军委|[{HAN}]{{2,12}}?(?:部|委|局|署|办公厅|办公室|委员会))[、和]?){{1,6}})(?:等[一二三四五六七八九十\d]+个?部门)?(?:\d{{1,2}}月\d{{1,2}}日|近日|日前|联合)*(?:印发|发布|出台)")
_DECREE_RE = re.compile(rf"^[ \t\u3000]*(?P<kind>中华人民共和国主席令|[{HAN}]{{2,20}}令)[ \t\u3000]*\n+[ \t\u3000]*(?P<num>第[{HAN}\d]{{1,8}}号)[ \t\u3000]*$", re.M)
_ARTICLE_BY_RE = re.compile(rf"发表(?:中共中央总书记、国家主席、中央军委主席)?(?P<name>[{HAN}]{{2,3}}?)(?:总书记|同志)?(?:的)?重要(?:文章|讲话)")


def _reporters(names: str) -> str | None:
    parts = [p for p in _REPORTERS_SPLIT.split(names) if p]
    return "、".join(parts) if parts else None


def read_print(text: str, meta: TextMetadata) -> None:
    """Fill `meta` from what a newspaper print carries around its body: the
    kicker above the title, the print line with its byline, a news dateline and
    the reporters, a decree number, and the body that adopted or issued the text."""
    head = text[:_HEAD_CHARS]
    kicker = _KICKER_RE.match(text)
    m = _PRINT_LINE_RE.search(head)
    if m:
        meta.paper = m.group("paper")
        meta.published = meta.published or _date(m.group("y"), m.group("m"), m.group("d"))
        by = re.sub(r"[ \t\u3000]+", "", m.group("by"))
        if by.startswith("本报记者") and len(by) > 4:
            meta.author = meta.author or by.removeprefix("本报记者")
            meta.issuer = meta.issuer or m.group("paper")
        elif by and _BODY_END_RE.search(by):
            meta.issuer = meta.issuer or by
        elif by:
            meta.author = meta.author or by
    body = text[text.find("\n", m.end()) + 1:] if m and "\n" in text[m.end():] else ("" if m else text)
    first = next((line.strip() for line in body.split("\n") if line.strip() and not line.startswith(">")), "")
    # The paper's own report: its dateline opens the body, or the story after a print's summary bullets.
    dateline = next((d for line in body[:2000].split("\n") if (d := _DATELINE_RE.match(line.strip()))), None)
    if dateline and dateline.group("agency") == "本报" and m:
        meta.issuer = meta.issuer or m.group("paper")
    for source in ([kicker.group("kicker")] if kicker else []) + [first]:
        if (b := _MEETING_BODY_RE.search(source)) and not meta.issuer:
            meta.issuer = b.group("body")
        if (a := _ARTICLE_BY_RE.search(source)) and not meta.author:
            meta.author = a.group("name")
    r = _REPORTER_RE.search(first) or _REPORTER_RE.search(text[-200:])
    if r and not meta.author:
        meta.author = _reporters(r.group("names"))
    lead = re.sub(r"^(?:据)?(?:新华社|本报)[^\n。，]{0,16}?电[ \t\u3000]*(?:[（(][^）)]*[）)])?[ \t\u3000]*", "", first)
    if (i := _ISSUERS_RE.search(lead.split("。")[0])) and not meta.issuer:
        meta.issuer = re.sub(r"[、和]$", "", i.group("bodies")).replace("和", "、")
    if (dn := _DECREE_RE.search(head)) and not meta.doc_number:
        meta.doc_number = dn.group("kind") + dn.group("num")
    if meta.occasion and (a := _ADOPTED_BY_RE.search(meta.occasion)) and not meta.issuer:
        meta.issuer = a.group("body")


def extract_metadata(text: str) -> tuple[str, TextMetadata]:
    """Return the text without metadata footers, and the metadata found.

    >>> body, meta = extract_metadata("政府工作报告\\n\\n——2024年3月5日在第十四届全国人民代表大会第二次会议上\\n\\n国务院总理　\\n李强\\n\\n各位代表：")
    >>> meta.published, meta.occasion, meta.issuer, meta.author
    (datetime.date(2024, 3, 5), '第十四届全国人民代表大会第二次会议', '国务院', '李强')
    """
    meta = TextMetadata()
    text = strip_footers(text, meta)
    read_header(text, meta)
    read_print(text, meta)
    return text, meta

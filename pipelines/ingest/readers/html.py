"""Saved web pages (`.html`, `.htm`): the article's main text and the page's metadata.

The main text is extracted with trafilatura (precision mode), which kept every
article sentence and no navigation on our saved pages where readability-lxml
kept link blocks and GNE took a sidebar for the article
(`benchmarks/html_extractors.py` measures the three). Paragraph breaks are kept
(a blank line between paragraphs), so the structure survives.

Metadata, first found wins: the `<meta>` tags gov.cn and provincial portals
write (`ArticleTitle`, `PubDate`, `firstpublishedtime`, `ContentSource`), the
info table of gov.cn policy pages (`索引号`, `发文机关`, `发文字号`, `成文日期`,
`发布日期`, `主题分类`), then trafilatura's title and date. A page whose main
text is too short to be a document (an index or navigation page) is rejected
with the reason.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

import lxml.html

from pipelines.ingest.readers.base import FieldMap, RawRecord, decode, source_name
from pipelines.lang.zh.script import HAN_RE
from pipelines.records import Rejection

MIN_HAN = 100  # Han characters of main text below which a page is no document
_META = {  # <meta name> (lower case) -> metadata field
    "articletitle": "title", "pubdate": "published", "firstpublishedtime": "published", "publishdate": "published",
    "contentsource": "issuer", "source": "issuer", "author": "author", "url": "url",
}
_INFO = {"发文机关": "issuer", "发文字号": "doc_number", "成文日期": "published", "发布日期": "published_on_site",
         "索引号": "index_number", "主题分类": "topic", "标题": "title"}
_INFO_RE = re.compile(r"(" + "|".join(_INFO) + r")\s*[：:]\s*")
_SITE_SUFFIX = re.compile(r"\s*(?:[-_|—–]{1,2}\s*[^-_|—–]{1,20})+$")


def page_metadata(tree) -> dict:
    """Metadata from `<meta>` tags and a gov.cn info table."""
    meta: dict = {}
    for el in tree.iter("meta"):
        name = (el.get("name") or el.get("property") or "").strip().lower()
        value = (el.get("content") or "").strip()
        field = _META.get(name)
        if field == "issuer":
            value = re.sub(r"^来源[：:]\s*", "", value).split(" ")[0]
        if field and value and field not in meta:
            meta[field] = value
    cells = [re.sub(r"\s+", " ", c.text_content()).strip() for c in tree.iter("td", "th", "li", "span", "p")]
    for i, cell in enumerate(cells):
        label = cell.rstrip("：: ")
        if label in _INFO and i + 1 < len(cells) and cells[i + 1] and _INFO[label] not in meta:
            meta[_INFO[label]] = cells[i + 1]
        elif (m := _INFO_RE.match(cell)) and cell[m.end():] and _INFO[m.group(1)] not in meta:
            meta[_INFO[m.group(1)]] = cell[m.end():].split(" ")[0]
    title = tree.findtext(".//title")
    if title and "title" not in meta:
        meta["title"] = _SITE_SUFFIX.sub("", title.strip()) or title.strip()
    return meta


def main_text(html: str, title: str | None = None) -> str:
    """The article's paragraphs, separated by blank lines; a line repeating the
    title is left out (it is metadata)."""
    import trafilatura  # loaded for HTML input only (about half of `pipelines.ingest`'s import time)

    text = trafilatura.extract(html, favor_precision=True, include_tables=True, include_comments=False) or ""
    paragraphs = [p.strip() for p in text.split("\n") if p.strip()]
    if title:
        paragraphs = [p for p in paragraphs if p != title.strip()]
    return "\n\n".join(paragraphs)


def read(path: Path, data: bytes, fields: FieldMap) -> Iterator[RawRecord | Rejection]:
    name = source_name(path)
    decoded = decode(name, data)
    if isinstance(decoded, Rejection):
        yield decoded
        return
    html, encoding = decoded
    try:
        tree = lxml.html.fromstring(html.encode("utf-8"), parser=lxml.html.HTMLParser(encoding="utf-8"))
    except (lxml.etree.ParserError, ValueError) as exc:
        yield Rejection(name, f"not an HTML page ({exc})")
        return
    meta = page_metadata(tree)
    if "published" not in meta:
        import trafilatura

        found = trafilatura.extract_metadata(html)
        if found is not None and found.date:
            meta["published"] = found.date
    text = main_text(html, meta.get("title"))
    n_han = len(HAN_RE.findall(text))
    if n_han < MIN_HAN:
        yield Rejection(name, f"no article found: the page's main text has {n_han} Chinese characters "
                              f"(fewer than {MIN_HAN}), so it is an index or navigation page, not a document")
        return
    record = {k: v for k, v in meta.items() if k in ("title", "published", "issuer", "author", "url", "doc_number")}
    extra = {k: v for k, v in meta.items() if k in ("index_number", "topic", "published_on_site")}
    yield RawRecord(text=text, source=name, encoding=encoding, sha256=hashlib.sha256(data).hexdigest(),
                    meta={**fields.metadata(record), **({"page": extra} if extra else {})})

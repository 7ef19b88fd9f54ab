"""What every reader shares: the raw record it yields and the field map it reads with."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.ingest.encoding import decode_bytes
from pipelines.records import InputError, Rejection


@dataclass
class RawRecord:
    """A decoded document before cleaning, with metadata its container gave."""

    text: str
    source: str
    encoding: str
    sha256: str
    meta: dict = field(default_factory=dict)


Reader = Callable[[Path, bytes, "FieldMap"], Iterator["RawRecord | Rejection"]]


# Metadata fields and the input keys they are read from, first match wins.
# Besides the usual names, these cover the front matter written by common
# crawlers of government sites (`doc_title`, `source_url`, `published_at`).
DEFAULT_FIELDS: dict[str, tuple[str, ...]] = {
    "text": ("content", "text", "body", "full_text", "正文", "内容"),
    "title": ("title", "doc_title", "标题", "name"),
    "published": ("published", "published_at", "date", "pubdate", "publish_date", "pub_date", "日期", "发布日期", "成文日期"),
    "year": ("year", "年份"),
    "url": ("url", "source_url", "link", "链接"),
    "author": ("author", "authors", "作者"),
    "issuer": ("issuer", "publisher", "agency", "发文机关", "来源"),
    "doc_type": ("type", "doc_type"),
    "doc_number": ("doc_number", "发文字号", "文号"),
    "region": ("region", "province", "省份", "地区"),
    "level": ("level", "层级"),
}


class FieldMap:
    """Which input keys fill which metadata field; users may add their own.

    >>> FieldMap({"text": "正文"}).pick({"正文": "……", "content": "x"}, "text")
    '……'
    """

    def __init__(self, overrides: dict[str, str] | None = None):
        self.keys = {name: list(keys) for name, keys in DEFAULT_FIELDS.items()}
        for name, key in (overrides or {}).items():
            self.keys.setdefault(name, [])
            self.keys[name].insert(0, key)

    def pick(self, record: dict, name: str):
        for key in self.keys.get(name, ()):
            value = record.get(key)
            if value not in (None, ""):
                return value
        return None

    def metadata(self, record: dict) -> dict:
        return {name: v for name in self.keys if name != "text" and (v := self.pick(record, name)) is not None}


def source_name(path: str | os.PathLike) -> str:
    """The path as text, for `source` and messages. A file name that is not UTF-8 (a GBK
    name from an archive made on Chinese Windows) comes from the file system as
    surrogates, which no Parquet file can hold: each such part of the path is read as
    GB18030 where it decodes so, else its bytes are shown as `\\xNN`.

    >>> source_name(os.fsdecode(b"in/\\xd5\\xfe\\xb8\\xae.txt")), source_name(os.fsdecode(b"in/\\xff.txt"))
    ('in/政府.txt', 'in/\\\\xff.txt')
    """
    text = os.fspath(path)
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        pass
    parts = []
    for part in text.split(os.sep):
        try:
            part.encode("utf-8")
        except UnicodeEncodeError:
            raw = os.fsencode(part)
            try:
                part = raw.decode("gb18030")
            except UnicodeDecodeError:
                part = raw.decode("utf-8", "backslashreplace")
        parts.append(part)
    return os.sep.join(parts)


def decode(name: str, data: bytes) -> tuple[str, str] | Rejection:
    """`(text, encoding)` of a text-based input named `name` (`source_name`), or its
    rejection with the reason."""
    try:
        return decode_bytes(data, name)
    except InputError as exc:
        return Rejection(name, str(exc).removeprefix(f"{name}: "))

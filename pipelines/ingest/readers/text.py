"""Plain text and markdown: one document a file, optional YAML front matter."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

import yaml

from pipelines.ingest.encoding import decode_bytes
from pipelines.ingest.readers.base import FieldMap, RawRecord, source_name
from pipelines.records import InputError, Rejection

_FRONT_MATTER_RE = re.compile(r"\A---[ \t]*\r?\n(?P<yaml>.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S)


def split_front_matter(text: str, name: str) -> tuple[dict, str]:
    """Return `(front_matter, body)`; a file without front matter gives `({}, text)`."""
    m = _FRONT_MATTER_RE.match(text)
    if not m:
        return {}, text
    try:
        data = yaml.safe_load(m.group("yaml"))
    except yaml.YAMLError as exc:
        raise InputError(f"{name}: front matter is not valid YAML ({exc.__class__.__name__}: {getattr(exc, 'problem', exc)})") from exc
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InputError(f"{name}: front matter must be a mapping of fields, got {type(data).__name__}")
    return data, text[m.end():]


def read(path: Path, data: bytes, fields: FieldMap) -> Iterator[RawRecord | Rejection]:
    name = source_name(path)
    try:
        text, encoding = decode_bytes(data, name)
        front, body = split_front_matter(text, name)
    except InputError as exc:
        yield Rejection(name, str(exc).removeprefix(f"{name}: "))
        return
    if not body.strip():
        yield Rejection(name, "no text after the front matter")
        return
    yield RawRecord(
        text=body,
        source=name,
        encoding=encoding,
        sha256=hashlib.sha256(data).hexdigest(),
        meta=fields.metadata(front),
    )

"""JSON Lines corpora: one document per line, fields mapped by `FieldMap`.

`source` is `path:line`; `sha256` is of that line's bytes. A malformed line
is rejected by its line number; the other lines are still read.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

from pipelines.ingest.readers.base import FieldMap, RawRecord, decode, source_name
from pipelines.records import Rejection


def read(path: Path, data: bytes, fields: FieldMap) -> Iterator[RawRecord | Rejection]:
    name = source_name(path)
    decoded = decode(name, data)
    if isinstance(decoded, Rejection):
        yield decoded
        return
    text, encoding = decoded
    raw_lines = data.split(b"\n") if encoding in ("utf-8", "utf-8-sig") else None
    for lineno, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        source = f"{name}:{lineno}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Rejection(source, f"malformed JSON ({exc.msg} at column {exc.colno})")
            continue
        if not isinstance(record, dict):
            yield Rejection(source, f"a JSONL line must be an object, got {type(record).__name__}")
            continue
        body = fields.pick(record, "text")
        if not isinstance(body, str) or not body.strip():
            keys = "/".join(fields.keys["text"])
            yield Rejection(source, f"no text: none of the fields {keys} holds a non-empty string (name the text field with --field text=KEY)")
            continue
        line_bytes = raw_lines[lineno - 1].rstrip(b"\r") if raw_lines and lineno <= len(raw_lines) else line.encode("utf-8")
        yield RawRecord(
            text=body,
            source=source,
            encoding=encoding,
            sha256=hashlib.sha256(line_bytes).hexdigest(),
            meta=fields.metadata(record),
        )

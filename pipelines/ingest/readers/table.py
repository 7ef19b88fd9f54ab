"""CSV and TSV exports: one document per row, fields mapped by `FieldMap`.

The header row names the columns; `--field text=COLUMN` names the text column
when it is not one of the usual names (`content`, `text`, `full_text`, `正文`,
…), as for JSONL. A byte-order mark is handled by the decoder. `source` is
`path:line` of the row's first line, and `sha256` is of the row's lines. A row
with the wrong number of fields, or an unterminated quote, is rejected by
`path:line` with the reason; the other rows are still read.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterator
from pathlib import Path

from pipelines.ingest.readers.base import FieldMap, RawRecord, decode, source_name
from pipelines.records import Rejection

csv.field_size_limit(1 << 30)  # a whole report sits in one field


def read(path: Path, data: bytes, fields: FieldMap) -> Iterator[RawRecord | Rejection]:
    name = source_name(path)
    decoded = decode(name, data)
    if isinstance(decoded, Rejection):
        yield decoded
        return
    text, encoding = decoded
    text = text.lstrip("\ufeff")
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    lines = text.splitlines(keepends=True)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        yield Rejection(name, f"no header row ({exc})" if isinstance(exc, csv.Error) else "no header row")
        return
    header = [h.strip() for h in header]
    first_line = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield Rejection(f"{name}:{first_line}", f"malformed CSV row ({exc})")
            return
        source = f"{name}:{first_line}"
        row_lines = "".join(lines[first_line - 1:reader.line_num])
        first_line = reader.line_num + 1
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            yield Rejection(source, f"malformed CSV row: {len(row)} fields where the header has {len(header)}")
            continue
        record = dict(zip(header, row))
        body = fields.pick(record, "text")
        if not isinstance(body, str) or not body.strip():
            keys = "/".join(fields.keys["text"])
            yield Rejection(source, f"no text: none of the columns {keys} holds text (name the text column with --field text=COLUMN)")
            continue
        yield RawRecord(
            text=body,
            source=source,
            encoding=encoding,
            sha256=hashlib.sha256(row_lines.encode("utf-8")).hexdigest(),
            meta=fields.metadata(record),
        )

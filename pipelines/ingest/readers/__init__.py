"""One reader per input format, all behind the same signature.

A reader takes the path, its bytes and a field map, and yields `RawRecord`s
(one per document) or `Rejection`s (one per unreadable part). Adding a format
means adding a module here and one line to `READERS`.
"""

from __future__ import annotations

from pipelines.ingest.readers import docx, html, jsonl, pdf, table, text
from pipelines.ingest.readers.base import DEFAULT_FIELDS, FieldMap, RawRecord, Reader

__all__ = ["READERS", "SUFFIXES", "DEFAULT_FIELDS", "FieldMap", "RawRecord", "Reader"]

# Reader of each file suffix.
READERS: dict[str, Reader] = {
    ".txt": text.read, ".md": text.read, ".markdown": text.read,
    ".jsonl": jsonl.read,
    ".csv": table.read, ".tsv": table.read,
    ".html": html.read, ".htm": html.read,
    ".pdf": pdf.read,
    ".docx": docx.read,
}
SUFFIXES = tuple(READERS)

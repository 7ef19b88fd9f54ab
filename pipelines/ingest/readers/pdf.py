"""PDF files: the text layer, read with pypdf.

pypdf is pure Python (no system library), BSD-licensed, maintained, and reads
the CID fonts Chinese PDFs use; pdfplumber (on pdfminer.six) gave the same text
here at a fraction of the speed, and PyMuPDF is AGPL. There is no OCR: a PDF
without a text layer (a scan) is rejected with that reason, and so is an
encrypted PDF that needs a password.

Page furniture is removed: a line that repeats at the top or bottom of most
pages (a running header, the issuing body, `国务院公报`), and page numbers
(`— 3 —`, `第3页`, `3/12`). Lines broken by the page width are joined back into
paragraphs: a line that fills the width of the text goes on with the next one,
across page ends too, unless the next one is indented (Chinese paragraphs open
with two blank characters) or opens a numbered unit (`一、`, `（一）`,
`第一条`). A short line (a title, a heading, a paragraph's last line) ends its
paragraph. Paragraphs are separated by blank lines.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from pipelines.ingest.readers.base import FieldMap, RawRecord, source_name
from pipelines.records import Rejection

_PAGE_NUMBER = re.compile(r"^[\s—–\-·]*(?:第\s*)?\d{1,4}(?:\s*页)?(?:\s*/\s*\d{1,4})?[\s—–\-·]*$")
_OPENS_UNIT = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|第[一二三四五六七八九十百零\d]+[章节条篇部分]|\d+[.．、]|[■●◆—])")
_MIN_TEXT = 20  # non-blank characters in the whole PDF below which it has no text layer


_DIGITS = re.compile(r"\d+")


def _shape(line: str) -> str:
    """A line with its numbers masked, as running headers repeat it (`第3页` ~ `第4页`)."""
    return _DIGITS.sub("#", line)


def _furniture(pages: list[list[str]]) -> set[str]:
    """Lines that open or close most pages (digits masked): running headers and footers."""
    if len(pages) < 3:
        return set()
    edges: Counter[str] = Counter()
    for lines in pages:
        for line in {*lines[:2], *lines[-2:]}:
            edges[_shape(line)] += 1
    return {line for line, n in edges.items() if n >= max(3, len(pages) // 2 + 1)}


def paragraphs(pages: list[str]) -> list[str]:
    """The text of the pages as paragraphs, without headers, footers and page numbers."""
    raw = [[line.rstrip() for line in page.splitlines() if line.strip()] for page in pages]
    split = [[line.strip() for line in lines] for lines in raw]
    furniture = _furniture(split)
    lengths = sorted(len(line) for lines in split for line in lines)
    full = 0.85 * lengths[int(0.8 * (len(lengths) - 1))] if lengths else 0  # the width of a full line
    out: list[str] = []
    open_line = False  # the last paragraph goes on (its last line ended mid-sentence)
    for lines, raw_lines in zip(split, raw):
        for line, raw_line in zip(lines, raw_lines):
            if _PAGE_NUMBER.match(line) or _shape(line) in furniture:
                continue
            indented = raw_line[:1] in (" ", "\u3000", "\t")
            if open_line and out and not indented and not _OPENS_UNIT.match(line):
                out[-1] += line
            else:
                out.append(line)
            open_line = len(line) >= full
    return out


def read(path: Path, data: bytes, fields: FieldMap) -> Iterator[RawRecord | Rejection]:
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PdfReadError

    name = source_name(path)
    try:
        pdf = PdfReader(io.BytesIO(data))
        if pdf.is_encrypted and not pdf.decrypt(""):
            yield Rejection(name, "encrypted PDF: it needs a password to be read")
            return
        pages = [page.extract_text() or "" for page in pdf.pages]
    except FileNotDecryptedError:
        yield Rejection(name, "encrypted PDF: it needs a password to be read")
        return
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        yield Rejection(name, f"not a readable PDF ({type(exc).__name__}: {exc})")
        return
    if sum(len(re.sub(r"\s", "", p)) for p in pages) < _MIN_TEXT:
        yield Rejection(name, f"no text layer: a scanned PDF of {len(pages)} page(s); policytrace does no OCR")
        return
    info = pdf.metadata or {}
    record = {"title": info.get("/Title") or None, "author": info.get("/Author") or None}
    yield RawRecord(text="\n\n".join(paragraphs(pages)), source=name, encoding="pdf", sha256=hashlib.sha256(data).hexdigest(),
                    meta=fields.metadata({k: str(v) for k, v in record.items() if v}))

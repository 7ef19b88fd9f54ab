"""Word documents (`.docx`), read with python-docx.

Paragraphs are separated by blank lines. A paragraph in a heading style
(`Heading 1`…, `标题 1`…) is written as a markdown heading (`## 一、总体要求`), so
the task extractor sees a heading as it does in markdown; the `Title` style
gives the title. The core properties give title, author and date when the
body does not. Tables are read row by row, cells separated by tabs. A file
python-docx cannot open (truncated, not a Word file) is rejected with the reason.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

from pipelines.ingest.readers.base import FieldMap, RawRecord, source_name
from pipelines.records import Rejection

_HEADING = re.compile(r"^(?:heading|标题)\s*(\d)$", re.I)


def read(path: Path, data: bytes, fields: FieldMap) -> Iterator[RawRecord | Rejection]:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    name = source_name(path)
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError) as exc:
        yield Rejection(name, f"not a readable .docx file ({type(exc).__name__}: {exc})")
        return
    blocks: list[str] = []
    title = None
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            para = docx.text.paragraph.Paragraph(child, document)
            text = para.text.strip()
            if not text:
                continue
            style = (para.style.name if para.style is not None else "") or ""
            m = _HEADING.match(style)
            if style.lower() == "title" and title is None:
                title = text
                blocks.append(f"# {text}")
            elif m:
                blocks.append("#" * (int(m.group(1)) + 1) + " " + text)
            else:
                blocks.append(text)
        elif tag == "tbl":
            table = docx.table.Table(child, document)
            for row in table.rows:
                cells = [c.text.strip() for c in row.cells]
                if any(cells):
                    blocks.append("\t".join(cells))
    if not blocks:
        yield Rejection(name, "no text: the Word document has no paragraph with text")
        return
    props = document.core_properties
    record = {"title": title or props.title or None, "author": props.author or None,
              "published": props.created.date().isoformat() if props.created else None}
    yield RawRecord(text="\n\n".join(blocks), source=name, encoding="docx", sha256=hashlib.sha256(data).hexdigest(),
                    meta=fields.metadata({k: v for k, v in record.items() if v}))

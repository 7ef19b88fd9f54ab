"""Ingest: find input files, read them, and turn them into clean `Document`s.

>>> docs, rejected = read_documents(["seeds"])
>>> docs[0].title, docs[0].author, str(docs[0].published)
('何立峰同志署名文章：因地制宜发展新质生产力', '何立峰', '2025-11-11')
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from pipelines.ingest.clean import clean_text
from pipelines.ingest.kinds import (
    doc_type_of,
    level_and_region,
    plain_title,
    title_issuers,
)
from pipelines.ingest.metadata import extract_metadata
from pipelines.ingest.noise import rules as noise_rules
from pipelines.ingest.noise import strip_noise
from pipelines.ingest.readers import READERS, SUFFIXES, FieldMap, RawRecord
from pipelines.ingest.readers.base import source_name
from pipelines.records import Document, Rejection

__all__ = ["discover", "load_files", "iter_records", "read_documents", "documents_from", "to_document", "FieldMap"]


# Files that describe a folder rather than hold a policy text. They are skipped
# when a folder is searched, and read when named directly.
_FOLDER_DOC_RE = re.compile(r"^(README|CHANGELOG|LICENSE|LICENCE|CONTRIBUTING|NOTICE)(\.|$)", re.I)


def discover(paths: Iterable[str | os.PathLike]) -> tuple[list[Path], list[Rejection], list[Rejection]]:
    """Input files under `paths` (folders searched recursively), sorted; then
    rejections; then the files inside folders that no reader takes, each with
    the reason, so that nothing is skipped silently.

    Hidden files and folder documentation (`README.md`, `LICENSE`, ...) are
    passed over inside folders.

    A path that does not exist, or a named file of a format we do not read, is
    returned as a rejection rather than raising.
    """
    found: list[Path] = []
    rejected: list[Rejection] = []
    skipped: list[Rejection] = []
    for p in map(Path, paths):
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if not f.is_file() or _FOLDER_DOC_RE.match(f.name) or any(part.startswith(".") for part in f.relative_to(p).parts):
                    continue
                if f.suffix.lower() in SUFFIXES:
                    found.append(f)
                else:
                    skipped.append(Rejection(source_name(f), f"no reader for {f.suffix or 'files without a suffix'} yet: policytrace reads {', '.join(SUFFIXES)}"))
        elif p.is_file():
            if p.suffix.lower() in SUFFIXES:
                found.append(p)
            else:
                rejected.append(Rejection(source_name(p), f"unsupported file type {p.suffix or '(none)'}: policytrace reads {', '.join(SUFFIXES)}"))
        else:
            rejected.append(Rejection(source_name(p), "no such file or folder"))
    unique = list(dict.fromkeys(found))
    return unique, rejected, skipped


def _as_date(value) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    m = re.match(r"\s*(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})", str(value))
    if m:
        try:
            return dt.date(*map(int, m.groups()))
        except ValueError:
            return None
    return None


def _as_year(value) -> int | None:
    if value is None:
        return None
    m = re.match(r"\s*(\d{4})", str(value))
    return int(m.group(1)) if m else None


def _as_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return "、".join(str(v) for v in value) or None
    return str(value).strip() or None


_ISSUER_FROM_TITLE = (
    (re.compile(r"国务院政府工作报告|国务院"), "国务院"),
    (re.compile(r"全国人民代表大会.*决议"), "全国人民代表大会"),
)


def _placeholder(title: str | None) -> bool:
    """A scraper's placeholder (`未知标题`) is no title."""
    return bool(title) and any(r.kind == "placeholder_title" and r.regex.fullmatch(title.strip()) for r in noise_rules())


def to_document(raw: RawRecord) -> Document:
    """Clean a raw record and read its metadata; container fields win."""
    text, noise, head_meta = strip_noise(clean_text(raw.text))
    text, found = extract_metadata(text)
    given = raw.meta
    title = _as_text(given.get("title"))
    title = None if _placeholder(title) else title
    title = title or found.title
    if title is None:
        first = next((line.strip() for line in text.split("\n") if line.strip()), "")
        title = first.lstrip("# ") if 0 < len(first) <= 40 else None
    published = _as_date(given.get("published")) or found.published or _as_date(head_meta.get("date"))
    year = _as_year(given.get("year")) or (published.year if published else None)
    if year is None and title:
        year = _as_year(re.match(r"\d{4}(?=年)", title) and title)
    issuer = _as_text(given.get("issuer")) or found.issuer or title_issuers(title)
    doc_type = _as_text(given.get("doc_type"))
    for pattern, value in _ISSUER_FROM_TITLE if issuer is None and title else ():
        if pattern.search(title):
            issuer = value
            break
    author = _as_text(given.get("author")) or found.author
    if author and re.search(r"(?:部|委|局|署|厅|办公室|委员会)$", author):
        issuer, author = issuer or author, None  # a body signs a communique: it is the issuer
    if author and re.fullmatch(r"[\u3400-\u9fff][\u3400-\u9fff \t\u3000]{1,6}", author):
        author = re.sub(r"[ \t\u3000]+", "", author)  # `常  钦`: a print's spaced name
    doc_type = doc_type or doc_type_of(title, text, given)
    if issuer is None and found.paper and doc_type in ("editorial", "explainer"):
        issuer = found.paper  # the paper's own editorials and explainers
    title = plain_title(title)
    if doc_type is None and found.issuer and found.author and found.published and not found.occasion:
        doc_type = "article"
    level, region = level_and_region(_as_text(given.get("level")), _as_text(given.get("region")), issuer, title, found.occasion)
    if level is None and region is None and (found.paper or doc_type in ("cpc_congress_report", "npc_resolution")):
        level = "national"  # a national paper's print, a Party congress, the NPC
    extra = {k: v for k, v in {"reposted_by": found.reposted_by, "removed_footers": found.removed_footers,
                               "removed_lines": [f"{kind}: {line}" for kind, line in noise],
                               "source_name": head_meta.get("source")}.items() if v}
    return Document(
        doc_id=hashlib.sha256(text.encode("utf-8")).hexdigest()[:16],
        text=text,
        source=raw.source,
        encoding=raw.encoding,
        sha256=raw.sha256,
        title=title,
        issuer=issuer,
        author=author,
        published=published,
        year=year,
        url=_as_text(given.get("url")) or found.url,
        occasion=found.occasion,
        doc_type=doc_type,
        doc_number=_as_text(given.get("doc_number")) or found.doc_number,
        level=level,
        region=region,
        extra=extra,
    )


def max_file_bytes() -> int:
    """The largest input file a build reads: `$POLICYTRACE_MAX_FILE_MB` (default 100) MB.
    A file is read whole, and its documents are held until the version is written, so
    a bigger one is refused by name rather than exhausting memory."""
    return int(float(os.environ.get("POLICYTRACE_MAX_FILE_MB", "100")) * 2**20)


def _mb(n: int) -> str:
    x = n / 2**20
    return f"{x:,.0f}" if x >= 10 else f"{x:.2g}"


def load_files(files: Iterable[Path]) -> tuple[list[tuple[Path, bytes]], list[Rejection]]:
    """Read each file's bytes once; unreadable and oversized files become rejections."""
    loaded, rejected = [], []
    limit = max_file_bytes()
    for path in files:
        try:
            size = path.stat().st_size
            if size > limit:
                rejected.append(Rejection(source_name(path), f"{_mb(size)} MB, over the {_mb(limit)} MB limit for one "
                                          "input file (POLICYTRACE_MAX_FILE_MB): split it, JSONL and CSV into several files"))
                continue
            loaded.append((path, path.read_bytes()))
        except OSError as exc:
            rejected.append(Rejection(source_name(path), f"cannot be read ({exc.strerror})"))
    return loaded, rejected


def iter_records(loaded: Iterable[tuple[Path, bytes]], fields: FieldMap | None = None) -> Iterator[RawRecord | Rejection]:
    """Raw records (or rejections) from files already read by `load_files`."""
    fields = fields or FieldMap()
    for path, data in loaded:
        yield from READERS[path.suffix.lower()](path, data, fields)


def read_documents(
    paths: Iterable[str | os.PathLike], fields: FieldMap | None = None
) -> tuple[list[Document], list[Rejection]]:
    """Read every input under `paths`; return documents and rejections.

    Two inputs with the same cleaned text are one document (same `doc_id`);
    the later one is rejected as a duplicate, naming the first.
    """
    files, rejected, _ = discover(paths)
    loaded, unreadable = load_files(files)
    docs, more = documents_from(iter_records(loaded, fields))
    return docs, rejected + unreadable + more


_SURROGATE = re.compile("[\ud800-\udfff]")


def _lone_surrogate(item: RawRecord) -> str | None:
    """Why the record is not text, if a field holds half a UTF-16 pair (a JSON `\\ud800`
    escape without its partner): no such character exists, and no Parquet file can hold it."""
    fields = [("text", item.text)] + [(k, v) for k, v in (item.meta or {}).items()]
    for name, value in fields:
        for s in value if isinstance(value, (list, tuple)) else [value]:
            m = _SURROGATE.search(s) if isinstance(s, str) else None
            if m:
                return (f"not valid text: field {name!r} holds a lone UTF-16 surrogate \\u{ord(m.group()):04x} "
                        f"at character {m.start()} (half of an escaped pair, e.g. a JSON \\u{ord(m.group()):04x} without its partner)")
    return None


def documents_from(items: Iterable[RawRecord | Rejection]) -> tuple[list[Document], list[Rejection]]:
    """Clean raw records into documents; pass rejections through; reject
    empty texts and duplicates (same cleaned text as an earlier input)."""
    docs: list[Document] = []
    rejected: list[Rejection] = []
    seen: dict[str, str] = {}
    for item in items:
        if isinstance(item, Rejection):
            rejected.append(item)
            continue
        bad = _lone_surrogate(item)
        if bad:
            rejected.append(Rejection(item.source, bad))
            continue
        doc = to_document(item)
        if not doc.text.strip():
            rejected.append(Rejection(item.source, "no text left after cleaning"))
        elif doc.doc_id in seen:
            rejected.append(Rejection(item.source, f"duplicate of {seen[doc.doc_id]} (same text, doc_id {doc.doc_id})"))
        else:
            seen[doc.doc_id] = item.source
            docs.append(doc)
    return docs, rejected

"""Comparing a newer policy document with an older one: tasks, targets, terms.

`compare(out, a, b)` reads both documents' tables from the dataset in `out`
and returns the three comparison tables: `compare_tasks` (units aligned by
content: kept, modified, moved, new, dropped; `pipelines.compare.tasks`),
`compare_figures` (targets paired by metric; `pipelines.compare.figures`) and
`compare_terms` (keyness by G²; `pipelines.compare.terms`). `resolve` finds a
document by doc_id or a title fragment and names the candidates when the
fragment matches none or several.
"""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache

import pyarrow as pa
import pyarrow.compute as pc

from pipelines.compare.figures import pair_figures
from pipelines.compare.tasks import (
    _BODY_CHARS,
    KEPT,
    MATCH,
    Unit,
    align,
    fit_vectorizer,
)
from pipelines.compare.terms import g2, log_ratio, status_of
from pipelines.lang.zh.segment import DEFAULT_USERDICT, Tagger, read_userdict
from pipelines.store.dataset import Dataset, Part
from pipelines.store.schemas import SCHEMAS, to_table

TERM_KINDS = ("word", "dictionary", "quoted")


class CompareError(ValueError):
    """A document to compare cannot be found, or not only one."""


@dataclass(frozen=True)
class DocRef:
    doc_id: str
    title: str | None
    year: int | None
    published: object


def resolve(documents: pa.Table, ref: str) -> DocRef:
    """The document whose doc_id is `ref`, or whose title contains `ref` (one only)."""
    rows = documents.select(["doc_id", "title", "year", "published"]).to_pylist()
    hits = [r for r in rows if r["doc_id"] == ref] or [r for r in rows if ref and ref in (r["title"] or "")]
    if len(hits) != 1:
        if not hits:
            raise CompareError(f"no document matches {ref!r}: give a doc_id or a fragment of one title "
                               f"(`policytrace sql \"SELECT doc_id, title FROM documents\"` lists them)")
        listed = "\n".join(f"  {r['doc_id']}  {r['year'] or '    '}  {r['title']}" for r in hits[:20])
        more = f"\n  … and {len(hits) - 20} more" if len(hits) > 20 else ""
        raise CompareError(f"{len(hits)} documents match {ref!r}; name one by doc_id or a longer fragment:\n{listed}{more}")
    r = hits[0]
    return DocRef(r["doc_id"], r["title"], r["year"], r["published"])


def _rows(table: pa.Table, doc_id: str) -> list[dict]:
    return table.filter(pc.equal(table["doc_id"], doc_id)).to_pylist()


@lru_cache(maxsize=1)
def tagger() -> Tagger:
    """The tokenizer's words (jieba via rjieba, the shipped dictionary), made once."""
    return Tagger(read_userdict(DEFAULT_USERDICT))


def units_of(tasks: list[dict], tokens: list[dict]) -> list[Unit]:
    """The units of one document with their own text (up to their first child) and words."""
    first_child: dict[str, int] = {}
    for t in tasks:
        if t["parent_id"]:
            first_child[t["parent_id"]] = min(first_child.get(t["parent_id"], t["start"]), t["start"])
    starts = [t["start"] for t in tokens]
    out = []
    for t in tasks:
        end = min(first_child.get(t["task_id"], t["end"]), t["start"] + _BODY_CHARS)
        lo, hi = bisect.bisect_left(starts, t["start"]), bisect.bisect_left(starts, end)
        words = tuple(tok["text"] for tok in tokens[lo:hi])
        # A unit is compared by all it says, its children's text included (a 2023 section of one
        # paragraph holds what 2024 splits into lead paragraphs); words are those of its own text.
        out.append(Unit(t["task_id"], t["parent_id"], t["depth"], t["kind"], t["path"], t["title"], t["text"][:3000], words,
                        tuple(tagger().tag(t["title"])[0])))
    return out


def same_document(a: DocRef, b: DocRef) -> None:
    """Named twice on the command line, one document is a mistake (two title fragments that
    match it); `compare` itself allows it, an identity check whose rows are all kept/same."""
    if a.doc_id == b.doc_id:
        raise CompareError(f"both sides are the same document, {a.doc_id} ({a.title}): name two documents")


def compare(out: str, a_ref: str, b_ref: str, version: str | None = None) -> dict[str, pa.Table]:
    """The three comparison tables of documents `a_ref` (older) and `b_ref` (newer)."""
    ds = Dataset(out)
    documents = ds.read("documents", version)
    a, b = resolve(documents, a_ref), resolve(documents, b_ref)
    tasks, tokens = ds.read("tasks", version), ds.read("tokens", version)
    units = {d: units_of(_rows(tasks, d), _rows(tokens.select(["doc_id", "text", "start"]), d)) for d in (a.doc_id, b.doc_id)}
    # IDF over every unit of the dataset, so words common to all reports weigh little.
    vectorizer = fit_vectorizer(tasks.column("title").to_pylist() + [u.text for us in units.values() for u in us])
    pairs = align(units[a.doc_id], units[b.doc_id], vectorizer)
    compare_tasks = to_table(
        "compare_tasks", pairs, a_doc_id=a.doc_id, b_doc_id=b.doc_id,
        a_task_id=[p.a.task_id if p.a else None for p in pairs], b_task_id=[p.b.task_id if p.b else None for p in pairs],
        depth=[(p.b or p.a).depth for p in pairs],
        a_path=[p.a.path if p.a else None for p in pairs], b_path=[p.b.path if p.b else None for p in pairs],
        a_title=[p.a.title if p.a else None for p in pairs], b_title=[p.b.title if p.b else None for p in pairs],
        words_added=[list(p.words_added) for p in pairs], words_removed=[list(p.words_removed) for p in pairs],
        threshold_match=MATCH, threshold_kept=KEPT)

    figures = ds.read("figures", version)
    fpairs = pair_figures(_rows(figures, a.doc_id), _rows(figures, b.doc_id))
    pick = lambda p, k: (p.b or p.a)[k]  # noqa: E731
    compare_figures = to_table(
        "compare_figures", fpairs, a_doc_id=a.doc_id, b_doc_id=b.doc_id,
        subject=[pick(p, "subject") for p in fpairs], kind=[pick(p, "kind") for p in fpairs], unit=[pick(p, "unit") for p in fpairs],
        **{f"{side}_{col}": [getattr(p, side)[col] if getattr(p, side) else None for p in fpairs]
           for side in ("a", "b") for col in ("value", "value_high", "qualifier", "text")})

    all_terms = ds.read("terms", version)
    terms = all_terms.filter(pc.is_in(all_terms["kind"], pa.array(TERM_KINDS)))
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    words = [0, 0]
    for side, d in enumerate((a.doc_id, b.doc_id)):
        for r in _rows(terms, d):
            counts[(r["term"], r["kind"])][side] += r["count"]
            if r["kind"] == "word":
                words[side] += r["count"]
    earlier = _earlier_documents(documents, b)
    seen_before = set(terms.filter(pc.is_in(terms["doc_id"], pa.array(sorted(earlier), pa.string()))).column("term").to_pylist()) if earlier else set()
    rows = []
    na, nb = max(words[0], 1), max(words[1], 1)
    for (term, kind), (ca, cb) in counts.items():
        stat, ratio = g2(ca, cb, na, nb), log_ratio(ca, cb, na, nb)
        rows.append({"term": term, "kind": kind, "a_count": ca, "b_count": cb, "g2": stat, "log_ratio": ratio,
                     "status": status_of(ca, cb, stat, ratio), "first_in_dataset": cb > 0 and term not in seen_before})
    rows.sort(key=lambda r: (-r["g2"], r["term"]))
    compare_terms = pa.Table.from_pylist([{"a_doc_id": a.doc_id, "b_doc_id": b.doc_id, **r} for r in rows],
                                         schema=SCHEMAS["compare_terms"])
    return {"compare_tasks": compare_tasks, "compare_figures": compare_figures, "compare_terms": compare_terms}


def _earlier_documents(documents: pa.Table, b: DocRef) -> set[str]:
    """Documents dated before B (by `published`, else `year`)."""
    out = set()
    for r in documents.select(["doc_id", "year", "published"]).to_pylist():
        if r["doc_id"] == b.doc_id:
            continue
        if b.published is not None and r["published"] is not None:
            if r["published"] < b.published:
                out.add(r["doc_id"])
        elif b.year is not None and r["year"] is not None and r["year"] < b.year:
            out.add(r["doc_id"])
    return out


def summary(tables: dict[str, pa.Table]) -> dict[str, dict[str, int]]:
    """Counts by status in each comparison table, the most frequent first."""
    return {name: dict(Counter(t["status"].to_pylist()).most_common()) for name, t in tables.items()}


def write(out: str, tables: dict[str, pa.Table]) -> str:
    """Write the comparison tables as a new version of the dataset in `out`: a
    complete snapshot, the latest version's tables plus the comparisons (an
    earlier comparison of the same two documents is replaced). Returns the version id."""
    ds = Dataset(out)
    with ds.lock():
        ds.recover()
        parent = ds.manifest()
        # the tables a comparison does not touch are the parent's files, shared by hard link
        snapshot: dict = {name: [Part(p.name, link=p) for p in ds.table_files(name, parent.version)]
                          for name in parent.row_counts if name not in tables}
        snapshot.update({name: ds.read(name, parent.version) for name in tables if name in parent.row_counts})
        pair = (tables["compare_tasks"]["a_doc_id"][0].as_py() if tables["compare_tasks"].num_rows else None,
                tables["compare_tasks"]["b_doc_id"][0].as_py() if tables["compare_tasks"].num_rows else None)
        for name, new in tables.items():
            old = snapshot.get(name)
            if old is not None and old.num_rows:
                keep = pc.invert(pc.and_(pc.equal(old["a_doc_id"], pair[0] or ""), pc.equal(old["b_doc_id"], pair[1] or "")))
                new = pa.concat_tables([old.filter(keep), new])
            snapshot[name] = new
        fields = {k: v for k, v in parent.to_dict().items() if k not in ("version", "parent_version", "created_at", "row_counts")}
        fields["options"] = {**fields["options"], "compared": [list(pair)]}
        return ds.commit(snapshot, fields)


def write_report(out: str, tables: dict[str, pa.Table], path: str) -> str:
    """The comparison as one self-contained HTML file at `path` (see `pipelines.compare.report`)."""
    from pathlib import Path

    from pipelines.compare.report import render

    documents = Dataset(out).read("documents").select(["doc_id", "title", "year"]).to_pylist()
    by_id = {r["doc_id"]: r for r in documents}
    a = by_id[tables["compare_tasks"]["a_doc_id"][0].as_py()]
    b = by_id[tables["compare_tasks"]["b_doc_id"][0].as_py()]
    Path(path).write_text(render(tables, a, b, summary(tables)), encoding="utf-8")
    return path

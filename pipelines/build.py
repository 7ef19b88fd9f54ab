"""Building a dataset version from input paths, as plain functions.

`flows/build.py` runs these steps as Prefect tasks; `build()` below runs
them in one call without Prefect (for notebooks and tests).

Steps: `collect` reads and cleans the inputs and decides whether anything
changed since the latest version; `analyse_batch` computes the derived tables
of documents (from a per-document cache keyed by doc_id and pipeline version
where it can); `commit` writes the version.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.ipc as ipc

import pipelines
from pipelines.analyse import analyse_document
from pipelines.terms import add_corpus_weights
from pipelines.dataset import Dataset
from pipelines.ingest import FieldMap, discover, documents_from, iter_records, load_files
from pipelines.records import Document, Rejection
from pipelines.schemas import DERIVED_TABLES, SCHEMAS
from pipelines.segment import make_nlp, userdict_paths

PACKAGE_DIR = Path(pipelines.__file__).parent


def pipeline_version(userdicts: Sequence[str] = ()) -> str:
    """`<package version>+<digest>` of the pipeline's code, data files and the
    user dictionaries in use: any change to them re-processes documents."""
    h = hashlib.sha256()
    files = sorted(p for p in PACKAGE_DIR.rglob("*") if p.is_file() and p.suffix in (".py", ".txt", ".tsv") and "__pycache__" not in p.parts)
    for p in files:
        h.update(str(p.relative_to(PACKAGE_DIR)).encode())
        h.update(p.read_bytes())
    for p in userdict_paths(userdicts):
        h.update(p.read_bytes())
    return f"{pipelines.__version__}+{h.hexdigest()[:12]}"


@dataclass
class Collected:
    """What `collect` found: documents, rejections, and whether to build."""

    docs: list[Document]
    rejected: list[Rejection]
    inputs: list[dict]
    pipeline_version: str
    options: dict
    unchanged: bool = False
    latest: str | None = None

    @property
    def n_chars(self) -> int:
        return sum(d.n_chars for d in self.docs)


def collect(
    paths: Iterable[str],
    out: str,
    fields: dict[str, str] | None = None,
    userdicts: Sequence[str] = (),
) -> Collected:
    files, rejected = discover(paths)
    loaded, unreadable = load_files(files)
    rejected += unreadable
    inputs = [{"path": str(path), "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)} for path, data in loaded]
    docs, more = documents_from(iter_records(loaded, FieldMap(fields)))
    rejected += more
    options = {"fields": dict(fields or {}), "userdicts": [str(p) for p in userdicts]}
    collected = Collected(docs, rejected, inputs, pipeline_version(userdicts), options)
    dataset = Dataset(out)
    collected.latest = dataset.latest()
    if collected.latest is not None:
        prev = dataset.manifest(collected.latest)
        collected.unchanged = (
            prev.get("pipeline_version") == collected.pipeline_version
            and prev.get("options") == options
            and [(i["path"], i["sha256"]) for i in prev.get("inputs", [])] == [(i["path"], i["sha256"]) for i in inputs]
        )
    return collected


class DocCache:
    """Derived tables per document, keyed by doc_id (a hash of the text) and
    the pipeline version. Lives in `DIR/.cache/<pipeline version>/`."""

    def __init__(self, out: str | os.PathLike, version: str):
        self.root = Path(out) / ".cache" / version

    def get(self, doc_id: str) -> dict[str, pa.Table] | None:
        tables = {}
        for name in DERIVED_TABLES:
            path = self.root / f"{doc_id}.{name}.arrow"
            if not path.exists():
                return None
            with ipc.open_file(path) as reader:
                tables[name] = reader.read_all()
        return tables

    def put(self, doc_id: str, tables: dict[str, pa.Table]) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        for name, table in tables.items():
            tmp = self.root / f"{doc_id}.{name}.arrow.tmp"
            with ipc.new_file(tmp, table.schema) as writer:
                writer.write_table(table)
            os.replace(tmp, self.root / f"{doc_id}.{name}.arrow")

    def prune(self) -> None:
        """Drop caches of other pipeline versions: they can never be hit again."""
        for other in self.root.parent.glob("*"):
            if other != self.root:
                shutil.rmtree(other, ignore_errors=True)


@dataclass
class BatchResult:
    tables: dict[str, pa.Table]
    analysed: int
    cached: int
    n_docs: int
    seconds: float = 0.0


def _analyse_uncached(docs: Sequence[Document], userdicts: tuple[str, ...]) -> list[dict[str, pa.Table]]:
    nlp = make_nlp(tuple(userdicts))
    return [analyse_document(d, nlp, tuple(userdicts)) for d in docs]


def analyse_batch(
    docs: Sequence[Document],
    out: str,
    version: str,
    userdicts: Sequence[str] = (),
    workers: int = 1,
    pool: ProcessPoolExecutor | None = None,
) -> BatchResult:
    """Derived tables for `docs`, concatenated; cached documents are not re-analysed.

    Uncached documents are analysed in `pool` if given, else over `workers`
    processes when `workers > 1` (worth it only for large inputs: each process
    loads spaCy and the dictionary), else in this process.
    """
    t0 = time.perf_counter()
    cache = DocCache(out, version)
    per_doc: dict[str, dict[str, pa.Table]] = {}
    todo = []
    for d in docs:
        hit = cache.get(d.doc_id)
        if hit is None:
            todo.append(d)
        else:
            per_doc[d.doc_id] = hit
    if todo:
        if pool is not None:
            done = list(zip(todo, pool.submit(_analyse_uncached, todo, tuple(userdicts)).result()))
        elif workers > 1 and len(todo) > 1:
            chunks = [todo[i::workers] for i in range(workers)]
            with ProcessPoolExecutor(max_workers=workers) as own:
                results = list(own.map(_analyse_uncached, chunks, [tuple(userdicts)] * len(chunks)))
            done = [(d, t) for chunk, res in zip(chunks, results) for d, t in zip(chunk, res)]
        else:
            done = list(zip(todo, _analyse_uncached(todo, tuple(userdicts))))
        for d, tables in done:
            cache.put(d.doc_id, tables)
            per_doc[d.doc_id] = tables
    tables = {
        name: pa.concat_tables([per_doc[d.doc_id][name] for d in docs]) if docs else SCHEMAS[name].empty_table()
        for name in DERIVED_TABLES
    }
    return BatchResult(tables, analysed=len(todo), cached=len(docs) - len(todo), n_docs=len(docs), seconds=time.perf_counter() - t0)


def documents_table(docs: Sequence[Document]) -> pa.Table:
    rows = {f.name: [] for f in SCHEMAS["documents"]}
    for d in docs:
        for name in rows:
            rows[name].append(d.n_chars if name == "n_chars" else getattr(d, name))
    return pa.table(rows, schema=SCHEMAS["documents"])


def batches(docs: Sequence[Document], n: int) -> list[list[Document]]:
    """Split `docs` into at most `n` batches of similar character counts."""
    n = max(1, min(n, len(docs)))
    out: list[list[Document]] = [[] for _ in range(n)]
    sizes = [0] * n
    for d in sorted(docs, key=lambda d: -d.n_chars):
        i = sizes.index(min(sizes))
        out[i].append(d)
        sizes[i] += d.n_chars
    order = {d.doc_id: i for i, d in enumerate(docs)}
    return [sorted(b, key=lambda d: order[d.doc_id]) for b in out if b]


def commit(collected: Collected, results: Sequence[BatchResult], out: str) -> tuple[str, dict]:
    """Write the version; return its id and manifest."""
    order = {d.doc_id: i for i, d in enumerate(collected.docs)}
    tables: dict[str, pa.Table] = {"documents": documents_table(collected.docs)}
    for name in DERIVED_TABLES:
        parts = [r.tables[name] for r in results if r.tables[name].num_rows]
        table = pa.concat_tables(parts) if parts else SCHEMAS[name].empty_table()
        # Batches finish in any order: sort rows back into document order.
        keys = pa.array([order[x] for x in table.column("doc_id").to_pylist()], pa.int32())
        within = {"tokens": [("token_id", "ascending")], "tasks": [("task_id", "ascending")],
                  "figures": [("figure_id", "ascending")], "entities": [("entity_id", "ascending")],
                  "terms": [("kind", "ascending"), ("count", "descending"), ("term", "ascending")]}.get(name, [("sentence_id", "ascending")])
        table = table.append_column("__doc_order", keys).sort_by([("__doc_order", "ascending"), *within]).drop_columns(["__doc_order"])
        tables[name] = table
    # TF-IDF depends on every document of the version, so it is computed here, not cached per document.
    tables["terms"] = add_corpus_weights(tables["terms"], len(collected.docs))
    manifest = {
        "pipeline_version": collected.pipeline_version,
        "options": collected.options,
        "inputs": collected.inputs,
        "documents": [{"doc_id": d.doc_id, "source": d.source, "sha256": d.sha256, "title": d.title} for d in collected.docs],
        "rejected": [asdict(r) for r in collected.rejected],
        "analysed": sum(r.analysed for r in results),
        "from_cache": sum(r.cached for r in results),
    }
    dataset = Dataset(out)
    with dataset.lock():
        dataset.recover()
        version = dataset.commit(tables, manifest)
    DocCache(out, collected.pipeline_version).prune()
    return version, dataset.manifest(version)


@dataclass
class BuildResult:
    version: str | None
    unchanged: bool
    documents: int
    rejected: list[Rejection]
    row_counts: dict[str, int] = field(default_factory=dict)
    analysed: int = 0
    from_cache: int = 0


def build(
    paths: Iterable[str] = ("seeds",),
    out: str = "datasets",
    fields: dict[str, str] | None = None,
    userdicts: Sequence[str] = (),
    workers: int = 1,
) -> BuildResult:
    """Build a version without Prefect (the flow runs the same steps)."""
    collected = collect(paths, out, fields, userdicts)
    if collected.unchanged:
        m = Dataset(out).manifest(collected.latest)
        return BuildResult(collected.latest, True, len(collected.docs), collected.rejected, m["row_counts"])
    result = analyse_batch(collected.docs, out, collected.pipeline_version, userdicts, workers)
    version, manifest = commit(collected, [result], out)
    return BuildResult(version, False, len(collected.docs), collected.rejected, manifest["row_counts"], result.analysed, result.cached)

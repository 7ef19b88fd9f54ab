"""Building a dataset version from input paths, as plain functions.

`flows/build.py` runs these steps as Prefect tasks; `build()` below runs
them in one call without Prefect (for notebooks and tests).

Steps: `collect` reads and cleans the inputs and decides whether anything
changed since the latest version; `analyse_batch` computes the derived tables
of documents (from a per-document cache keyed by doc_id and pipeline version
where it can); `commit` writes the version.
"""

from __future__ import annotations

import gc
import hashlib
import multiprocessing
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyarrow as pa

import pipelines
from pipelines.analyse import analyse_document
from pipelines.extract import entities
from pipelines.ingest import (
    FieldMap,
    discover,
    documents_from,
    iter_records,
    load_files,
)
from pipelines.ingest.readers.base import source_name
from pipelines.lang.zh.segment import userdict_paths
from pipelines.nlp import make_nlp
from pipelines.records import Document, InputError, Rejection
from pipelines.store.cache import DocCache
from pipelines.store.dataset import Dataset, Part
from pipelines.store.faults import checkpoint, die_with_parent
from pipelines.store.schemas import (
    DERIVED_TABLES,
    SORT_KEYS,
    Manifest,
    to_table,
)

PACKAGE_DIR = Path(pipelines.__file__).parent
# What decides the rows of a version: the readers and cleaning, the language
# machinery, the extractors and their data, the pipeline and the schemas.
# Not the writer, the cache, the DuckDB views, the QA tools or the flows:
# editing those never re-analyses a document.
ANALYSIS_CODE = ("records.py", "ingest", "lang", "extract", "nlp.py", "analyse.py", "store/schemas.py", "data")


def analysis_files() -> list[Path]:
    """The files whose contents make up the pipeline version."""
    out = []
    for name in ANALYSIS_CODE:
        path = PACKAGE_DIR / name
        found = [path] if path.is_file() else path.rglob("*")
        out += [p for p in found if p.is_file() and p.suffix in (".py", ".c", ".txt", ".tsv", ".jsonl") and "__pycache__" not in p.parts]
    return sorted(out)


def pipeline_version(userdicts: Sequence[str] = ()) -> str:
    """`<package version>+<digest>` of the analysis code and data (`ANALYSIS_CODE`)
    and of the user dictionaries in use: a change to them re-processes documents."""
    h = hashlib.sha256()
    for p in analysis_files():
        h.update(str(p.relative_to(PACKAGE_DIR)).encode())
        h.update(p.read_bytes())
    for p in userdict_paths(userdicts):
        h.update(p.read_bytes())
    return f"{pipelines.__version__}+{h.hexdigest()[:12]}" + entities.models_version()


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
    skipped: list[Rejection] = field(default_factory=list)  # files under a folder that no reader takes

    @property
    def n_chars(self) -> int:
        return sum(d.n_chars for d in self.docs)


def input_record(path: Path, data: bytes) -> dict:
    """An input of the manifest. A file name that is not UTF-8 keeps its bytes (hex) beside
    the readable `path` (`source_name`), so the file can be found again (`input_path`)."""
    rec = {"path": source_name(path), "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
    if rec["path"] != str(path):
        rec["path_bytes"] = os.fsencode(path).hex()
    return rec


def input_path(rec: dict) -> str:
    """Where an input of the manifest is on disk (see `input_record`)."""
    return os.fsdecode(bytes.fromhex(rec["path_bytes"])) if "path_bytes" in rec else rec["path"]


class NothingToBuild(InputError):
    """No input under the paths gave a document. No version is written: a mistyped path
    would otherwise make an empty version the dataset's LATEST."""

    def __init__(self, paths: Iterable[str], rejected: Sequence[Rejection], skipped: Sequence[Rejection]):
        shown = [f"  {r.source}: {r.reason}" for r in [*rejected, *skipped][:10]]
        more = len(rejected) + len(skipped) - len(shown)
        super().__init__("\n".join([f"no document to build from under {', '.join(map(str, paths))}; no version written"
                                    + (":" if shown else " (no input files there)"), *shown]
                                   + ([f"  … and {more} more"] if more > 0 else [])))


def collect(
    paths: Iterable[str],
    out: str,
    fields: dict[str, str] | None = None,
    userdicts: Sequence[str] = (),
) -> Collected:
    if Path(out).exists() and not Path(out).is_dir():
        raise NotADirectoryError(f"{out}: the dataset folder (--out) is a file, not a folder")
    files, rejected, skipped = discover(paths)
    loaded, unreadable = load_files(files)
    rejected += unreadable
    inputs = [input_record(path, data) for path, data in loaded]
    docs, more = documents_from(iter_records(loaded, FieldMap(fields)))
    rejected += more
    options = {"fields": dict(fields or {}), "userdicts": [str(p) for p in userdicts]}
    collected = Collected(docs, rejected, inputs, pipeline_version(userdicts), options, skipped=skipped)
    dataset = Dataset(out)
    collected.latest = dataset.latest()
    if collected.latest is not None:
        prev = dataset.manifest(collected.latest)
        collected.unchanged = (
            prev.pipeline_version == collected.pipeline_version
            and prev.options == options
            and [(i["path"], i["sha256"]) for i in prev.inputs] == [(i["path"], i["sha256"]) for i in inputs]
        )
        if collected.unchanged:  # nothing to write, but what a killed build left is removed all the same
            with dataset.lock():
                dataset.recover()
    return collected


@dataclass
class BatchResult:
    """What analysing a batch did; its rows are in the per-document cache, which the
    writer streams from, so no batch's tables stay in memory."""
    analysed: int
    cached: int
    n_docs: int
    seconds: float = 0.0


# Documents are analysed in chunks of about this many characters: a chunk's tables are
# what a worker holds (and sends back) at once, whatever the size of the corpus. Small
# enough that the workers' queue evens out: at 300,000 the national corpus made five
# chunks of about 1.9 s for two workers, one of them idle for the last; at 100,000 the
# two-process analysis fell from 5.8 s to 4.8 s.
CHUNK_CHARS = 100_000
# Documents the spaCy pipeline takes at once (`nlp.pipe`); a chunk bounds their size.
PIPE_BATCH = 64


# A short text that passes through every step, analysed once by `load_pipeline`: the
# tables and patterns the steps build at their first use (gazetteer hierarchies, lexicon
# tables, compiled patterns, pyarrow's check for pandas) are then built in the process
# that forks the workers, not again in each worker's first batch (0.3 s apiece).
WARM_UP_TEXT = ("一、过去一年工作回顾\n（一）经济运行总体平稳。国内生产总值增长5.2%左右，城镇新增就业一千二百万人以上，"
                "粮食产量1.4万亿斤，2025年赤字率4%。\n二是坚持“两个毫不动摇”，落实“十四五”规划和党的二十届三中全会精神。"
                "习近平总书记在北京市考察，国务院、国家发展改革委和浙江省杭州市人民政府部署，我区推进长江经济带发展。")


# Worker processes are forked, so they start with the pipeline this process has loaded
# (`load_pipeline`), on Linux; Python 3.14 makes forkserver the default there, which would
# have each worker load it again. Elsewhere, the platform's default.
FORK = multiprocessing.get_context("fork") if sys.platform == "linux" else None


def load_pipeline(userdicts: Sequence[str] = ()) -> None:
    """Load the spaCy pipeline (dictionary, gazetteers, entity model) now, so the first
    batch does not wait for it: the CLI does this while a Prefect server boots, before
    the build's worker processes fork (they inherit it). The entity model (0.2 s) and
    what the steps build at their first use (`WARM_UP_TEXT`) are loaded too."""
    ud = tuple(userdicts)
    nlp = make_nlp(ud)  # cached by the dictionaries' contents; the model by its mode
    entities.load_models()
    warm = Document(doc_id="warm-up", text=WARM_UP_TEXT, source="-", encoding="utf-8", sha256="-")
    analyse_document(warm, nlp, ud, nlp(warm.text))  # 5 ms once everything is loaded


def check_pipeline(userdicts: Sequence[str] = ()) -> None:
    """`load_pipeline`'s errors, without loading: a model the mode needs is missing, or a
    user dictionary (`--userdict`, `$POLICYTRACE_USERDICT`) is not there."""
    entities.check_models()
    userdict_paths(userdicts)


def worker_pool(workers: int, userdicts: Sequence[str] = ()) -> ProcessPoolExecutor:
    """Worker processes for analysis, forked (`FORK`) after the pipeline has loaded here,
    so each starts with it instead of loading spaCy and the dictionary itself."""
    load_pipeline(userdicts)
    # a worker ends with the build that forked it, not analysing on and writing the cache under a later build
    return ProcessPoolExecutor(max_workers=workers, mp_context=FORK, initializer=die_with_parent)


def _analyse_uncached(docs: Sequence[Document], userdicts: tuple[str, ...]) -> list[dict[str, pa.Table]]:
    return list(_analyse_uncached_iter(docs, userdicts))


def _analyse_uncached_iter(docs: Sequence[Document], userdicts: tuple[str, ...]) -> Iterator[dict[str, pa.Table]]:
    nlp = make_nlp(tuple(userdicts))
    # `nlp.pipe`: the entity model tags the sentences of several documents at once
    for d, sdoc in zip(docs, nlp.pipe((d.text for d in docs), batch_size=PIPE_BATCH)):
        tables = analyse_document(d, nlp, tuple(userdicts), sdoc)
        checkpoint("analysed")
        yield tables


@contextmanager
def gc_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for the block, as it was after it.

    The analysis makes no reference cycles to collect (a collection after the national
    corpus's analysis with the collector off finds 0 unreachable objects), but the
    collector still ran about 2,800 times over it, scanning the objects of the loaded
    pipeline in each full pass: 0.7-1.3 s of 12 s of CPU. Memory is freed by reference
    counting as before; what a cycle would hold waits for the block's end, a chunk of
    `CHUNK_CHARS`. In a forked worker it also keeps the collector from writing to the
    inherited pipeline's objects, which would copy their memory pages."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _analyse_into_cache(docs: Sequence[Document], userdicts: tuple[str, ...], out: str, version: str) -> None:
    """Analyse `docs` and write each one's tables to the per-document cache, here: a
    worker writes its own (an atomic rename each), so its tables are not pickled, sent
    to the parent and written there while the workers use both cores."""
    cache = DocCache(out, version)
    with gc_paused():
        for d, tables in zip(docs, _analyse_uncached_iter(docs, userdicts)):
            cache.put(d.doc_id, tables)
            checkpoint("cached")


def chunks(docs: Sequence[Document], max_chars: int = CHUNK_CHARS) -> list[list[Document]]:
    """`docs` in order, cut into runs of at most `max_chars` characters (a longer document alone)."""
    out: list[list[Document]] = [[]]
    size = 0
    for d in docs:
        if out[-1] and size + d.n_chars > max_chars:
            out.append([])
            size = 0
        out[-1].append(d)
        size += d.n_chars
    return [c for c in out if c]


def analyse_batch(
    docs: Sequence[Document],
    out: str,
    version: str,
    userdicts: Sequence[str] = (),
    workers: int = 1,
    pool: ProcessPoolExecutor | None = None,
) -> BatchResult:
    """Analyse the documents of `docs` not in the per-document cache, and cache them.

    Uncached documents go in chunks of `CHUNK_CHARS` to `pool` if given, else over
    `workers` processes when `workers > 1` (worth it only for large inputs: each process
    loads spaCy and the dictionary), else to this process. Whoever analyses a document
    writes its tables to the cache (`_analyse_into_cache`), one document at a time.
    """
    t0 = time.perf_counter()
    cache = DocCache(out, version)
    todo = [d for d in docs if not cache.readable(d.doc_id)]
    parts = chunks(todo)
    if parts:
        ud = tuple(userdicts)
        own = worker_pool(workers, ud) if pool is None and workers > 1 and len(parts) > 1 else None
        runner = pool or own
        try:
            if runner is not None:
                for f in [runner.submit(_analyse_into_cache, c, ud, out, version) for c in parts]:
                    f.result()
            else:
                for c in parts:
                    _analyse_into_cache(c, ud, out, version)
        finally:
            if own is not None:
                own.shutdown()
    return BatchResult(analysed=len(todo), cached=len(docs) - len(todo), n_docs=len(docs), seconds=time.perf_counter() - t0)


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


# A version shares its parent's parts while they number fewer than this; then the document
# tables are written anew as one part (compaction), so no table splinters into many files.
MAX_PARTS = 16
# The tables written in parts of documents: all of them (`terms` stores counts only; its
# `df` and `tfidf`, which depend on every document of the version, are computed on reading).
PART_TABLES = ("documents", *DERIVED_TABLES)


def plan_segments(collected: Collected, parent: Manifest | None,
                  on_disk: Callable[[str], bool] = lambda part: True) -> tuple[list[dict], list[Document]]:
    """Which parts of the parent version this version shares, and the documents to write
    anew. A part is shared when every document in it is still in the collection, unchanged
    (same doc_id, source, sha256, title) and analysed by the same pipeline with the same
    options, and `on_disk(part)` finds its files; the other documents go to one new part.
    Without a usable parent, or once the shared parts reach `MAX_PARTS`, everything is
    written anew."""
    docs = collected.docs
    # what `compare` adds to the options (`compared`) changes no document's rows
    options = {k: v for k, v in (parent.options if parent else {}).items() if k != "compared"}
    if (parent is None or not parent.segments or parent.pipeline_version != collected.pipeline_version
            or options != collected.options):
        return [], list(docs)
    now = {d.doc_id: (d.doc_id, d.source, d.sha256, d.title) for d in docs}
    before = {e["doc_id"]: (e["doc_id"], e["source"], e["sha256"], e["title"]) for e in parent.documents}
    kept, covered = [], set()
    for seg in parent.segments:
        ids = seg["doc_ids"]
        if ids and all(i in now and now[i] == before.get(i) and i not in covered for i in ids) and on_disk(seg["part"]):
            kept.append(seg)
            covered.update(ids)
    if len(kept) >= MAX_PARTS:
        return [], list(docs)
    return kept, [d for d in docs if d.doc_id not in covered]


def part_name(doc_ids: Sequence[str]) -> str:
    """A part's file name, from the documents it holds: the same documents, the same name."""
    return f"part-{hashlib.sha256(chr(10).join(doc_ids).encode()).hexdigest()[:16]}.parquet"


def commit(collected: Collected, results: Sequence[BatchResult], out: str) -> tuple[str, Manifest]:
    """Write the version, streaming each table from the per-document cache a document
    at a time; return its id and manifest. The document tables share the parent's parts
    whose documents did not change (`plan_segments`, hard links) and write one new part
    for the rest."""
    cache = DocCache(out, collected.pipeline_version)
    dataset = Dataset(out)

    def rows_of(name: str, which: Sequence[Document]) -> Iterator[pa.Table]:
        for d in which:
            try:
                t = cache.table(d.doc_id, name)
            except (pa.ArrowInvalid, OSError):  # a cache file damaged inside: analyse the document again
                cache.put(d.doc_id, _analyse_uncached([d], tuple(collected.options["userdicts"]))[0])
                t = cache.table(d.doc_id, name)
            yield t.sort_by(list(SORT_KEYS[name])) if SORT_KEYS[name] and t.num_rows > 1 else t

    with dataset.lock():
        dataset.recover()
        parent = dataset.manifest() if dataset.latest() else None

        def on_disk(part: str) -> bool:
            return all((dataset.table_path(name, parent.version) / part).exists() for name in PART_TABLES)

        kept, fresh = plan_segments(collected, parent, on_disk)
        new_part = part_name([d.doc_id for d in fresh])
        segments = [*kept, {"part": new_part, "doc_ids": [d.doc_id for d in fresh]}] if fresh else kept
        tables: dict[str, pa.Table | Iterable[pa.Table] | list[Part]] = {}
        for name in PART_TABLES:
            parts = [Part(seg["part"], link=dataset.table_path(name, parent.version) / seg["part"]) for seg in kept]
            if fresh or not parts:
                parts.append(Part(new_part, to_table("documents", fresh) if name == "documents" else rows_of(name, fresh)))
            tables[name] = parts
        manifest = {
            "pipeline_version": collected.pipeline_version,
            "options": collected.options,
            "inputs": collected.inputs,
            "documents": [{"doc_id": d.doc_id, "source": d.source, "sha256": d.sha256, "title": d.title} for d in collected.docs],
            "rejected": [asdict(r) for r in collected.rejected],
            "skipped": [asdict(r) for r in collected.skipped],
            "analysed": sum(r.analysed for r in results),
            "from_cache": sum(r.cached for r in results),
            "segments": segments,
        }
        version = dataset.commit(tables, manifest)
    cache.prune()
    checkpoint("pruned")
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
    skipped: list[Rejection] = field(default_factory=list)


def build(
    paths: Iterable[str] = ("seeds",),
    out: str = "datasets",
    fields: dict[str, str] | None = None,
    userdicts: Sequence[str] = (),
    workers: int = 1,
) -> BuildResult:
    """Build a version without Prefect (the flow runs the same steps)."""
    collected = collect(paths, out, fields, userdicts)
    if not collected.docs:
        raise NothingToBuild(paths, collected.rejected, collected.skipped)
    checkpoint("collected")
    if collected.unchanged:
        m = Dataset(out).manifest(collected.latest)
        return BuildResult(collected.latest, True, len(collected.docs), collected.rejected, m.row_counts, skipped=collected.skipped)
    result = analyse_batch(collected.docs, out, collected.pipeline_version, userdicts, workers)
    version, manifest = commit(collected, [result], out)
    return BuildResult(version, False, len(collected.docs), collected.rejected, manifest.row_counts, result.analysed, result.cached,
                       collected.skipped)

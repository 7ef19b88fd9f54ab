"""The `build` flow: inputs in, a new dataset version out.

Tasks: `collect_inputs` (read, clean, decide whether anything changed),
`analyse` once per batch of documents (in turn in this process, or mapped over
threads that hand the batches to a process pool or to Dask), `write_version`,
and a run-summary artifact. All work is done by `pipelines.build`.
"""

from __future__ import annotations

import asyncio
import os
from concurrent.futures import ThreadPoolExecutor

from prefect import flow, get_run_logger, task, unmapped
from prefect.artifacts import acreate_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import as_completed
from prefect.task_runners import ThreadPoolTaskRunner

from flows import dask_workers
from pipelines import build as steps

# Documents are analysed in-process below this many characters; above it, spread
# over the cores. The pool's workers are forked from this process after it has loaded
# the pipeline (`load_pipeline`), so they start with it loaded: with the national
# reports' first 160 k characters (two chunks), 2 processes took 0.90-0.98 s against
# 1.17-1.20 s for one, and 1.87 s against 2.7 s at 400 k. (When each worker loaded
# spaCy and the dictionary itself, ~0.5 s, the threshold was 1,000,000.)
PARALLEL_MIN_CHARS = 150_000


@task(name="collect-inputs", cache_policy=NO_CACHE)
def collect_inputs(paths: list[str], out: str, fields: dict | None, userdicts: list[str]) -> steps.Collected:
    return steps.collect(paths, out, fields, userdicts)


@task(name="analyse", cache_policy=NO_CACHE, task_run_name="analyse-{label}")
def analyse(docs: list, out: str, version: str, userdicts: list[str], pool, label: str) -> steps.BatchResult:
    return steps.analyse_batch(docs, out, version, userdicts, pool=pool)


@task(name="write-version", cache_policy=NO_CACHE)
def write_version(collected: steps.Collected, results: list, out: str) -> tuple[str, dict]:
    return steps.commit(collected, results, out)


def summary_markdown(summary: dict) -> str:
    lines = ["# policytrace build", ""]
    if summary["unchanged"]:
        lines.append(f"Nothing changed since version `{summary['version']}`: no new version written.")
    else:
        lines.append(f"Version `{summary['version']}` (parent `{summary['parent_version']}`), pipeline `{summary['pipeline_version']}`.")
    lines += ["", "| | |", "|---|---|", f"| documents | {summary['documents']} |"]
    lines += [f"| rows in `{t}` | {n} |" for t, n in summary["row_counts"].items()]
    lines += [f"| analysed / from cache | {summary['analysed']} / {summary['from_cache']} |", ""]
    if summary["rejected"]:
        lines += ["## Rejected inputs", "", "| input | reason |", "|---|---|"]
        lines += [f"| `{r['source']}` | {r['reason']} |" for r in summary["rejected"]]
    else:
        lines.append("No input was rejected.")
    if summary.get("skipped"):
        lines += ["", "## Skipped files (no reader yet)", "", "| file | reason |", "|---|---|"]
        lines += [f"| `{r['source']}` | {r['reason']} |" for r in summary["skipped"]]
    return "\n".join(lines)


def dask_runner(spec: str):
    """prefect-dask's `DaskTaskRunner` for `--dask`: `local:N` starts a `LocalCluster` of N
    worker processes (one thread each) for this run; `tcp://HOST:PORT` (or `tls://`) uses
    a running scheduler, whose workers must reach the inputs, `--out` and its cache."""
    from prefect_dask import DaskTaskRunner

    n = dask_workers(spec)
    if n is None:
        return DaskTaskRunner(address=spec)
    return DaskTaskRunner(cluster_class="distributed.LocalCluster", cluster_kwargs={
        "n_workers": n, "threads_per_worker": 1, "processes": True, "dashboard_address": None})


def run_to_end(coro):
    """Run an async flow call to its end and return its result, from plain Python or from
    inside a running event loop (a Jupyter notebook), where `asyncio.run` cannot: there it
    runs on a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with ThreadPoolExecutor(max_workers=1) as ex:
        return ex.submit(asyncio.run, coro).result()


def run_build(dask: str | None = None, **params) -> dict:
    """`build_flow(**params)` run to its end, its tasks on Dask when `dask` names a cluster
    (see `dask_runner`)."""
    if not dask:
        return run_to_end(build_flow(**params))
    return run_to_end(build_flow.with_options(task_runner=dask_runner(dask))(dask=dask, **params))


# The flows are `async def` for one reason: Prefect's engine joins a sync flow's heartbeat
# thread at the end of the run, and that thread sleeps in one-second steps, so every sync
# run ended with a wait of up to a second (0.87 s measured on a one-document build, of
# 1.08 s); an async flow's engine leaves the thread to end by itself. Heartbeats still run
# during the flow. The body itself is the same synchronous code: tasks are called and
# mapped as in a sync flow. Call it with `run_build(...)` (or `asyncio.run(build_flow(...))`).
@flow(name="policytrace-build", task_runner=ThreadPoolTaskRunner(max_workers=os.cpu_count() or 2), validate_parameters=True)
async def build_flow(
    paths: list[str] = ["seeds"],  # noqa: B006 (Prefect parameters are JSON defaults)
    out: str = "datasets",
    fields: dict[str, str] | None = None,
    userdicts: list[str] = [],  # noqa: B006
    workers: int | None = None,
    dask: str | None = None,
) -> dict:
    """Build a new version of the dataset in `out` from the inputs under `paths`.
    With `dask` (set by `run_build`, which gives the flow a `DaskTaskRunner`), each batch
    is analysed on a Dask worker instead of in this machine's process pool."""
    logger = get_run_logger()
    collected = collect_inputs(paths, out, fields, userdicts)
    for r in collected.rejected:
        logger.warning("rejected %s: %s", r.source, r.reason)
    if not collected.docs:  # the run fails with the reason; LATEST stays where it was
        raise steps.NothingToBuild(paths, collected.rejected, collected.skipped)
    summary = {
        "documents": len(collected.docs),
        "rejected": [{"source": r.source, "reason": r.reason} for r in collected.rejected],
        "skipped": [{"source": r.source, "reason": r.reason} for r in collected.skipped],
        "pipeline_version": collected.pipeline_version,
        "analysed": 0,
        "from_cache": 0,
    }
    if collected.unchanged:
        manifest = steps.Dataset(out).manifest(collected.latest)
        logger.info("inputs and pipeline unchanged since version %s: no new version written", collected.latest)
        summary.update(unchanged=True, version=collected.latest, parent_version=manifest.parent_version, row_counts=manifest.row_counts)
    else:
        cores = os.cpu_count() or 1
        if workers is None:  # the pool pays only with two chunks or more (one long document is one)
            several = len(steps.chunks(collected.docs)) > 1
            workers = cores if collected.n_chars >= PARALLEL_MIN_CHARS and several else 1
        if dask:  # the Dask workers analyse; no local pool
            workers = dask_workers(dask) or 4 * cores
        # With workers > 1 (or Dask) the batches are mapped over threads, each handing
        # its batch to a shared process pool (or a Dask worker), so the cores work in
        # parallel; with one worker they run in turn in this process (below).
        parts = steps.batches(collected.docs, max(2 * max(workers, cores), 1))
        logger.info(
            "analysing %d documents (%d characters) in %d batches, %s",
            len(collected.docs), collected.n_chars, len(parts),
            f"on Dask ({dask})" if dask else f"{workers if workers > 1 else 0} worker process(es)",
        )
        pool = steps.worker_pool(workers, userdicts) if workers > 1 and not dask else None
        labels = [f"{i + 1}-of-{len(parts)}" for i in range(len(parts))]
        results, done = [], 0

        def finished(res: steps.BatchResult) -> None:
            nonlocal done
            results.append(res)
            done += res.n_docs
            logger.info("documents done: %d of %d", done, len(collected.docs))

        try:
            if pool is None and not dask:
                # in this process: one batch after another, since two threads analysing at
                # once only take turns at the GIL (make bench, the flow on one process over
                # the national corpus: 11.4 s on two threads, 9.5 s in turn)
                for part, label in zip(parts, labels):
                    finished(analyse(part, out, collected.pipeline_version, userdicts, None, label))
            else:
                futures = analyse.map(
                    parts, unmapped(out), unmapped(collected.pipeline_version), unmapped(userdicts), unmapped(pool), labels,
                ) if parts else []
                for fut in as_completed(list(futures)):
                    finished(fut.result())
        finally:
            if pool is not None:
                pool.shutdown()
        version, manifest = write_version(collected, results, out)
        logger.info("wrote version %s", version)
        summary.update(
            unchanged=False, version=version, parent_version=manifest.parent_version, row_counts=manifest.row_counts,
            analysed=manifest.analysed, from_cache=manifest.from_cache,
        )
    await acreate_markdown_artifact(markdown=summary_markdown(summary), key="build-summary", description="policytrace build summary")
    return summary

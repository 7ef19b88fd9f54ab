"""The `compare` flow: two documents of a dataset compared, written as a new
version, with a run-summary artifact. All work is done by `pipelines.compare`."""

from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import acreate_markdown_artifact
from prefect.cache_policies import NO_CACHE

from pipelines import compare as steps
from pipelines.store.dataset import Dataset


@task(name="ingest-file", cache_policy=NO_CACHE)
def ingest_file(out: str, ref: str) -> str:
    """A file named instead of a document is built into the dataset (with the
    inputs of its latest version, from the per-document cache); its doc_id is returned."""
    if not Path(ref).is_file():
        return ref
    from pipelines.build import build, input_path

    ds = Dataset(out)
    manifest = ds.manifest() if ds.latest() else None
    inputs = [input_path(i) for i in manifest.inputs] if manifest else []
    options = manifest.options if manifest else {}
    if str(Path(ref)) not in inputs:
        build([*inputs, str(Path(ref))], out, options.get("fields") or None, options.get("userdicts", []))
    docs = Dataset(out).read("documents").select(["doc_id", "source"]).to_pylist()
    hits = [d for d in docs if d["source"] == str(Path(ref)) or d["source"].startswith(str(Path(ref)) + ":")]
    if len(hits) != 1:
        raise steps.CompareError(f"{ref} gives {len(hits)} documents; name one of them by doc_id after `policytrace build`")
    return hits[0]["doc_id"]


@task(name="compare-documents", cache_policy=NO_CACHE)
def compare_documents(out: str, a: str, b: str) -> dict:
    return steps.compare(out, a, b)


@task(name="write-comparison", cache_policy=NO_CACHE)
def write_comparison(out: str, tables: dict) -> str:
    return steps.write(out, tables)


def summary_markdown(a: str, b: str, version: str, tables: dict) -> str:
    lines = ["# policytrace compare", "", f"`{a}` → `{b}`, version `{version}`", ""]
    for name, counts in steps.summary(tables).items():
        lines.append(f"- **{name}**: " + ", ".join(f"{s} {n}" for s, n in counts.items()))
    changed = [r for r in tables["compare_figures"].to_pylist() if r["status"] != "same"]
    if changed:
        lines += ["", "| metric | A | B | status |", "|---|---|---|---|"]
        lines += [f"| {r['metric']} | {r['a_text'] or ''} | {r['b_text'] or ''} | {r['status']} |" for r in changed]
    return "\n".join(lines)


@task(name="write-report", cache_policy=NO_CACHE)
def write_report(out: str, tables: dict, report: str) -> str:
    return steps.write_report(out, tables, report)


@flow(name="policytrace-compare", validate_parameters=True)
async def compare_flow(a: str, b: str, out: str = "datasets", report: str | None = None) -> dict:
    """Compare document `b` (newer) with `a` (older) in the dataset in `out`
    (a doc_id, a title fragment, or a file, built into the dataset on the way);
    `report`: also write the comparison as one HTML file there. Async for the reason
    `flows.build.build_flow` is: run it with `asyncio.run(compare_flow(...))`."""
    logger = get_run_logger()
    a, b = ingest_file(out, a), ingest_file(out, b)
    tables = compare_documents(out, a, b)
    version = write_comparison(out, tables)
    logger.info("wrote version %s with the comparison", version)
    if report:
        logger.info("wrote the report %s", write_report(out, tables, report))
    await acreate_markdown_artifact(markdown=summary_markdown(a, b, version, tables), key="compare-summary",
                             description="policytrace compare summary")
    return {"version": version, "summary": steps.summary(tables)}

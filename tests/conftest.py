"""Shared fixtures: the seed, the shared corpus, one full build, Prefect harness."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SEED = SEEDS / "000_ea00f322215004ab.txt"
CORPUS = Path(os.environ.get("POLICYTRACE_CORPUS", ROOT.parent / "shared" / "corpus"))
DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def corpus() -> Path:
    if not (CORPUS / "national").is_dir():
        pytest.skip(f"shared corpus not found at {CORPUS} (set POLICYTRACE_CORPUS)")
    return CORPUS


def corpus_inventory(corpus: Path) -> tuple[int, list[str]]:
    """What the corpus holds, counted from its files, not by the reader under
    test: (documents: one per `.txt`/`.md`/`.html` file, per non-blank `.jsonl`
    line and per `.csv` data row, README aside; the other files, which no
    reader takes yet)."""
    import csv

    n, other = 0, []
    for f in sorted(corpus.rglob("*")):
        if not f.is_file() or f.name.startswith("README"):
            continue
        if f.suffix == ".jsonl":
            n += sum(1 for line in f.read_text(encoding="utf-8").splitlines() if line.strip())
        elif f.suffix == ".csv":
            csv.field_size_limit(1 << 30)
            n += sum(1 for row in csv.reader(f.read_text(encoding="utf-8-sig").splitlines(keepends=True)) if any(row)) - 1
        elif f.suffix in (".txt", ".md", ".html"):
            n += 1
        else:
            other.append(str(f))
    return n, other


@pytest.fixture(scope="session")
def corpus_docs(corpus):
    from pipelines.ingest import read_documents

    docs, rejected = read_documents([SEEDS, corpus])
    return docs, rejected


@pytest.fixture(scope="session")
def full_build(corpus, tmp_path_factory):
    """The seed plus the whole shared corpus, built once without Prefect."""
    from pipelines.build import build

    out = tmp_path_factory.mktemp("full") / "datasets"
    result = build([str(SEEDS), str(corpus)], str(out))
    return out, result


@pytest.fixture(scope="session")
def prefect_harness(tmp_path_factory):
    """One temporary Prefect backend for every flow test (~10 s, paid once)."""
    os.environ["PREFECT_HOME"] = str(tmp_path_factory.mktemp("prefect-home"))
    from prefect.testing.utilities import prefect_test_harness

    import flows  # noqa: F401

    with prefect_test_harness():
        yield


def doc_by_source(docs, suffix: str):
    matches = [d for d in docs if d.source.endswith(suffix)]
    assert len(matches) == 1, f"{suffix}: {len(matches)} documents"
    return matches[0]

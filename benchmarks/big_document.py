"""One long document: does the analysis stay linear in a document's length?

    .venv/bin/python benchmarks/big_document.py [--sizes 300000,700000] [--runs 3]

The national reports are joined into one text and cut at each size. Each cut is
analysed twice in this process, after the pipeline has loaded and a warm-up run: as one
document, and as the same text in documents of about 100,000 characters (cut at line
ends). Every table and the trained entity model, CPU time of this process, the median
of RUNS. The ratio (the pieces' time over the whole's) is 1 when cost grows with the
text alone; under 1, some step grows faster than a document's length.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from pipelines.build import _analyse_uncached, load_pipeline
from pipelines.ingest import read_documents
from pipelines.records import Document

ROOT = Path(__file__).resolve().parents[1]
PIECE = 100_000


def pieces(text: str, size: int = PIECE) -> list[str]:
    out, start = [], 0
    while start < len(text):
        end = text.find("\n", start + size)
        end = len(text) if end < 0 else end + 1
        out.append(text[start:end])
        start = end
    return out


def cpu_seconds(texts: list[str], runs: int) -> float:
    docs = [Document(doc_id=f"d{i}", text=t, source="-", encoding="utf-8", sha256="-", year=2024) for i, t in enumerate(texts)]
    times = []
    for _ in range(runs):
        t = time.process_time()
        _analyse_uncached(docs, ())
        times.append(time.process_time() - t)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="300000,700000")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "national")
    args = ap.parse_args()
    docs, _ = read_documents([args.corpus])
    if not docs:
        raise SystemExit(f"big_document: no document under {args.corpus} (give --corpus)")
    text = "\n".join(d.text for d in docs)
    load_pipeline(())
    cpu_seconds(pieces(text[:PIECE]), 1)  # warm-up
    print(f"{'characters':>10} {'one doc s':>10} {'pieces':>7} {'pieces s':>9} {'one doc chars/s':>16} {'ratio':>6}")
    for n in (int(s) for s in args.sizes.split(",")):
        cut = text[:n]
        whole = cpu_seconds([cut], args.runs)
        parts = pieces(cut)
        split = cpu_seconds(parts, args.runs)
        print(f"{len(cut):>10,} {whole:>10.2f} {len(parts):>7} {split:>9.2f} {len(cut) / whole:>16,.0f} {split / whole:>6.2f}")


if __name__ == "__main__":
    main()

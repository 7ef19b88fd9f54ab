"""One long document: does the analysis stay linear in a document's length?

    .venv/bin/python benchmarks/big_document.py [--sizes 100000,300000,700000]

The national reports are joined into one text and cut at each size; each cut is
analysed as one document (every table, the trained entity model), in this process,
after the pipeline has loaded. Reports chars/s and the ratio to the smallest size's
rate, measured in the same run: a ratio well under 1 means some step grows faster
than the text (a scan of all pairs of something in the document).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from pipelines.build import _analyse_uncached, load_pipeline
from pipelines.ingest import read_documents
from pipelines.records import Document

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="100000,300000,700000")
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "national")
    args = ap.parse_args()
    docs, _ = read_documents([args.corpus])
    text = "\n".join(d.text for d in docs)
    load_pipeline(())
    print(f"{'characters':>10} {'seconds':>8} {'chars/s':>9} {'vs first':>9}")
    base = None
    for n in (int(s) for s in args.sizes.split(",")):
        doc = Document(doc_id=f"big-{n}", text=text[:n], source="-", encoding="utf-8", sha256="-", year=2024)
        t = time.perf_counter()
        _analyse_uncached([doc], ())
        secs = time.perf_counter() - t
        rate = min(n, len(text)) / secs
        base = base or rate
        print(f"{min(n, len(text)):>10,} {secs:>8.2f} {rate:>9,.0f} {rate / base:>9.2f}")


if __name__ == "__main__":
    main()
